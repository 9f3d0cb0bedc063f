"""The command palette's doctor: it runs off the event loop and shows every line when one fails."""

from __future__ import annotations

from tui_testkit import config, demo_accounts, make_app

from tui.dialogs.error import ErrorDialog
from tui.providers import commands_for


async def test_the_doctor_shows_each_failed_check_with_its_fix(tmp_path) -> None:
    app = make_app(config(tmp_path, demo_accounts()))  # its config file is not on disk
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        [doctor] = [c for c in commands_for(app.screen, app) if c.name.startswith("Doctor")]
        doctor.run()
        await app.workers.wait_for_complete()
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ErrorDialog)
        assert "checks failed" in dialog.title_text
        assert dialog.message.startswith("✗ config: No config file at")
        assert any(
            line.startswith("✓ browser:") or line.startswith("✗ browser:")
            for line in dialog.details
        )
        assert any(line.startswith("✗ clock:") for line in dialog.details)
