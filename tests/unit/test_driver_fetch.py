"""First run with only Chrome: the matching chromedriver is fetched from a Chrome for Testing
mirror (a loopback HTTP server this test starts), checked, cached, with progress on stderr."""

from __future__ import annotations

import io
import json
import shutil
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tui.core.browser import BrowserSettings, fetch, locate
from tui.core.errors import BrowserError

from .test_browser_locate import fake_binary

REAL_DRIVER = shutil.which("chromedriver")


class Mirror:
    """A loopback Chrome for Testing: the JSON index and the zips it points at."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.requests: list[str] = []
        mirror = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                mirror.requests.append(self.path)
                body = mirror.files.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/cft"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def publish(self, major: int, version: str, zipped: bytes, platform: str = "linux64") -> None:
        path = f"/storage/{version}/{platform}/chromedriver-{platform}.zip"
        self.files[path] = zipped
        index = {
            "milestones": {
                str(major): {
                    "milestone": str(major),
                    "version": version,
                    "downloads": {
                        "chromedriver": [
                            {"platform": platform, "url": self.url.replace("/cft", path)}
                        ]
                    },
                }
            }
        }
        self.files["/cft/" + fetch.INDEX] = json.dumps(index).encode()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def driver_zip(binary: bytes, platform: str = "linux64") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr(f"chromedriver-{platform}/LICENSE.chromedriver", "license")
        bundle.writestr(f"chromedriver-{platform}/chromedriver", binary)
    return buffer.getvalue()


def script(version_line: str) -> bytes:
    return f"#!/bin/sh\necho '{version_line}'\n".encode()


@pytest.fixture
def mirror(monkeypatch) -> Iterator[Mirror]:
    served = Mirror()
    monkeypatch.setenv(fetch.CFT_URL_ENV, served.url)
    monkeypatch.setattr(fetch, "cft_platform", lambda *a: "linux64")
    yield served
    served.close()


@pytest.fixture
def only_chrome(tmp_path, monkeypatch) -> Path:
    """A machine with a browser of version 156 and no chromedriver anywhere."""
    bins = tmp_path / "bin"
    bins.mkdir()
    monkeypatch.setenv("PATH", str(bins))
    monkeypatch.setattr(locate, "_DRIVERS", ())
    return fake_binary(bins, "google-chrome", "Google Chrome 156.0.8078.129")


@pytest.mark.skipif(REAL_DRIVER is None, reason="needs a real chromedriver to serve")
def test_the_matching_driver_is_fetched_verified_and_cached(mirror, only_chrome, capsys):
    assert REAL_DRIVER is not None
    real = Path(REAL_DRIVER).read_bytes()
    major = locate.major(locate.version_of(Path(REAL_DRIVER)))
    only_chrome.write_text(f"#!/bin/sh\necho 'Google Chrome {major}.0.1.2'\n")
    mirror.publish(major, f"{major}.0.1.2", driver_zip(real))

    browser, driver, version_main = locate.browser_and_driver(BrowserSettings())

    assert (browser, version_main) == (only_chrome, major)
    assert driver == fetch.fetched_dir() / str(major) / "chromedriver"
    assert driver.read_bytes() == real  # the real binary, runnable: it reported its version
    err = capsys.readouterr().err
    assert f"Fetching ChromeDriver {major}.0.1.2 from 127.0.0.1" in err
    assert "100%" in err and "is ready in" in err
    # Cached: the next sign-in asks the mirror nothing.
    asked = len(mirror.requests)
    assert locate.browser_and_driver(BrowserSettings())[1] == driver
    assert len(mirror.requests) == asked


def test_a_driver_of_another_major_version_is_replaced_by_a_fetched_one(mirror, only_chrome):
    fake_binary(only_chrome.parent, "chromedriver", "ChromeDriver 155.0.7000.1 (x)")
    mirror.publish(156, "156.0.8078.129", driver_zip(script("ChromeDriver 156.0.8078.129 (y)")))
    driver = locate.browser_and_driver(BrowserSettings())[1]
    assert driver == fetch.cached_driver(156)
    assert locate.version_of(driver) == "156.0.8078.129"


def test_the_sign_ins_status_line_gets_the_progress_not_stderr(mirror, only_chrome, capsys):
    """In the app, stderr is not on screen: the fetch reports where the sign-in's status goes."""
    mirror.publish(156, "156.0.8078.129", driver_zip(script("ChromeDriver 156.0.8078.129 (y)")))
    said: list[str] = []
    locate.browser_and_driver(BrowserSettings(), said.append)
    assert said[0].startswith("Fetching ChromeDriver 156.0.8078.129 from 127.0.0.1")
    assert said[-1].startswith("ChromeDriver 156.0.8078.129 is ready in")
    assert capsys.readouterr().err == ""


def test_a_driver_set_in_the_config_is_never_swapped(mirror, only_chrome):
    mine = fake_binary(only_chrome.parent, "my-driver", "ChromeDriver 155.0.7000.1 (x)")
    mirror.publish(156, "156.0.8078.129", driver_zip(script("ChromeDriver 156.0.8078.129")))
    with pytest.raises(BrowserError, match="chromedriver for version 156"):
        locate.browser_and_driver(BrowserSettings(driver=str(mine)))
    assert mirror.requests == []


def test_with_fetching_off_the_sentence_says_what_to_install(mirror, only_chrome):
    mirror.publish(156, "156.0.8078.129", driver_zip(script("ChromeDriver 156.0.8078.129")))
    with pytest.raises(BrowserError) as caught:
        locate.browser_and_driver(BrowserSettings(fetch_driver=False))
    message = str(caught.value)
    assert "fetch_driver = false" in message
    assert "install ChromeDriver 156" in message and "chromedriver-linux64.zip" in message
    assert "set `driver` under [settings]" in message
    assert mirror.requests == []  # offline sites: not even the index


def zip_without_driver() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr("chromedriver-linux64/README", "no binary here")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("zipped", "fragment"),
    [
        pytest.param(
            driver_zip(script("ChromeDriver 120.0.1.1")),
            "reports version 120.0.1.1, not 156",
            id="other-major",
        ),
        pytest.param(
            driver_zip(script("hello")), "reports version nothing, not 156", id="not-a-driver"
        ),
        pytest.param(b"PK\x03\x04 this is not a zip", "not a usable zip", id="broken-zip"),
        pytest.param(zip_without_driver(), "no chromedriver in it", id="no-binary"),
    ],
)
def test_a_bad_download_is_refused_and_not_cached(mirror, only_chrome, zipped, fragment):
    mirror.publish(156, "156.0.8078.129", zipped)
    with pytest.raises(BrowserError) as caught:
        locate.browser_and_driver(BrowserSettings())
    assert fragment in str(caught.value)
    assert "\n" not in str(caught.value)
    assert fetch.cached_driver(156) is None
    assert [p.name for p in fetch.fetched_dir().iterdir() if not p.name.startswith(".")] == []


def test_a_version_the_index_does_not_list(mirror, only_chrome):
    mirror.publish(150, "150.0.1.1", driver_zip(script("ChromeDriver 150.0.1.1")))
    with pytest.raises(BrowserError, match="lists no ChromeDriver 156 for linux64"):
        locate.browser_and_driver(BrowserSettings())


def test_an_unreachable_mirror_says_so(only_chrome, monkeypatch):
    monkeypatch.setenv(fetch.CFT_URL_ENV, "http://127.0.0.1:9")
    with pytest.raises(BrowserError) as caught:
        locate.browser_and_driver(BrowserSettings())
    message = str(caught.value)
    assert "Could not read the Chrome for Testing index from 127.0.0.1:9" in message
    assert "refused" in message.lower()
    assert "HTTPS_PROXY" in message


def test_an_older_driver_and_an_unreachable_mirror_name_the_mismatch_first(
    only_chrome, monkeypatch
):
    old = fake_binary(only_chrome.parent, "chromedriver", "ChromeDriver 155.0.7000.1 (x)")
    monkeypatch.setenv(fetch.CFT_URL_ENV, "http://127.0.0.1:9")
    with pytest.raises(BrowserError) as caught:
        locate.browser_and_driver(BrowserSettings())
    message = str(caught.value)
    assert message.startswith(f"{old} is ChromeDriver 155.0.7000.1 but {only_chrome} is 156.")
    assert "fetching ChromeDriver 156 failed: could not read the Chrome for Testing" in message
    assert "install ChromeDriver 156" in message and "\n" not in message


@pytest.mark.parametrize(
    ("system", "machine", "expected"),
    [
        ("linux", "x86_64", "linux64"),
        ("linux", "aarch64", None),
        ("darwin", "arm64", "mac-arm64"),
        ("darwin", "x86_64", "mac-x64"),
        ("win32", "AMD64", "win64"),
        ("win32", "x86", "win32"),
    ],
)
def test_platform_names(system, machine, expected):
    assert fetch.cft_platform(system, machine) == expected
