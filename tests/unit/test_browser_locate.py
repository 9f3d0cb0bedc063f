"""Finding Chrome and chromedriver, their versions, the install hint, and the patched copy."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from tui.core.browser import BrowserSettings, check_browser, locate
from tui.core.browser.driver_copy import copies_dir, prepared_driver
from tui.core.browser.install import install_command
from tui.core.errors import BrowserError
from tui.core.paths import cache_dir


def fake_binary(folder: Path, name: str, version_line: str) -> Path:
    """A script that prints `version_line` for --version and counts how often it was asked."""
    path = folder / name
    counter = folder / f"{name}.count"
    path.write_text(f"#!/bin/sh\necho x >> '{counter}'\necho '{version_line}'\n")
    path.chmod(0o755)
    return path


def asked(path: Path) -> int:
    counter = path.parent / f"{path.name}.count"
    return len(counter.read_text().splitlines()) if counter.exists() else 0


@pytest.fixture
def bins(tmp_path) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    return folder


def test_configured_browser_and_driver_are_checked(bins) -> None:
    browser = fake_binary(bins, "chromium", "Chromium 156.0.8078.108 built on Debian")
    driver = fake_binary(bins, "chromedriver", "ChromeDriver 156.0.8078.108 (abc-refs/heads)")

    assert check_browser(BrowserSettings(browser=str(browser), driver=str(driver))) == (
        browser,
        driver,
    )
    assert (
        locate.browser_and_driver(BrowserSettings(browser=str(browser), driver=str(driver)))[2]
        == 156
    )


def test_versions_are_remembered_until_the_binary_changes(bins) -> None:
    browser = fake_binary(bins, "chrome", "Google Chrome 120.0.6099.109")
    assert locate.version_of(browser) == "120.0.6099.109"
    assert locate.version_of(browser) == "120.0.6099.109"
    assert asked(browser) == 1

    browser.write_text(browser.read_text().replace("120.0.6099.109", "121.0.6167.85"))
    os.utime(browser, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert locate.version_of(browser) == "121.0.6167.85"
    assert asked(browser) == 2


def test_a_major_version_mismatch_names_both_versions(bins) -> None:
    browser = fake_binary(bins, "chromium", "Chromium 156.0.8078.108")
    driver = fake_binary(bins, "chromedriver", "ChromeDriver 155.0.7000.1 (x)")

    with pytest.raises(BrowserError) as caught:
        check_browser(BrowserSettings(browser=str(browser), driver=str(driver)))

    message = str(caught.value)
    assert "156.0.8078.108" in message and "155.0.7000.1" in message
    assert "chromedriver for version 156" in message


def test_a_configured_path_that_is_not_there(bins) -> None:
    with pytest.raises(BrowserError, match=r"browser set in \[settings\] \(/nope/chrome\)"):
        check_browser(BrowserSettings(browser="/nope/chrome"))
    browser = fake_binary(bins, "chromium", "Chromium 156.0.8078.108")
    with pytest.raises(BrowserError, match="driver set in"):
        check_browser(BrowserSettings(browser=str(browser), driver=str(bins / "missing")))


def test_a_binary_that_is_not_chrome(bins) -> None:
    browser = fake_binary(bins, "chromium", "hello")
    driver = fake_binary(bins, "chromedriver", "ChromeDriver 156.0.8078.108")

    with pytest.raises(BrowserError, match="does not look like Chrome"):
        check_browser(BrowserSettings(browser=str(browser), driver=str(driver)))


def test_nothing_installed_says_what_to_install(bins, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(bins))
    monkeypatch.setattr(locate, "_LINUX_BROWSERS", ())
    monkeypatch.setattr(locate, "_DRIVERS", ())
    monkeypatch.setattr(locate.sys, "platform", "linux")

    with pytest.raises(BrowserError) as caught:
        check_browser(BrowserSettings())
    assert "No Chrome or Chromium was found" in str(caught.value)
    assert install_command() in str(caught.value)

    fake_binary(bins, "chromium", "Chromium 156.0.8078.108")
    with pytest.raises(BrowserError, match="No chromedriver was found") as caught:
        check_browser(BrowserSettings(fetch_driver=False))
    assert "install ChromeDriver 156" in str(caught.value)


def test_auto_detection_from_path(bins, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(bins))
    browser = fake_binary(bins, "google-chrome", "Google Chrome 156.0.1.2")
    driver = fake_binary(bins, "chromedriver", "ChromeDriver 156.0.1.2 (x)")

    assert check_browser(BrowserSettings()) == (browser, driver)


@pytest.mark.parametrize(
    ("release", "expected"),
    [
        ('ID=debian\nVERSION_ID="12"', "sudo apt install chromium chromium-driver"),
        ("ID=ubuntu\nID_LIKE=debian", "sudo apt install chromium-browser chromium-chromedriver"),
        ('ID=linuxmint\nID_LIKE="ubuntu debian"', "chromium-chromedriver"),
        ("ID=fedora", "sudo dnf install chromium chromedriver"),
        ('ID="rocky"\nID_LIKE="rhel centos fedora"', "sudo dnf install chromium chromedriver"),
        ("ID=arch", "sudo pacman -S chromium"),
        ('ID="opensuse-tumbleweed"\nID_LIKE="opensuse suse"', "zypper"),
        ("ID=alpine", "apk add chromium chromium-chromedriver"),
        ("ID=nixos", "package manager"),
    ],
)
def test_install_command_per_distribution(tmp_path, release, expected) -> None:
    os_release = tmp_path / "os-release"
    os_release.write_text(release)

    assert expected in install_command("linux", os_release)


def test_install_command_on_macos_and_windows() -> None:
    assert "Google Chrome" in install_command("darwin") and "brew" in install_command("darwin")
    assert "winget install Chromium.ChromeDriver" in install_command("win32")


CDC_BLOCK = b"{window.cdc_adoQpoasnfa76pfcZLmcfl_Array=window.Array;}"


def fake_driver(folder: Path) -> Path:
    driver = folder / "chromedriver"
    driver.write_bytes(b"\x7fELF" + b"\0" * 64 + CDC_BLOCK + b"\0" * 64)
    driver.chmod(0o755)
    return driver


def test_the_driver_copy_is_patched_and_the_original_never_touched(bins) -> None:
    source = fake_driver(bins)
    original = source.read_bytes()

    copy = prepared_driver(source, 156)

    assert copy.parent == cache_dir() / "chromedriver" == copies_dir()
    assert source.read_bytes() == original
    patched = copy.read_bytes()
    assert b"undetected chromedriver" in patched and b"cdc_" not in patched
    assert len(patched) == len(original)
    assert stat.S_IMODE(copy.stat().st_mode) == 0o700
    assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700
    assert prepared_driver(source, 156) == copy


def test_a_changed_driver_gets_a_fresh_copy(bins) -> None:
    source = fake_driver(bins)
    first = prepared_driver(source, 156)

    source.write_bytes(source.read_bytes() + b"\0new build")
    os.utime(source, ns=(time.time_ns(), time.time_ns() + 10**9))
    second = prepared_driver(source, 157)

    assert second != first and second.read_bytes().endswith(b"\0new build")
    assert b"undetected chromedriver" in second.read_bytes()
    assert not list(copies_dir().glob("*.tmp"))
