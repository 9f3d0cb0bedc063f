"""signin.py: the workflow after the browser: read → decode → pick roles → assume → keep → write.

STS is a fake (see test_sts.py); the store and the credentials file are real files.
"""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tui.core import saml_input, sts
from tui.core.assertion import MAX_INPUT_BYTES, decode_saml_response
from tui.core.config import Account, Config, Settings
from tui.core.credentials_file import read_profile
from tui.core.errors import EncryptedAssertionError, EntraAwsError, SamlError
from tui.core.roles import Role
from tui.core.sessions import SessionStore
from tui.core.signin import (
    assume_and_keep,
    choose_roles,
    decode_for_account,
    profile_names,
    read_saml_source,
)

from .builders import (
    ACCOUNT,
    ADMIN,
    DEV_ADMIN,
    DEV_PROVIDER,
    PROVIDER,
    READONLY,
    SAML,
    b64,
    saml_xml,
)
from .test_sts import FakeSts


def config(tmp_path: Path, account: Account = ACCOUNT) -> Config:
    settings = Settings(credentials_file=tmp_path / ".aws" / "credentials")
    return Config(path=tmp_path / "config.toml", settings=settings, accounts=(account,))


def fresh_assertion(roles: list[str] | None = None):
    now = datetime.now(UTC)
    return decode_saml_response(
        b64(
            saml_xml(
                roles=roles,
                issue_instant=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
                not_on_or_after=(now + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            )
        )
    )


# --- reading the SAMLResponse ---------------------------------------------------------------


def test_read_saml_source_file_and_stdin(tmp_path, monkeypatch):
    path = tmp_path / "saml"
    path.write_bytes(b"PHNhbWw=")
    assert read_saml_source(str(path)) == b"PHNhbWw="
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"from stdin")))
    assert read_saml_source("-") == b"from stdin"


def test_read_saml_source_reads_no_more_than_the_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(saml_input, "MAX_SOURCE_BYTES", MAX_INPUT_BYTES * 2)
    path = tmp_path / "huge"
    path.write_bytes(b"A" * (MAX_INPUT_BYTES * 3))
    data = read_saml_source(str(path))
    assert len(data) == MAX_INPUT_BYTES * 2 + 1
    with pytest.raises(SamlError) as caught:
        decode_saml_response(data)
    assert "2,000,000 bytes" in str(caught.value)


@pytest.mark.parametrize(("name", "fragment"), [("missing", "No such file"), (".", "is a folder")])
def test_read_saml_source_errors(tmp_path, name, fragment):
    with pytest.raises(EntraAwsError) as caught:
        read_saml_source(str(tmp_path / name))
    assert fragment in str(caught.value)


ENCRYPTED = saml_xml(
    assertion_override=f'<EncryptedAssertion xmlns="{SAML}"><x:EncryptedData xmlns:x="urn:x"/></EncryptedAssertion>'
)


def test_an_encrypted_assertion_is_usable_with_a_configured_role_and_provider():
    account = Account(
        name="prod",
        tenant_id="contoso.com",
        app_id_uri="x",
        region="eu-west-1",
        default_role=ADMIN,
        principal_arn=PROVIDER,
    )
    result = decode_for_account(b64(ENCRYPTED), account)
    assert result.roles == (Role(ADMIN, PROVIDER),)
    assert result.saml_response == b64(ENCRYPTED)
    assert "encrypted" in result.problems[0]


@pytest.mark.parametrize(
    ("default_role", "principal_arn"), [("", ""), ("Admin", PROVIDER), (ADMIN, "")]
)
def test_an_encrypted_assertion_without_both_arns_is_refused(default_role, principal_arn):
    account = Account(
        name="prod",
        tenant_id="contoso.com",
        app_id_uri="x",
        region="eu-west-1",
        default_role=default_role,
        principal_arn=principal_arn,
    )
    with pytest.raises(EncryptedAssertionError):
        decode_for_account(b64(ENCRYPTED), account)


# --- choosing roles ----------------------------------------------------------------------------

THREE = [f"{ADMIN},{PROVIDER}", f"{READONLY},{PROVIDER}", f"{DEV_ADMIN},{DEV_PROVIDER}"]


def test_choose_all_roles():
    assert len(choose_roles(ACCOUNT, fresh_assertion(THREE), [], True)) == 3


def test_choose_by_name_and_by_arn_without_duplicates():
    chosen = choose_roles(ACCOUNT, fresh_assertion(THREE), ["ReadOnly", DEV_ADMIN, READONLY], False)
    assert [r.role_arn for r in chosen] == [READONLY, DEV_ADMIN]


def test_an_ambiguous_name_asks_for_name_at_account_or_the_arn():
    with pytest.raises(SamlError) as caught:
        choose_roles(ACCOUNT, fresh_assertion(THREE), ["Admin"], False)
    assert "matches 2 roles" in str(caught.value)
    assert "NAME@AWS-ACCOUNT or its ARN" in str(caught.value)


def test_name_at_aws_account_picks_one_of_two_same_named_roles():
    dev = DEV_ADMIN.split(":")[4]
    chosen = choose_roles(ACCOUNT, fresh_assertion(THREE), [f"Admin@{dev}"], False)
    assert [r.role_arn for r in chosen] == [DEV_ADMIN]


def test_a_missing_role_lists_what_there_is_with_aliases():
    with pytest.raises(SamlError) as caught:
        choose_roles(ACCOUNT, fresh_assertion(THREE), ["Deploy"], False)
    message = str(caught.value)
    assert "no role 'Deploy'" in message
    assert "ReadOnly (prod-main)" in message and "Admin (210987654321)" in message


def test_the_default_role_is_used_when_none_is_named():
    account = Account(**{**ACCOUNT.__dict__, "default_role": "ReadOnly"})
    assert [r.role_arn for r in choose_roles(account, fresh_assertion(THREE), [], False)] == [
        READONLY
    ]


def test_the_only_role_is_picked_by_itself():
    only = fresh_assertion([f"{ADMIN},{PROVIDER}"])
    assert choose_roles(ACCOUNT, only, [], False) == [Role(ADMIN, PROVIDER)]


def test_several_roles_and_no_choice_explains_how_to_pick():
    with pytest.raises(SamlError) as caught:
        choose_roles(ACCOUNT, fresh_assertion(THREE), [], False)
    assert "--role" in str(caught.value) and "--all-roles" in str(caught.value)


def test_no_roles_at_all():
    with pytest.raises(SamlError) as caught:
        choose_roles(ACCOUNT, fresh_assertion(["garbage"]), [], True)
    assert "no usable AWS roles" in str(caught.value)


# --- profile names -------------------------------------------------------------------------


def test_profile_names_do_not_depend_on_how_many_roles_were_picked():
    admin, read, dev = (
        Role(ADMIN, PROVIDER),
        Role(READONLY, PROVIDER),
        Role(DEV_ADMIN, DEV_PROVIDER),
    )
    offered = [admin, dev, read]  # one app, two AWS accounts: the alias or id is in the name
    expected = {
        admin: "prod-prod-main-Admin",
        dev: "prod-210987654321-Admin",
        read: "prod-prod-main-ReadOnly",
    }
    assert profile_names(ACCOUNT, [admin], offered) == {admin: expected[admin]}
    assert profile_names(ACCOUNT, offered, offered) == expected
    assert profile_names(ACCOUNT, [admin], [admin, read]) == {admin: "prod-Admin"}
    assert profile_names(ACCOUNT, [admin], [admin, read], override="ci") == {admin: "ci"}


# --- assume and keep --------------------------------------------------------------------------


@pytest.fixture
def fake_sts(monkeypatch):
    client = FakeSts(max_duration={ADMIN: 43200, READONLY: 3600})
    monkeypatch.setattr(sts, "_client", lambda endpoint, region, pool: client)
    return client


def test_assume_keep_and_write(tmp_path, fake_sts):
    cfg = config(tmp_path)
    assertion = fresh_assertion()
    roles = list(assertion.roles)
    store = SessionStore(tmp_path / "state" / "sessions.json")

    kept = assume_and_keep(cfg, ACCOUNT, assertion, roles, duration=7200, store=store)

    assert kept.write_error is None
    assert [s.profile for s in kept.sessions] == ["prod-Admin", "prod-ReadOnly"]
    durations = {s.role_name: s.duration for s in kept.sessions}
    assert durations == {"Admin": 7200, "ReadOnly": 3600}  # ReadOnly stepped down to its max
    assert {s.role_name for s in store.load()} == {"Admin", "ReadOnly"}
    assert all(s.subject == "alice@contoso.com" for s in store.load())
    written = read_profile(cfg.settings.credentials_file, "prod-Admin")
    assert written["aws_access_key_id"] == "ASIAADMIN"
    assert read_profile(cfg.settings.credentials_file, "prod-ReadOnly")


def test_no_write_keeps_the_sessions_only(tmp_path, fake_sts):
    cfg = config(tmp_path)
    assertion = fresh_assertion([f"{ADMIN},{PROVIDER}"])
    store = SessionStore(tmp_path / "sessions.json")
    kept = assume_and_keep(cfg, ACCOUNT, assertion, list(assertion.roles), write=False, store=store)
    assert len(kept.sessions) == 1
    assert not cfg.settings.credentials_file.exists()
    assert len(store.load()) == 1


def test_a_credentials_file_that_cannot_be_written_keeps_the_sessions(tmp_path, fake_sts):
    cfg = config(tmp_path)
    cfg.settings.credentials_file.parent.mkdir(parents=True)
    cfg.settings.credentials_file.write_text("not an ini file\n")
    assertion = fresh_assertion([f"{ADMIN},{PROVIDER}"])
    store = SessionStore(tmp_path / "sessions.json")
    kept = assume_and_keep(cfg, ACCOUNT, assertion, list(assertion.roles), store=store)
    assert kept.write_error is not None
    assert "not a valid INI file" in str(kept.write_error)
    assert len(store.load()) == 1
    assert cfg.settings.credentials_file.read_text() == "not an ini file\n"


def test_a_failed_role_is_reported_and_nothing_stored_for_it(tmp_path, fake_sts):
    from .test_sts import client_error

    fake_sts.fail = {READONLY: client_error("AccessDenied", "Not authorized", 403)}
    cfg = config(tmp_path)
    assertion = fresh_assertion()
    store = SessionStore(tmp_path / "sessions.json")
    kept = assume_and_keep(cfg, ACCOUNT, assertion, list(assertion.roles), store=store)
    assert [o.session is not None for o in kept.outcomes] == [True, False]
    assert "trust policy" in str(kept.outcomes[1].error)
    assert [s.role_name for s in store.load()] == ["Admin"]
