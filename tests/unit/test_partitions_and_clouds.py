"""Every AWS partition in role ARNs, ASCII-only names, every documented ACS URL, and Entra's cloud
chosen apart from AWS's partition (issue 14, points 2, 3, 5 and 7)."""

from __future__ import annotations

import fnmatch
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tui.core.browser.intercept import acs_patterns
from tui.core.config import load_config
from tui.core.errors import ConfigError
from tui.core.partitions import is_acs_url, is_region, partition_for_region
from tui.core.roles import is_principal_arn, is_role_arn, pair_from_value
from tui.core.saml_request import build_authn_request

PARTITIONS = ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f")


@pytest.mark.parametrize("partition", [*PARTITIONS, "aws-eusc"])
def test_roles_of_every_partition_are_read(partition):
    role = f"arn:{partition}:iam::123456789012:role/team/Deploy"
    provider = f"arn:{partition}:iam::123456789012:saml-provider/Entra"
    pair = pair_from_value(f"{provider},{role}")
    assert pair is not None
    assert (pair.partition, pair.name) == (partition, "Deploy")


@pytest.mark.parametrize("partition", ["aws-mars", "aws-iso-z", "AWS", "aws-"])
def test_unknown_partitions_are_still_refused(partition):
    assert not is_role_arn(f"arn:{partition}:iam::123456789012:role/Admin")


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:iam::١٢٣٤٥٦٧٨٩٠١٢:role/Admin",  # Arabic-Indic digits
        "arn:aws:iam::１２３４５６７８９０１２:role/Admin",  # full-width digits
        "arn:aws:iam::123456789012:role/Jörg",
        "arn:aws:iam::123456789012:role/Admin\n",
    ],
)
def test_non_ascii_digits_and_names_are_not_arns(arn):
    assert not is_role_arn(arn)
    assert not is_principal_arn(arn.replace(":role/", ":saml-provider/"))


@pytest.mark.parametrize(
    "url",
    [
        "https://signin.aws.amazon.com/static/saml",
        "https://eu-west-1.signin.aws.amazon.com/static/saml",
        "https://signin.amazonaws-us-gov.com/static/saml",
        "https://signin.amazonaws.cn/static/saml",
        "https://cn-northwest-1.signin.amazonaws.cn/static/saml",
    ],
)
def test_static_saml_acs_urls_are_aws_sign_in_urls(url, tmp_path):
    assert is_acs_url(url)
    # the browser pauses the POST to it (the Fetch patterns cover it) ...
    assert any(fnmatch.fnmatchcase(url, p["urlPattern"]) for p in acs_patterns())
    # ... and it is accepted as an account's acs_url
    config = tmp_path / "config.toml"
    config.write_text(
        '[[accounts]]\nname = "prod"\ntenant_id = "contoso.com"\n'
        f'app_id_uri = "https://signin.aws.amazon.com/saml"\nacs_url = "{url}"\n'
    )
    assert load_config(config).accounts[0].effective_acs_url == url


@pytest.mark.parametrize(
    "url",
    [
        "https://signin.aws.amazon.com/static/saml/acs/X",
        "https://signin.aws.amazon.com/static",
        "https://signin.aws.amazon.com.evil.example/static/saml",
        "https://signin.aws.amazon.com/saml\n",
    ],
)
def test_near_misses_are_not_acs_urls(url):
    assert not is_acs_url(url)


@pytest.mark.parametrize(
    ("region", "partition", "sts"),
    [
        ("us-iso-east-1", "aws-iso", "https://sts.us-iso-east-1.c2s.ic.gov"),
        ("us-isob-east-1", "aws-iso-b", "https://sts.us-isob-east-1.sc2s.sgov.gov"),
        ("eu-isoe-west-1", "aws-iso-e", "https://sts.eu-isoe-west-1.cloud.adc-e.uk"),
        ("us-isof-south-1", "aws-iso-f", "https://sts.us-isof-south-1.csp.hci.ic.gov"),
        ("eusc-de-east-1", "aws-eusc", "https://sts.eusc-de-east-1.amazonaws.eu"),
        ("us-gov-east-1", "aws-us-gov", "https://sts.us-gov-east-1.amazonaws.com"),
    ],
)
def test_regions_map_to_their_partition(region, partition, sts):
    assert is_region(region)
    assert partition_for_region(region).name == partition
    assert partition_for_region(region).sts_endpoint(region) == sts


def test_non_ascii_region_digits_are_not_regions():
    assert not is_region("eu-west-١")


def write(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        '[[accounts]]\nname = "gov"\ntenant_id = "contoso.com"\n'
        f'app_id_uri = "https://signin.aws.amazon.com/saml"\n{extra}'
    )
    return path


def test_an_iso_region_is_refused_in_one_sentence(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, 'region = "us-iso-east-1"\n'))
    message = str(caught.value)
    assert "aws-iso partition" in message
    assert "region" in message
    assert "\n" not in message


def test_govcloud_account_of_a_commercial_tenant_signs_in_at_the_global_host(tmp_path):
    account = load_config(write(tmp_path, 'region = "us-gov-west-1"\n')).accounts[0]
    request = build_authn_request(account)
    assert urlsplit(request.url).hostname == "login.microsoftonline.com"
    assert request.acs_url == "https://signin.amazonaws-us-gov.com/saml"  # ACS: AWS's partition


@pytest.mark.parametrize(
    ("cloud", "host"),
    [
        ("global", "login.microsoftonline.com"),
        ("usgov", "login.microsoftonline.us"),
        ("china", "login.partner.microsoftonline.cn"),
    ],
)
def test_entra_cloud_picks_the_login_host(tmp_path, cloud, host):
    account = load_config(
        write(tmp_path, f'region = "us-gov-west-1"\nentra_cloud = "{cloud}"\n')
    ).accounts[0]
    assert urlsplit(build_authn_request(account).url).hostname == host
    assert account.effective_acs_url == "https://signin.amazonaws-us-gov.com/saml"


def test_login_url_still_overrides_the_cloud(tmp_path):
    account = load_config(
        write(tmp_path, 'entra_cloud = "usgov"\nlogin_url = "http://127.0.0.1:8765"\n')
    ).accounts[0]
    assert account.effective_login_url == "http://127.0.0.1:8765"


def test_an_unknown_entra_cloud_is_one_sentence(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, 'entra_cloud = "aws-us-gov"\n'))
    assert "'entra_cloud' must be one of global, usgov, china" in str(caught.value)
