"""The lifecycle the local IdP and STS share: serve on loopback in a daemon thread, stop fast."""

from __future__ import annotations

import threading
from typing import Any, Self


class LoopbackService:
    """Owns one socketserver-style server and the thread serving it."""

    name = "loopback"

    def __init__(self) -> None:
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def _serve(self, server: Any) -> None:
        """Serve `server` in the background; a 0.05 s poll keeps `stop()` quick."""
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=self.name, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def start(self) -> Self:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """`http://127.0.0.1:PORT`."""
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"
