"""Every tab and pop-up Chromium has open, and what a cheap probe sees in each.

Target events (from our DevTools websocket) say when pages open, navigate and close: when the last
one closes, the person has closed the window. A watcher thread probes each page every quarter
second through its own flat DevTools session (never chromedriver, which waits for navigations),
reading only: an AADSTS code with Entra's message, and which sign-in controls are on screen
(presence, never values). Probing pages in the browser keeps page text inside the browser.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tui.core.browser.devtools import DevToolsError, DevToolsTimeout
from tui.core.browser.intercept import short_url

log = logging.getLogger("entra_aws.browser")

PROBE_EVERY = 0.25
# Controls that mean "a person has to answer this page" (Entra's own ids and names).
PERSON_SELECTORS = (
    'input[name="loginfmt"]',
    'input[type="password"]',
    'input[name="otc"]',
    "#idSIButton9",
    "#idBtn_Back",
    "#KmsiDescription",
    "#idRichContext_DisplaySign",
    "#idRemoteNGC_DisplaySign",
    "#idDiv_SAOTCAS_Title",
    "#tilesHolder",
    "#credentialList",
)
PROBE_JS = """(() => {
  const selectors = SELECTORS;
  const text = (document.body && document.body.innerText) || "";
  const m = text.match(/AADSTS(\\d{4,})[ \\t]*[:\\-–]?[ \\t]*([^\\r\\n]{0,400})/);
  const shown = (s) => Array.from(document.querySelectorAll(s)).some(
    (e) => e.getClientRects().length > 0);
  return {code: m ? m[1] : "", message: m ? m[2] : "",
          controls: selectors.filter(shown).join(" ")};
})()""".replace("SELECTORS", json.dumps(PERSON_SELECTORS))

Call = Callable[..., dict[str, Any]]


@dataclass
class Page:
    url: str
    since: float  # when what this page shows last changed
    session_id: str | None = None
    controls: str = ""
    code: str = ""
    message: str = ""


class Pages:
    """Page targets by id; events arrive on the reader thread, probes run on the watcher thread."""

    def __init__(self, call: Call, wake: threading.Event) -> None:
        self._call = call
        self._wake = wake
        self._lock = threading.Lock()
        self._pages: dict[str, Page] = {}
        self._seen = False
        self.last_change = time.monotonic()

    # -- events (reader thread) -------------------------------------------------------------

    def on_event(self, method: str, params: dict[str, Any], _session: str | None) -> None:
        info = params.get("targetInfo") or {}
        with self._lock:
            if method in ("Target.targetCreated", "Target.targetInfoChanged"):
                if info.get("type") != "page":
                    return
                target, url = info.get("targetId", ""), info.get("url", "")
                page = self._pages.get(target)
                if page is None:
                    self._pages[target] = Page(url, time.monotonic())
                    self._seen = True
                    log.debug("page opened: %s", short_url(url) or "(blank)")
                elif page.url != url:
                    page.url, page.since = url, time.monotonic()
                    log.debug("page at %s", short_url(url))
                else:
                    return
            elif method == "Target.targetDestroyed":
                if self._pages.pop(params.get("targetId", ""), None) is None:
                    return
                log.debug("page closed; %d left", len(self._pages))
            elif method == "Target.detachedFromTarget":
                for page in self._pages.values():
                    if page.session_id == params.get("sessionId"):
                        page.session_id = None
                return
            else:
                return
            self.last_change = time.monotonic()
        self._wake.set()

    # -- what the sign-in loop asks ---------------------------------------------------------

    def all_closed(self) -> bool:
        with self._lock:
            return self._seen and not self._pages

    def entra_error(self) -> tuple[str, str] | None:
        with self._lock:
            for page in self._pages.values():
                if page.code:
                    return page.code, page.message
        return None

    def waiting_for_person(self, now: float, grace: float) -> bool:
        """Some page has shown sign-in controls, unchanged, for at least `grace` seconds."""
        with self._lock:
            return any(p.controls and now - p.since >= grace for p in self._pages.values())

    def person_controls(self) -> str:
        with self._lock:
            return " ".join(p.controls for p in self._pages.values() if p.controls)

    def first_page(self) -> str | None:
        with self._lock:
            return next(iter(self._pages), None)

    # -- probing (watcher thread) -----------------------------------------------------------

    def _session(self, target: str) -> str | None:
        with self._lock:
            page = self._pages.get(target)
            if page is None or page.session_id:
                return page.session_id if page else None
        result = self._call(
            "Target.attachToTarget", {"targetId": target, "flatten": True}, timeout=1.0
        )
        with self._lock:
            page = self._pages.get(target)
            if page is not None:
                page.session_id = result.get("sessionId")
            return page.session_id if page else None

    def probe(self, target: str) -> None:
        session = self._session(target)
        if not session:
            return
        params = {"expression": PROBE_JS, "returnByValue": True, "silent": True}
        result = self._call("Runtime.evaluate", params, session_id=session, timeout=1.0)
        seen = (result.get("result") or {}).get("value")
        if not isinstance(seen, dict):
            return
        with self._lock:
            page = self._pages.get(target)
            if page is None:
                return
            controls = str(seen.get("controls", ""))
            if controls != page.controls:
                page.controls, page.since = controls, time.monotonic()
                self.last_change = page.since
            page.code, page.message = str(seen.get("code", "")), str(seen.get("message", ""))
        if page.code:
            self._wake.set()

    def watch(self, stop: threading.Event) -> None:
        """Probe every page until `stop` is set (the body of the watcher thread)."""
        while not stop.wait(PROBE_EVERY):
            with self._lock:
                targets = list(self._pages)
            for target in targets:
                if stop.is_set():
                    return
                try:
                    self.probe(target)
                except DevToolsTimeout:
                    continue  # a busy page; try again next round on the same session
                except DevToolsError as exc:
                    log.debug("probe skipped: %s", exc)
                    if "session" in str(exc).lower():  # detached: attach again next round
                        with self._lock:
                            if target in self._pages:
                                self._pages[target].session_id = None
