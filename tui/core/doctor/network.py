"""The doctor's network checks: each account's STS endpoint, and this clock against STS's `Date`.

One plain HTTP GET per distinct endpoint (no redirects followed, the proxy from the environment
honoured), all at once, each bounded: a refused port, a name that does not resolve, a listener
that never answers and a TLS failure each get their own sentence.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import sys
import threading
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from tui.core.config import Account
from tui.core.doctor.checks import Check

ENDPOINT_BOUND = 5.0  # seconds per endpoint, connect and answer together
MAX_SKEW = 120.0  # seconds: more than this and STS refuses every SAML assertion


@dataclass(frozen=True)
class Probe:
    """What one endpoint did: answered (status, its clock's offset from ours) or why not."""

    status: int = 0
    skew: float | None = None  # our clock minus the server's, in seconds
    problem: str = ""


def _connection(url: str, timeout: float) -> http.client.HTTPConnection:
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port
    proxy = urllib.request.getproxies().get(parts.scheme)
    if parts.scheme == "https":
        context = ssl.create_default_context()
        if proxy and not urllib.request.proxy_bypass(host):
            tunnel = urlsplit(proxy)
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                tunnel.hostname or "", tunnel.port or 80, timeout=timeout, context=context
            )
            conn.set_tunnel(host, port or 443)
            return conn
        return http.client.HTTPSConnection(host, port, timeout=timeout, context=context)
    return http.client.HTTPConnection(host, port, timeout=timeout)


def probe(url: str, timeout: float = ENDPOINT_BOUND) -> Probe:
    """GET the endpoint once; any HTTP answer means it is reachable."""
    started = time.monotonic()
    conn = _connection(url, timeout)
    stage = "connect"
    try:
        conn.connect()
        stage = "answer"
        if conn.sock is not None:  # the rest of the bound, not a fresh one per socket call
            conn.sock.settimeout(max(0.1, timeout - (time.monotonic() - started)))
        sent = time.time()
        conn.request("GET", urlsplit(url).path or "/", headers={"User-Agent": "entra-aws"})
        answer = conn.getresponse()
        received = time.time()
        answer.read(65536)
    except TimeoutError:
        if stage == "connect":
            return Probe(problem=f"did not accept a connection within {timeout:.0f} s (hanging)")
        return Probe(
            problem=f"accepted the connection but did not answer within {timeout:.0f} s (hanging)"
        )
    except ConnectionRefusedError:
        return Probe(problem="refused the connection (nothing listens there)")
    except socket.gaierror:
        return Probe(problem="has a host name that does not resolve")
    except ssl.SSLError as exc:
        return Probe(problem=f"failed the TLS handshake ({exc.reason or 'certificate'})")
    except (OSError, http.client.HTTPException) as exc:
        return Probe(problem=f"could not be reached ({type(exc).__name__})")
    finally:
        conn.close()
    skew = None
    date = answer.getheader("Date")
    if date:
        try:
            server = parsedate_to_datetime(date).timestamp()
            skew = (sent + received) / 2 - server
        except (TypeError, ValueError, IndexError):
            skew = None
    return Probe(status=answer.status, skew=skew)


def _endpoints(accounts: Sequence[Account]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for account in accounts:
        found.setdefault(account.effective_sts_endpoint, []).append(account.name)
    return found


def probe_all(accounts: Sequence[Account], bound: float) -> dict[str, Probe]:
    """Every distinct endpoint probed at once; one still going after `bound` is hanging."""
    results: dict[str, Probe] = {}

    def one(url: str) -> None:
        results[url] = probe(url, bound)

    threads = [
        threading.Thread(target=one, args=(url,), daemon=True, name="doctor-sts")
        for url in _endpoints(accounts)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + bound + 1.0
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    hanging = Probe(problem=f"did not answer within {bound:.0f} s (hanging)")
    return {url: results.get(url, hanging) for url in _endpoints(accounts)}


def endpoint_checks(accounts: Sequence[Account], probes: dict[str, Probe]) -> list[Check]:
    if not accounts:
        return [
            Check(
                "sts",
                False,
                "no accounts are configured, so no STS endpoint was checked; add [[accounts]] to the config",
            )
        ]
    checks = []
    for url, names in _endpoints(accounts).items():
        result = probes.get(url, Probe(problem="was not checked"))
        label = f"sts {', '.join(names)}"
        if result.problem:
            fix = "check sts_endpoint and region in the config, the network, VPN or proxy (HTTPS_PROXY)"
            checks.append(Check(label, False, f"{url} {result.problem}; {fix}."))
        else:
            checks.append(Check(label, True, f"{url} answers (HTTP {result.status})"))
    return checks


def _clock_fix() -> str:
    if sys.platform == "darwin":
        return "turn on System Settings > General > Date & Time > Set time automatically"
    if sys.platform.startswith("win"):
        return "use Settings > Time & language > Date & time > Sync now"
    return "turn on network time sync (e.g. `sudo timedatectl set-ntp true`)"


def clock_check(probes: dict[str, Probe], have_accounts: bool) -> Check:
    """This clock against the first STS endpoint that sent a `Date` header."""
    dated = [(url, p.skew) for url, p in probes.items() if p.skew is not None]
    if not dated:
        why = (
            "no STS endpoint answered with its time"
            if have_accounts
            else "no accounts are configured"
        )
        return Check("clock", False, f"not checked: {why} (see the sts lines)")
    url, skew = dated[0]
    assert skew is not None
    host = urlsplit(url).netloc
    if abs(skew) <= MAX_SKEW:
        return Check("clock", True, f"within {abs(skew):.0f} s of STS's clock ({host})")
    direction = "ahead of" if skew > 0 else "behind"
    minutes = abs(skew) / 60
    return Check(
        "clock",
        False,
        f"this clock is {minutes:.0f} minutes {direction} STS's ({host}), so STS refuses every "
        f"SAML assertion (the limit is {MAX_SKEW / 60:.0f} minutes); {_clock_fix()}.",
    )
