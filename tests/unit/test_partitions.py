"""partitions.py: the hosts each AWS partition uses, and which URLs are AWS's SAML sign-in."""

from __future__ import annotations

import pytest

from tui.core.partitions import is_acs_url, is_region, partition_for_region, partition_named


@pytest.mark.parametrize(
    ("region", "name", "sts", "console"),
    [
        (
            "us-east-1",
            "aws",
            "https://sts.us-east-1.amazonaws.com",
            "https://console.aws.amazon.com/",
        ),
        (
            "eu-west-1",
            "aws",
            "https://sts.eu-west-1.amazonaws.com",
            "https://console.aws.amazon.com/",
        ),
        (
            "us-gov-west-1",
            "aws-us-gov",
            "https://sts.us-gov-west-1.amazonaws.com",
            "https://console.amazonaws-us-gov.com/",
        ),
        (
            "cn-north-1",
            "aws-cn",
            "https://sts.cn-north-1.amazonaws.com.cn",
            "https://console.amazonaws.cn/",
        ),
    ],
)
def test_partition_hosts(region, name, sts, console):
    partition = partition_for_region(region)
    assert partition.name == name
    assert partition.sts_endpoint(region) == sts
    assert partition.console_url == console
    assert partition_named(name) is partition


def test_acs_and_federation_urls_global_and_regional():
    aws = partition_named("aws")
    assert aws.acs_url() == "https://signin.aws.amazon.com/saml"
    assert aws.acs_url("us-east-1") == "https://signin.aws.amazon.com/saml"
    assert aws.acs_url("eu-west-1") == "https://eu-west-1.signin.aws.amazon.com/saml"
    assert aws.federation_url() == "https://signin.aws.amazon.com/federation"
    assert aws.federation_url("eu-west-1") == "https://eu-west-1.signin.aws.amazon.com/federation"
    assert partition_named("aws-cn").acs_url("cn-northwest-1") == (
        "https://cn-northwest-1.signin.amazonaws.cn/saml"
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://signin.aws.amazon.com/saml",
        "https://signin.aws.amazon.com/saml/",
        "https://eu-west-1.signin.aws.amazon.com/saml",
        "https://signin.amazonaws-us-gov.com/saml",
        "https://us-gov-east-1.signin.amazonaws-us-gov.com/saml",
        "https://signin.amazonaws.cn/saml",
        "https://us-east-2.signin.aws.amazon.com/saml/acs/SAMLSP4SHN3UIS2D558H46",
        "https://signin.aws.amazon.com.mcas.ms/saml",
        "https://signin.aws.amazon.com.eu2.mcas.ms/saml?McasCtx=4",
        "https://signin.aws.amazon.com:443/saml",
    ],
)
def test_aws_sign_in_urls(url):
    assert is_acs_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://signin.aws.amazon.com/saml",
        "https://signin.aws.amazon.com/saml2",
        "https://signin.aws.amazon.com/",
        "https://signin.aws.amazon.com.evil.example/saml",
        "https://evilsignin.aws.amazon.com.example/saml",
        "https://evil.example/signin.aws.amazon.com/saml",
        "https://evil.example?.signin.aws.amazon.com/saml",
        "https://evil.example#.signin.aws.amazon.com/saml",
        "https://evil.example/x.signin.aws.amazon.com/saml",
        "https://login.microsoftonline.com/saml",
    ],
)
def test_other_urls_are_not_aws_sign_in(url):
    assert not is_acs_url(url)


@pytest.mark.parametrize(
    "region", ["us-east-1", "eu-central-2", "us-gov-west-1", "cn-northwest-1", "ap-southeast-5"]
)
def test_regions(region):
    assert is_region(region)


@pytest.mark.parametrize(
    "region", ["", "us-east", "US-EAST-1", "useast1", "us-east-1a", "us_east_1", "global"]
)
def test_not_regions(region):
    assert not is_region(region)
