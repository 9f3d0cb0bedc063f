"""Role and SAML-provider ARNs and IAM names: the patterns, with nothing heavier than `re`.

Kept apart from `roles` (dataclasses) because the cached credential_process path checks ARNs too.
"""

from __future__ import annotations

import re

# Every AWS partition an ARN may name (botocore's partitions.json): commercial, China, GovCloud,
# the ISO partitions and the European Sovereign Cloud.
ARN_PARTITIONS = (
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
)
_PARTITION = "|".join(re.escape(name) for name in ARN_PARTITIONS)
# ASCII classes only: Python's \w and \d also match other scripts' letters and digits, which IAM
# and STS refuse. `\Z`, not `$`, so a trailing newline does not pass.
_NAME_CHARS = r"A-Za-z0-9_+=,.@-"
ROLE_ARN_RE = re.compile(
    rf"^arn:(?P<partition>{_PARTITION}):iam::(?P<account>[0-9]{{12}}):role/"
    rf"(?P<path>(?:[{_NAME_CHARS}]+/)*)(?P<name>[{_NAME_CHARS}]{{1,64}})\Z"
)
PRINCIPAL_ARN_RE = re.compile(
    rf"^arn:(?P<partition>{_PARTITION}):iam::(?P<account>[0-9]{{12}}):saml-provider/"
    r"(?P<name>[A-Za-z0-9_.-]{1,128})\Z"
)
ROLE_NAME_RE = re.compile(rf"^[{_NAME_CHARS}]{{1,64}}\Z")


def is_role_arn(value: str) -> bool:
    return bool(ROLE_ARN_RE.match(value))


def is_principal_arn(value: str) -> bool:
    return bool(PRINCIPAL_ARN_RE.match(value))
