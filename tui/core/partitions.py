"""AWS partitions: which hosts serve SAML sign-in, STS, federation and the console for a region.

Entra's own cloud (which login host a tenant signs in at) is a separate choice: a GovCloud AWS
account is often federated from a commercial tenant, so `ENTRA_CLOUDS` is not keyed by partition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Partition:
    name: str  # the ARN partition: aws, aws-us-gov, aws-cn, aws-iso, ...
    signin_domain: str  # signin.<this>; "" where AWS publishes no SAML sign-in host we know
    dns_suffix: str  # sts.<region>.<this> (botocore's partitions.json)
    console_url: str
    default_region: str

    @property
    def can_sign_in(self) -> bool:
        return bool(self.signin_domain)

    def acs_url(self, region: str | None = None) -> str:
        """The SAML ACS: global host for the default region, else the regional sign-in host."""
        if region is None or region == self.default_region:
            return f"https://signin.{self.signin_domain}/saml"
        return f"https://{region}.signin.{self.signin_domain}/saml"

    def sts_endpoint(self, region: str) -> str:
        return f"https://sts.{region}.{self.dns_suffix}"

    def federation_url(self, region: str | None = None) -> str:
        if region is None or region == self.default_region:
            return f"https://signin.{self.signin_domain}/federation"
        return f"https://{region}.signin.{self.signin_domain}/federation"


AWS = Partition(
    "aws", "aws.amazon.com", "amazonaws.com", "https://console.aws.amazon.com/", "us-east-1"
)
AWS_US_GOV = Partition(
    "aws-us-gov",
    "amazonaws-us-gov.com",
    "amazonaws.com",
    "https://console.amazonaws-us-gov.com/",
    "us-gov-west-1",
)
AWS_CN = Partition(
    "aws-cn", "amazonaws.cn", "amazonaws.com.cn", "https://console.amazonaws.cn/", "cn-north-1"
)
# Partitions whose roles an assertion may carry, but whose SAML sign-in host is not public.
AWS_ISO = Partition("aws-iso", "", "c2s.ic.gov", "", "us-iso-east-1")
AWS_ISO_B = Partition("aws-iso-b", "", "sc2s.sgov.gov", "", "us-isob-east-1")
AWS_ISO_E = Partition("aws-iso-e", "", "cloud.adc-e.uk", "", "eu-isoe-west-1")
AWS_ISO_F = Partition("aws-iso-f", "", "csp.hci.ic.gov", "", "us-isof-south-1")
AWS_EUSC = Partition("aws-eusc", "", "amazonaws.eu", "", "eusc-de-east-1")

# The partitions entra-aws signs in to (the browser watches their sign-in hosts).
PARTITIONS = {p.name: p for p in (AWS, AWS_US_GOV, AWS_CN)}
ALL_PARTITIONS = {
    p.name: p for p in (AWS, AWS_US_GOV, AWS_CN, AWS_ISO, AWS_ISO_B, AWS_ISO_E, AWS_ISO_F, AWS_EUSC)
}
# Region prefixes, most specific first (us-isob- before us-iso-; the rest is commercial).
_REGION_PREFIXES = (
    ("us-isob-", AWS_ISO_B),
    ("us-isof-", AWS_ISO_F),
    ("us-iso-", AWS_ISO),
    ("eu-isoe-", AWS_ISO_E),
    ("us-gov-", AWS_US_GOV),
    ("cn-", AWS_CN),
    ("eusc-", AWS_EUSC),
)

# Microsoft Entra's login host per Entra cloud (the tenant's, not the AWS account's).
ENTRA_CLOUDS = {
    "global": "https://login.microsoftonline.com",
    "usgov": "https://login.microsoftonline.us",
    "china": "https://login.partner.microsoftonline.cn",
}

REGION_RE = re.compile(r"^[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}\Z")

# The hosts Entra posts the SAMLResponse to: global and regional sign-in hosts of every partition,
# at /saml (with an optional /acs/<id> for encrypted assertions) or /static/saml (AWS's IAM docs
# give both), and Defender for Cloud Apps' `.mcas.ms` rewrites.
ACS_URL_RE = re.compile(
    r"^https://([A-Za-z0-9-]+\.)*signin\.(aws\.amazon\.com|amazonaws-us-gov\.com|amazonaws\.cn)"
    r"(\.[a-z0-9-]+\.mcas\.ms|\.mcas\.ms)?(:[0-9]+)?(/static/saml|/saml(/acs/[^/?#]+)?)/?"
    r"([?#].*)?\Z"
)
# Paths under a sign-in host that are ACS URLs (the browser's Fetch patterns are built from these).
ACS_PATHS = ("/saml", "/static/saml")


def is_region(value: str) -> bool:
    return bool(REGION_RE.match(value))


def partition_for_region(region: str) -> Partition:
    for prefix, partition in _REGION_PREFIXES:
        if region.startswith(prefix):
            return partition
    return AWS


def partition_named(name: str) -> Partition:
    return ALL_PARTITIONS[name]


def is_acs_url(url: str) -> bool:
    return bool(ACS_URL_RE.match(url))
