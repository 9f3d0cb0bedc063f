"""From a captured SAMLResponse to its credentials on screen vs one raw STS round trip.

The product side runs the real App (`App.run_test`, 120x40) with the signer seam returning a
prepared, signed SAMLResponse instead of opening Chrome. The TUI puts a person between capture and
credentials (the inspector: pick the roles, the length), so the wait splits in two and both
halves are timed, with the person's reading time in between not counted:

- capture -> inspector painted: from the signer handing over the assertion (before it is decoded)
  until the roles screen has painted. No STS call happens here.
- Enter -> credentials row painted: from Enter on the roles screen until the sessions table has
  been repainted with the new session's row. In between runs what the user waits for: back to
  the accounts screen, assume_and_keep (STS, the session store, the credentials file), the toast,
  the table update. Enter is pressed READING seconds after the inspector painted, as a person
  would (the app may use that idle time).

The goal is judged on the second half, the wait that holds the STS call: its floor is one
AssumeRoleWithSAML for the same role through a plain, warm, unsigned boto3 client to the same
local STS. Both sides meet the same emulated network round trip (`common.RTT`): on bare loopback a
call costs ~3 ms, which would measure the terminal's frame rate, not what a user waits for. The
first half and the sum are printed too. Samples are interleaved; the first of each (cold: boto3 is
imported then) is not counted but printed. Goal: median(Enter -> row) <= 1.5 x median(floor).

    python bench/capture_to_screen.py [--runs 15] [--quick]
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from common import RTT, Result, StsWorld, fmt, median, parser, report, sts_world

GOAL = 1.5
READING = 0.5  # seconds the person looks at the inspector before Enter; not counted


def raw_call(world: StsWorld, saml: str) -> Any:
    """The floor's client: boto3, unsigned, the same endpoint; returns a call that times itself."""
    import boto3
    from botocore import UNSIGNED
    from botocore.config import Config

    config = Config(signature_version=UNSIGNED)
    client = boto3.session.Session().client(
        "sts", region_name="us-east-1", endpoint_url=world.url, config=config
    )
    role, provider = world.pairs[0]

    def call() -> float:
        started = time.perf_counter()
        client.assume_role_with_saml(
            RoleArn=role, PrincipalArn=provider, SAMLAssertion=saml, DurationSeconds=3600
        )
        return time.perf_counter() - started

    return call


Samples = dict[str, list[float]]


async def measure(world: StsWorld, home: Path, runs: int) -> Samples:
    """Per run: the floor call, then one sign-in; seconds for the floor, the roles screen, the row."""
    from tui.app import EntraAwsApp
    from tui.core.config import Account, write_config
    from tui.core.signin import decode_for_account
    from tui.demo.saml_builder import DEMO_TENANT_ID
    from tui.screens.main import MainScreen
    from tui.screens.roles import RolesScreen
    from tui.subcommands.run_tui import prepare
    from tui.widgets.sessions_table import SessionsTable

    account = Account(
        name="bench",
        tenant_id=DEMO_TENANT_ID,
        app_id_uri="https://signin.aws.amazon.com/saml#1",
        region="us-east-1",
        sts_endpoint=world.url,
    )
    write_config(home / "config.toml", {"credentials_file": str(home / "credentials")}, [account])
    saml = world.saml_response(1)
    marks: dict[str, float] = {}
    seen: set[str] = set()
    done, posted = asyncio.Event(), threading.Event()

    def signer(request: Any) -> Any:
        account = request.account
        posted.wait(10)  # "the browser": the app has settled by the time Entra posts
        marks["start"] = time.perf_counter()
        return decode_for_account(saml, account)

    def painted_roles(screen: RolesScreen) -> None:
        marks["roles"] = time.perf_counter()
        screen.set_timer(READING, lambda: enter(screen))

    def enter(screen: RolesScreen) -> None:
        marks["enter"] = time.perf_counter()
        screen.action_assume()

    roles_mount, table_show = RolesScreen.on_mount, SessionsTable.show

    def on_mount(screen: RolesScreen) -> None:  # Enter, once the person has read the roles
        roles_mount(screen)
        screen.call_after_refresh(painted_roles, screen)

    def painted() -> None:
        marks["end"] = time.perf_counter()
        done.set()

    def show(table: SessionsTable, sessions: Any, now: Any) -> None:
        table_show(table, sessions, now)
        if {s.access_key_id for s in sessions} - seen:
            seen.update(s.access_key_id for s in sessions)
            table.call_after_refresh(painted)

    RolesScreen.on_mount, SessionsTable.show = on_mount, show  # type: ignore[method-assign]
    floor_call = raw_call(world, saml)
    samples: Samples = {"floor": [], "roles": [], "enter": []}

    class Bench(EntraAwsApp):
        def __init__(self, config: Any, **options: Any) -> None:
            super().__init__(config, **options, signer=signer, display=False)

    app = prepare(home / "config.toml", theme=None, app_class=Bench)  # as `entra-aws tui` does
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for _ in range(runs + 1):
            samples["floor"].append(floor_call())
            done.clear()
            posted.clear()
            screen = app.screen
            if not isinstance(screen, MainScreen):
                raise SystemExit(f"expected the accounts screen, the app shows {screen}")
            screen.action_sign_in()
            await pilot.pause(0.1)
            posted.set()
            try:
                await asyncio.wait_for(done.wait(), 20)
            except TimeoutError:
                raise SystemExit(f"no session row appeared; the app shows {app.screen}") from None
            samples["roles"].append(marks["roles"] - marks["start"])
            samples["enter"].append(marks["end"] - marks["enter"])
            await app.workers.wait_for_complete()
            await pilot.pause()
    return samples


def main() -> int:
    args = parser(__doc__, runs=15).parse_args()
    runs = 1 if args.quick else args.runs
    with tempfile.TemporaryDirectory() as home, sts_world(1) as world:
        os.environ["ENTRA_AWS_HOME"] = home
        world.emulate_rtt(RTT, 2 * (runs + 1))
        samples = asyncio.run(measure(world, Path(home), runs))
    ms = {name: median(values[1:]) * 1000 for name, values in samples.items()}
    raw, roles, enter = ms["floor"], ms["roles"], ms["enter"]
    print(f"captured SAMLResponse -> credentials on screen, vs one STS call ({runs} runs, median)")
    print(f"  emulated RTT     : {RTT * 1000:7.0f} ms (added by the local STS to both sides)")
    print(f"  raw boto3 call   : {fmt(raw, 'ms'):>10}  (the floor)")
    print(f"  capture -> roles : {fmt(roles, 'ms'):>10}  (decode, inspector composed and painted)")
    print(f"  Enter -> row     : {fmt(enter, 'ms'):>10}  (back, assume, store, file, toast, row)")
    print(f"  both, no reading : {fmt(roles + enter, 'ms'):>10}")
    cold = (samples["roles"][0] + samples["enter"][0]) * 1000
    print(f"  first, cold      : {fmt(cold, 'ms'):>10}  (imports boto3; not counted)")
    result = Result("Enter -> credentials on screen", enter, raw, "ms", GOAL)
    return report(result, args.quick)


if __name__ == "__main__":
    raise SystemExit(main())
