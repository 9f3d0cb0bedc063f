"""Tracking tabs and pop-ups from target events, and what the page probe reports."""

from __future__ import annotations

import threading

from tui.core.browser.devtools import DevToolsError, DevToolsTimeout
from tui.core.browser.pages import PERSON_SELECTORS, PROBE_JS, Pages


def created(target: str, url: str = "about:blank", kind: str = "page") -> tuple[str, dict]:
    return "Target.targetCreated", {"targetInfo": {"targetId": target, "type": kind, "url": url}}


class FakeCalls:
    def __init__(self, probe: dict | None = None) -> None:
        self.calls: list[tuple[str, dict, str | None]] = []
        self.probe = probe or {"code": "", "message": "", "controls": ""}
        self.fail_evaluate: Exception | None = None

    def __call__(self, method: str, params: dict, *, session_id: str | None = None,
                 timeout: float = 5.0) -> dict:  # fmt: skip
        self.calls.append((method, params, session_id))
        if method == "Target.attachToTarget":
            return {"sessionId": f"s-{params['targetId']}"}
        if self.fail_evaluate is not None:
            raise self.fail_evaluate
        return {"result": {"type": "object", "value": self.probe}}


def test_pages_open_navigate_and_close() -> None:
    wake = threading.Event()
    pages = Pages(FakeCalls(), wake)
    assert not pages.all_closed()  # nothing seen yet is not "all closed"

    pages.on_event(*created("t1"), None)
    pages.on_event(*created("ui", "chrome://omnibox-popup", kind="browser_ui"), None)
    assert wake.is_set() and pages.first_page() == "t1" and not pages.all_closed()

    wake.clear()
    pages.on_event(
        "Target.targetInfoChanged",
        {"targetInfo": {"targetId": "t1", "type": "page", "url": "https://idp/saml2"}},
        None,
    )
    assert wake.is_set()
    pages.on_event(*created("popup", "https://idp/popup"), None)
    pages.on_event("Target.targetDestroyed", {"targetId": "t1"}, None)
    assert not pages.all_closed()
    pages.on_event("Target.targetDestroyed", {"targetId": "ui"}, None)
    pages.on_event("Target.targetDestroyed", {"targetId": "popup"}, None)
    assert pages.all_closed()


def test_a_probe_reports_an_entra_error() -> None:
    calls = FakeCalls({"code": "50105", "message": "Not assigned.", "controls": ""})
    wake = threading.Event()
    pages = Pages(calls, wake)
    pages.on_event(*created("t1"), None)
    wake.clear()

    pages.probe("t1")

    assert pages.entra_error() == ("50105", "Not assigned.")
    assert wake.is_set()
    assert calls.calls[0][0] == "Target.attachToTarget"
    method, params, session = calls.calls[1]
    assert (method, session) == ("Runtime.evaluate", "s-t1")
    assert params["returnByValue"] and params["expression"] == PROBE_JS

    pages.probe("t1")  # the session is kept
    assert [c[0] for c in calls.calls].count("Target.attachToTarget") == 1


def test_a_form_left_unanswered_for_the_grace_period_needs_a_person(monkeypatch) -> None:
    now = [100.0]
    monkeypatch.setattr("tui.core.browser.pages.time.monotonic", lambda: now[0])
    calls = FakeCalls({"code": "", "message": "", "controls": 'input[name="loginfmt"]'})
    pages = Pages(calls, threading.Event())
    pages.on_event(*created("t1", "https://idp/saml2"), None)

    pages.probe("t1")
    assert pages.person_controls() == 'input[name="loginfmt"]'
    assert not pages.waiting_for_person(now[0] + 3.9, 4.0)
    assert pages.waiting_for_person(now[0] + 4.0, 4.0)

    now[0] = 103.0  # the page moved on (password page): the clock starts again
    calls.probe = {"code": "", "message": "", "controls": 'input[type="password"]'}
    pages.probe("t1")
    assert not pages.waiting_for_person(106.0, 4.0)
    assert pages.last_change == 103.0


def run_watcher(pages: Pages, seconds: float) -> None:
    stop = threading.Event()
    thread = threading.Thread(target=pages.watch, args=(stop,))
    thread.start()
    threading.Event().wait(seconds)
    stop.set()
    thread.join(timeout=2)
    assert not thread.is_alive()


def test_a_busy_page_keeps_its_session_and_a_lost_one_is_re_attached(monkeypatch) -> None:
    monkeypatch.setattr("tui.core.browser.pages.PROBE_EVERY", 0.01)
    calls = FakeCalls()
    pages = Pages(calls, threading.Event())
    pages.on_event(*created("t1"), None)

    def attaches() -> int:
        return [c[0] for c in calls.calls].count("Target.attachToTarget")

    calls.fail_evaluate = DevToolsTimeout("busy")
    run_watcher(pages, 0.1)
    assert attaches() == 1

    calls.fail_evaluate = DevToolsError("No session with given id")
    run_watcher(pages, 0.1)
    assert attaches() > 2

    calls.fail_evaluate = None
    pages.on_event("Target.detachedFromTarget", {"sessionId": "s-t1"}, None)
    before = attaches()
    pages.probe("t1")
    assert attaches() == before + 1


def test_the_probe_looks_for_entras_controls_and_never_reads_values() -> None:
    for selector in ('input[name="loginfmt"]', 'input[type="password"]', "#idSIButton9",
                     "#KmsiDescription", "#idRichContext_DisplaySign"):  # fmt: skip
        assert selector in PERSON_SELECTORS
    assert ".value" not in PROBE_JS
    assert "AADSTS" in PROBE_JS
