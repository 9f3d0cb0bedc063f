"""AWS partitions: which hosts serve SAML sign-in, STS, federation and the console for a region."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Partition:
    name: str  # the ARN partition: aws, aws-us-gov, aws-cn
    signin_domain: str  # signin.<this>
    dns_suffix: str  # sts.<region>.<this>
    console_url: str
    login_url: str  # Microsoft Entra's login host for this cloud
    default_region: str

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
    "aws",
    "aws.amazon.com",
    "amazonaws.com",
    "https://console.aws.amazon.com/",
    "https://login.microsoftonline.com",
    "us-east-1",
)
AWS_US_GOV = Partition(
    "aws-us-gov",
    "amazonaws-us-gov.com",
    "amazonaws.com",
    "https://console.amazonaws-us-gov.com/",
    "https://login.microsoftonline.us",
    "us-gov-west-1",
)
AWS_CN = Partition(
    "aws-cn",
    "amazonaws.cn",
    "amazonaws.com.cn",
    "https://console.amazonaws.cn/",
    "https://login.partner.microsoftonline.cn",
    "cn-north-1",
)
PARTITIONS = {p.name: p for p in (AWS, AWS_US_GOV, AWS_CN)}

REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")

# The hosts Entra posts the SAMLResponse to: global and regional sign-in hosts of every partition,
# with an optional /acs/<id> (encrypted assertions), and Defender for Cloud Apps' `.mcas.ms` rewrites.
ACS_URL_RE = re.compile(
    r"^https://([A-Za-z0-9-]+\.)*signin\.(aws\.amazon\.com|amazonaws-us-gov\.com|amazonaws\.cn)"
    r"(\.[a-z0-9-]+\.mcas\.ms|\.mcas\.ms)?(:\d+)?/saml(/acs/[^/?#]+)?/?([?#].*)?$"
)


def is_region(value: str) -> bool:
    return bool(REGION_RE.fullmatch(value))  # `$` alone would let "us-east-1\n" through


def partition_for_region(region: str) -> Partition:
    if region.startswith("us-gov-"):
        return AWS_US_GOV
    if region.startswith("cn-"):
        return AWS_CN
    return AWS


def partition_named(name: str) -> Partition:
    return PARTITIONS[name]


def is_acs_url(url: str) -> bool:
    return bool(ACS_URL_RE.match(url))
