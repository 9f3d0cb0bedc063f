"""No secret reaches a log, stderr, a toast, an error dialog, an exception message or a stray file.

Every flow runs at the most verbose logging (`--log-level debug` and ENTRA_AWS_LOG_LEVEL=debug):
the CLI with --saml-file (one role, --all-roles, --output json/env/none), a headless sign-in in
real Chromium against the demo IdP (and a silent refresh by credential-process), `sessions`,
`env`, `credential-process`, `console`, `decode`, the error paths (an expired assertion, STS
refusing, an AADSTS error page, bad --saml-files) and the TUI (sign in, assume, c/e/w/o/r, error
dialogs). Then every secret produced is looked for everywhere it must not be.

Secrets may appear only where they are the point: the 0600 session store, the 0600 credentials
file, and stdout of `login --output json|env`, `env`, `credential-process` and `console --print`.
"""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from pathlib import Path

import pytest

from tests.e2e.conftest import DEV, PROD, World
from tests.e2e.conftest_browser import HAVE_CHROMIUM, needs_chromium
from tests.e2e.conftest_hygiene import (
    IdpRecord,
    RecordingSigner,
    Secrets,
    Sinks,
    WatchedApp,
    assert_debug_log,
    assert_no_leaks,
    assert_no_leaks_in_files,
    assert_private,
    debug_logging,
    run_debug,
    settle,
)
from tui.core.assertion import decode_saml_response
from tui.core.config import load_config
from tui.core.console import console_url
from tui.core.errors import EntraAwsError, EntraPageError, NeedsPerson
from tui.core.sessions import Session, SessionStore
from tui.core.signin import assume_and_keep, decode_for_account
from tui.core.timeutil import utcnow
from tui.demo.saml_builder import build_saml_response

pytestmark = pytest.mark.e2e

SHELLS = ("bash", "zsh", "fish", "powershell", "cmd", "dotenv")


def stored_secrets(secrets: Secrets, store: Path, credentials: Path) -> list[Session]:
    """What the store and the credentials file hold is secret wherever else it turns up."""
    sessions = SessionStore(store).load()
    for session in sessions:
        secrets.add_session(f"session {session.account}:{session.role_name}", session)
    if credentials.exists():
        secrets.add_exports("credentials file", credentials.read_text())
    return sessions


def check_home(secrets: Secrets, world: World) -> None:
    """Every file in the throwaway home but the store, the credentials file and our inputs."""
    store = world.home / "entra" / "state" / "sessions.json"
    assert_private(store, world.credentials)
    # The control: the two places meant to hold secrets are found to hold them.
    assert secrets.leaks(store.read_bytes()) and secrets.leaks(world.credentials.read_bytes())
    inputs = [*world.home.glob("saml-*.b64"), *world.home.glob("bad-*")]
    read = assert_no_leaks_in_files(secrets, world.home, [store, world.credentials, *inputs])
    assert read >= 3, "the scan found almost no files: the home is not where entra-aws wrote"


# -- the CLI with --saml-file -----------------------------------------------------------------


def test_cli_flows_and_their_errors_leak_nothing(
    world: World, in_process: World, capfd: pytest.CaptureFixture[str]
) -> None:
    secrets, sinks = Secrets(), Sinks()

    # login: one role (a summary on stdout), every role as JSON, exports, from stdin.
    first = world.saml_file("Admin@" + PROD, "ReadOnly@" + PROD)
    result = run_debug(world, "login", "prod", "--saml-file", str(first), "--role", "Admin")
    assert result.returncode == 0, result.stderr
    sinks.add_result("login --role Admin", result, stdout=True)

    every = world.saml_file()
    result = run_debug(
        world, "login", "prod", "--saml-file", str(every), "--all-roles", "--output", "json"
    )
    assert result.returncode == 0, result.stderr
    for row in json.loads(result.stdout):
        secrets.add_session(f"login --all-roles {row['profile']}", row)
    assert secrets.leaks(result.stdout), "the control: --output json holds the secrets it printed"
    sinks.add_result("login --all-roles --output json", result, stdout=False)

    dev = world.saml_file("ReadOnly@" + DEV)
    for shell in ("bash", "powershell"):
        result = run_debug(
            world, "login", "prod", "--saml-file", str(dev), "--output", "env", "--shell", shell
        )
        assert result.returncode == 0, result.stderr
        secrets.add_exports(f"login --output env --shell {shell}", result.stdout)
        sinks.add_result(f"login --output env --shell {shell}", result, stdout=False)

    piped = world.assertion("Admin@" + DEV)
    admin_dev = world.roles["Admin@" + DEV][0]
    result = run_debug(
        world, "login", "prod", "--saml-file", "-", "--role", admin_dev, "--output", "json",
        "--profile", "piped", input=piped,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    secrets.add_session("login from stdin", json.loads(result.stdout))
    sinks.add_result("login --saml-file -", result, stdout=False)
    secrets.add_saml("SAMLResponse from stdin", piped)

    # What reads the store: sessions, env, credential-process, console.
    for args in (["sessions"], ["sessions", "--json"]):
        result = run_debug(world, *args)
        assert result.returncode == 0, result.stderr
        sinks.add_result(" ".join(args), result, stdout=True)
    for shell in SHELLS:
        result = run_debug(world, "env", "prod:Admin@acme-prod", "--shell", shell)
        assert result.returncode == 0 and result.stdout, result.stderr
        sinks.add_result(f"env --shell {shell}", result, stdout=False)

    result = run_debug(world, "credential-process", "prod", "--role", "Admin@acme-prod")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    payload = json.loads(result.stdout)  # stdout is exactly one JSON document
    assert set(payload) == {
        "Version",
        "AccessKeyId",
        "SecretAccessKey",
        "SessionToken",
        "Expiration",
    }
    secrets.add_session("credential-process", payload)

    result = run_debug(world, "console", "prod", "--role", "Admin@acme-prod", "--print")
    assert result.returncode == 0, result.stderr
    url = result.stdout.strip()
    assert url.startswith(world.sts.federation_url) and "SigninToken=" in url
    secrets.add_console_url("console --print", url)
    sinks.add_result("console --print", result, stdout=False)
    sinks.add("the console URL itself (it must carry no session key)", url.replace(
        url.partition("SigninToken=")[2], ""))  # fmt: skip
    for browser, status in (("true", 0), ("false", 1)):  # a browser that opens, one that fails
        result = run_debug(
            world, "console", "prod", "--role", "Admin@acme-prod", env={"BROWSER": browser}
        )
        assert result.returncode == status, result.stderr
        sinks.add_result(f"console with BROWSER={browser}", result, stdout=True)

    for args in ([str(first)], [str(first), "--json"]):
        result = run_debug(world, "decode", *args)
        assert result.returncode == 0, result.stderr
        sinks.add_result("decode " + " ".join(args[1:]), result, stdout=True)

    # Error paths, each a clear sentence on stderr with nothing secret in it.
    expired = world.saml_file("Admin@" + PROD, issue_instant=utcnow() - timedelta(minutes=10))
    world.sts.fail_next(times=1, status=403, code="AccessDenied",
                        message="Not authorized to perform sts:AssumeRoleWithSAML")  # fmt: skip
    refused = world.saml_file("Admin@" + PROD)
    ghost = world.home / "saml-ghost.b64"  # a role STS has never heard of
    provider = world.roles["Admin@" + PROD][1]
    ghost.write_text(build_saml_response(world.key, roles=[(f"arn:aws:iam::{PROD}:role/Admin",
                     provider.replace("Entra", "Elsewhere"))]))  # fmt: skip
    real = world.assertion("Admin@" + PROD)
    secrets.add_saml("the SAMLResponse behind the bad --saml-files", real)
    bad_inputs = {
        "truncated": real[: len(real) // 2],
        "corrupted": real[:600] + "!!!" + real[603:],
        "broken-xml": base64.b64encode(base64.b64decode(real)[:-40]).decode(),
        "not-saml": base64.b64encode(b"Not a SAMLResponse, " * 4).decode(),
    }
    errors = [
        ("expired assertion", ["--saml-file", str(expired)], "sign in again"),
        ("STS refusing", ["--saml-file", str(refused)], "STS denied"),
        ("an unknown SAML provider", ["--saml-file", str(ghost)], ""),
    ]
    for name, content in bad_inputs.items():
        path = world.home / f"bad-{name}"
        path.write_text(content)
        errors.append((f"bad --saml-file ({name})", ["--saml-file", str(path)], ""))
    errors.append(("a --saml-file folder", ["--saml-file", str(world.home)], "folder"))
    for name, args, expected in errors:
        result = run_debug(world, "login", "prod", "--role", "Admin", *args)
        assert result.returncode != 0, name
        assert expected in result.stderr, (name, result.stderr)
        assert "Traceback" not in result.stderr, name
        sinks.add_result(f"login with {name}", result, stdout=True)
    for args in (["env", "prod:Nope"], ["credential-process", "prod", "--role", "Nope"]):
        result = run_debug(world, *args)
        assert result.returncode != 0 and result.stdout == "", args
        sinks.add_result(" ".join(args), result, stdout=True)

    # The same errors in this process: their messages (str) must be clean too.
    config = load_config(world.config)
    account = config.account("prod")
    for name, content in bad_inputs.items():
        try:
            decode_saml_response(content)
        except EntraAwsError as exc:
            sinks.add(f"str() of the error for a {name} SAMLResponse", str(exc))
    late = decode_for_account(expired.read_text(), account)
    kept = assume_and_keep(config, account, late, late.roles, write=False)
    assert kept.outcomes[0].error is not None
    sinks.add("str() of the expired-assertion error", str(kept.outcomes[0].error))
    echoed = world.assertion("Admin@" + PROD)
    secrets.add_saml("SAMLResponse STS echoed", echoed)
    world.sts.fail_next(times=1, status=400, code="InvalidIdentityToken",
                        message=f"Invalid SAMLAssertion {echoed[:400]}")  # fmt: skip
    fresh = decode_for_account(echoed, account)
    kept = assume_and_keep(config, account, fresh, fresh.roles[:1], write=False)
    assert kept.outcomes[0].error is not None
    sinks.add("str() of STS's error quoting the assertion", str(kept.outcomes[0].error))
    fake = Session(
        account="prod", role_arn=world.roles["Admin@" + PROD][0], principal_arn="p", profile="x",
        region="us-east-1", access_key_id="ASIAFAKEFAKEFAKEFAKE",
        secret_access_key="fakeSecretKey0123456789abcdefghijABCDEFGH",
        session_token="FwoGZXIvYXdzEFakeToken" + "Q" * 60, expiration=utcnow() + timedelta(hours=1),
    )  # fmt: skip
    secrets.add_session("an unknown session", fake)
    with pytest.raises(EntraAwsError) as refused_console:
        console_url(fake, world.sts.federation_url)
    sinks.add("str() of the console refusal", str(refused_console.value))

    # STS quoting the assertion back, through the command.
    quoted = world.saml_file("Admin@" + PROD)
    secrets.add_saml("SAMLResponse STS quoted", quoted.read_text())
    world.sts.fail_next(times=1, status=400, code="InvalidIdentityToken",
                        message=f"Invalid SAMLAssertion {quoted.read_text()[:400]}")  # fmt: skip
    result = run_debug(world, "login", "prod", "--saml-file", str(quoted), "--role", "Admin")
    assert result.returncode == 1 and "STS rejected the assertion" in result.stderr
    sinks.add_result("login with STS quoting the assertion", result, stdout=True)

    # Collect every secret, then look everywhere.
    for path in world.home.glob("saml-*.b64"):
        secrets.add_saml(f"--saml-file {path.name}", path.read_text())
    sessions = stored_secrets(
        secrets, world.home / "entra" / "state" / "sessions.json", world.credentials
    )
    assert len(sessions) == 4  # one per (account, role)
    log = assert_debug_log(world.home / "entra" / "state" / "entra-aws.log")
    assert "assumed arn:aws:iam::111111111111:role/Admin" in log
    sinks.add("the log", log)
    out, err = capfd.readouterr()
    sinks.add("output of the local STS (this process)", out + err)
    assert_no_leaks(secrets, sinks)
    check_home(secrets, world)


# -- a real headless sign-in against the demo IdP --------------------------------------------


@pytest.mark.browser
@needs_chromium
def test_headless_browser_sign_ins_and_silent_refresh_leak_nothing(
    tmp_path: Path,
    local_sts,
    record_idp: IdpRecord,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    assert HAVE_CHROMIUM
    from tui.core import browser
    from tui.core.paths import HOME_ENV
    from tui.core.signin import SignInRequest, capture
    from tui.demo.idp import Scenario
    from tui.demo.runner import start_demo

    # "headless" in the path: uc once dropped any argument with that word, --user-data-dir too,
    # and Chromium then signed in on its default profile (in $HOME, outside our 0700 folder).
    home = tmp_path / "headless-demo"
    monkeypatch.setenv(HOME_ENV, str(home))  # start_demo sets it too; undone after the test
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    for name in ("DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    demo = start_demo(home)
    secrets, sinks = Secrets(), Sinks()
    world = World(
        home=tmp_path / "user", config=demo.config_path, credentials=home / "aws" / "credentials",
        sts=demo.sts, key=None, roles={},  # type: ignore[arg-type]
    )  # fmt: skip
    world.home.mkdir()
    try:
        env = {"ENTRA_AWS_HOME": str(home), "ENTRA_AWS_CONFIG": str(demo.config_path)}

        def cli(*args: str, ok: bool = True, clean_stdout: bool = False):
            result = run_debug(world, *args, env=env)
            assert (result.returncode == 0) is ok, (args, result.stderr)
            assert "Traceback" not in result.stderr
            sinks.add_result(" ".join(args), result, stdout=clean_stdout)
            return result

        result = cli("login", "demo-prod", "--headless", "--role", "Admin", "--output", "json")
        secrets.add_session("headless login", json.loads(result.stdout))
        result = cli("login", "demo-prod", "--headless", "--all-roles", "--output", "env")
        secrets.add_exports("headless login --all-roles", result.stdout)
        result = cli("login", "demo-dev", "--headless", "--output", "json")  # 15-minute sessions
        first_dev = json.loads(result.stdout)
        secrets.add_session("headless login demo-dev", first_dev)

        tenant_profile = load_config(demo.config_path).account("demo-dev").browser_profile_name
        assert browser.has_signed_in_before(tenant_profile), "the tenant's profile was not used"
        assert not (world.home / ".config" / "chromium" / "Default").exists(), "the default was"
        # 15 minutes left is inside the refresh window: a silent headless sign-in renews it.
        result = cli("credential-process", "demo-dev")
        refreshed = json.loads(result.stdout)
        assert refreshed["SecretAccessKey"] != first_dev["secret_access_key"]
        assert result.stderr == ""
        secrets.add_session("credential-process refresh", refreshed)
        cli("credential-process", "demo-prod", "--role", "Admin")
        cli("sessions", clean_stdout=True)
        result = cli("console", "demo-prod", "--role", "Admin", "--print")
        secrets.add_console_url("console --print", result.stdout)

        # Entra refusing: an AADSTS page, then the same refusal as a SAMLResponse.
        demo.idp.scenario = Scenario(error_code="AADSTS50105")
        result = cli("login", "demo-prod", "--headless", "--role", "Admin", ok=False,
                     clean_stdout=True)  # fmt: skip
        assert "AADSTS50105" in result.stderr
        demo.idp.scenario = Scenario(error_code="AADSTS50105", error_as_response=True)
        result = cli("login", "demo-prod", "--headless", "--role", "Admin", ok=False,
                     clean_stdout=True)  # fmt: skip
        assert "AADSTS50105" in result.stderr

        # The same AADSTS page in this process, logging at debug into the same file.
        demo.idp.scenario = Scenario(error_code="AADSTS50105")
        config = load_config(demo.config_path)
        with debug_logging():
            with pytest.raises(EntraPageError) as page_error:
                capture(
                    SignInRequest(config.account("demo-prod"), config, headless=True, timeout=30)
                )
            browser.close_all()
        sinks.add("str() of the AADSTS page error", str(page_error.value))
    finally:
        demo.close()

    assert len(record_idp.saml_responses) >= 5 and record_idp.cookies
    for number, saml in enumerate(record_idp.saml_responses):
        secrets.add_saml(f"IdP SAMLResponse #{number}", saml)
    for number, cookie in enumerate(record_idp.cookies):
        secrets.add(f"IdP session cookie #{number}", cookie)
    stored_secrets(secrets, home / "state" / "sessions.json", home / "aws" / "credentials")
    log = assert_debug_log(home / "state" / "entra-aws.log")
    assert "captured the POST" in log and "assumed arn:aws:iam::" in log
    sinks.add("the log", log)
    out, err = capfd.readouterr()
    sinks.add("output of the demo IdP and STS (this process)", out + err)
    assert_no_leaks(secrets, sinks)

    store, credentials = home / "state" / "sessions.json", home / "aws" / "credentials"
    assert_private(store, credentials)
    assert secrets.leaks(store.read_bytes()) and secrets.leaks(credentials.read_bytes())
    # Chromium keeps its cookies (encrypted) in its own cookie database: that is their place.
    cookie_dbs = [p for p in home.rglob("Cookies*") if p.is_file()]
    read = assert_no_leaks_in_files(secrets, home, [store, credentials, *cookie_dbs])
    assert read > 10


# -- the TUI ------------------------------------------------------------------------------------


async def test_tui_toasts_dialogs_and_logs_leak_nothing(
    world: World, in_process: World, capfd: pytest.CaptureFixture[str]
) -> None:
    from tui.dialogs.error import ErrorDialog
    from tui.dialogs.export import ExportDialog
    from tui.screens.main import MainScreen
    from tui.screens.roles import RolesScreen

    secrets, sinks = Secrets(), Sinks()
    roles = ("Admin@" + PROD, "ReadOnly@" + PROD, "ReadOnly@" + DEV)
    signer = RecordingSigner(world, roles, secrets)
    config = load_config(world.config)
    with debug_logging() as log_path:
        app = WatchedApp(config, signer=signer, display=False, signed_in_before=lambda name: True)
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(app, pilot)
            # Sign in, assume the highlighted role (Admin), then every session key.
            await pilot.press("enter")
            await settle(app, pilot)
            assert isinstance(app.screen, RolesScreen)
            await pilot.press("enter")
            await settle(app, pilot)
            assert isinstance(app.screen, MainScreen)
            assert [s.role_name for s in SessionStore().load()] == ["Admin"]
            await pilot.press("c")
            await settle(app, pilot)
            secrets.add_exports("c (clipboard)", app.clipboard)
            await pilot.press("e")
            await settle(app, pilot)
            assert isinstance(app.screen, ExportDialog)
            await pilot.press("escape")
            await pilot.press("w")
            await settle(app, pilot)
            await pilot.press("o")
            await settle(app, pilot)
            assert "SigninToken=" in app.clipboard
            secrets.add_console_url("o (clipboard)", app.clipboard)
            await pilot.press("r")
            await settle(app, pilot)
            assert len(signer.issued) == 2

            main_screen = app.export_screenshot()

            # Error dialogs: an Entra error page, STS refusing, STS quoting the assertion back,
            # a sign-in that needs a person where no window can open.
            page_error = EntraPageError(
                "Entra refused the sign-in (AADSTS50105: the user is not assigned to the app).",
                "AADSTS50105",
            )
            world.sts.fail_next(times=1, status=403, code="AccessDenied", message="Not authorized")

            def quote_back(saml: str) -> None:
                world.sts.fail_next(times=1, status=400, code="InvalidIdentityToken",
                                    message=f"Invalid SAMLAssertion {saml[:400]}")  # fmt: skip

            steps = [
                (page_error, None, "AADSTS50105"),
                (None, None, "STS denied"),
                (None, quote_back, "STS rejected the assertion"),
                (NeedsPerson("Entra asks for you; run with a display."), None, "asks for you"),
            ]
            screens = []
            for error, hook, expected in steps:
                signer.errors[:] = [error] if error else []
                signer.before_return = hook
                app.screen.query_one("#accounts").focus()
                await pilot.press("enter")
                await settle(app, pilot)
                if isinstance(app.screen, RolesScreen):
                    await pilot.press("enter")
                    await settle(app, pilot)
                assert isinstance(app.screen, ErrorDialog), expected
                assert expected in app.screen.text, app.screen.text
                screens.append(app.export_screenshot())
                await pilot.press("escape")
                await settle(app, pilot)
                if isinstance(app.screen, RolesScreen):  # offered again: the sign-in still holds
                    await pilot.press("escape")
                    await settle(app, pilot)

            # An assertion past its redeem window: the roles screen says so and assumes nothing.
            signer.before_return = None
            signer.options = {"issue_instant": utcnow() - timedelta(minutes=10)}
            app.screen.query_one("#accounts").focus()
            await pilot.press("enter")
            await settle(app, pilot)
            assert isinstance(app.screen, RolesScreen) and app.screen.expired
            screens.append(app.export_screenshot())
            await pilot.press("escape")
            await settle(app, pilot)
            shown = app.shown_texts()
        log = assert_debug_log(log_path)

    assert any("Copied bash exports" in text for _, text in shown)
    assert any("Wrote profile" in text for _, text in shown)
    assert any("console sign-in URL" in text for _, text in shown)
    assert len(app.error_texts) == 4
    for where, text in shown:
        sinks.add(where, text)
    for number, svg in enumerate([main_screen, *screens]):
        sinks.add(f"screenshot #{number}", svg)
    sinks.add("the log", log)
    stored_secrets(secrets, world.home / "entra" / "state" / "sessions.json", world.credentials)
    out, err = capfd.readouterr()
    sinks.add("output of this process (the TUI, the local STS)", out + err)
    assert_no_leaks(secrets, sinks)
    check_home(secrets, world)
