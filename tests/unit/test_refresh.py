"""The shared refresh: a caller that finds the tenant's refresh under way waits, says so once,
and takes the session the other caller stored; a wait that runs out is one sentence."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.locks import held_elsewhere
from tests.unit.builders import session
from tui.core.config import Account, Config, Settings
from tui.core.errors import NeedsPerson, RefreshBusy
from tui.core.refresh import refresh_lock_path, refresh_session
from tui.core.sessions import SessionStore

ACCOUNT = Account(
    name="prod",
    tenant_id="contoso.com",
    app_id_uri="https://signin.aws.amazon.com/saml#1",
    region="eu-west-1",
)
CONFIG = Config(Path("config.toml"), Settings(), (ACCOUNT,))


def test_a_waiter_takes_the_session_another_caller_refreshed() -> None:
    store = SessionStore()
    store.save([session(expiration=datetime.now(UTC) + timedelta(seconds=30))])
    fresh = session(access_key_id="ASIAFRESHKEY00000001")
    heard: list[str] = []
    with held_elsewhere(refresh_lock_path(ACCOUNT), hold=2.5):
        threading.Timer(0.5, lambda: store.save([fresh])).start()  # the other caller's result
        started = time.monotonic()
        got = refresh_session(
            CONFIG, ACCOUNT, "Admin", fresh_for=900, timeout=20, on_wait=heard.append
        )
    assert got.access_key_id == "ASIAFRESHKEY00000001"
    assert 0.5 < time.monotonic() - started < 10
    assert heard == ["Waiting for another entra-aws to refresh the sessions of tenant contoso.com…"]


def test_a_wait_that_runs_out_is_one_sentence() -> None:
    with held_elsewhere(refresh_lock_path(ACCOUNT)), pytest.raises(RefreshBusy) as caught:
        refresh_session(CONFIG, ACCOUNT, fresh_for=900, timeout=0.5)
    assert str(caught.value) == (
        "Another entra-aws has been refreshing the sessions of tenant contoso.com for over 0.5 s; "
        "try again once it finishes."
    )


def test_nothing_stored_and_no_signed_in_profile_needs_a_person() -> None:
    with pytest.raises(NeedsPerson):
        refresh_session(CONFIG, ACCOUNT, fresh_for=900, timeout=5)
