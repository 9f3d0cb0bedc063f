"""The App: themes, the keymap, global keys, remembered UI choices and the first screen.

Workflows live on the screens (`tui/screens/`); what they need from outside comes in one
`Context` so tests can swap the clock, the signer or the session store.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path, PurePath
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from tui.context import Context
from tui.core.config import Config
from tui.core.display import has_display
from tui.core.paths import user_themes_dir
from tui.core.sessions import SessionStore
from tui.core.timeutil import utcnow
from tui.providers import EntraCommands
from tui.screens.main import MainScreen
from tui.services import (
    Clock,
    ManySigner,
    Renewer,
    Signer,
    browser_many,
    browser_signer,
    signed_in_before,
    silent_renewer,
)
from tui.settings_state import UiState, load_ui_state, pick_theme, save_ui_state
from tui.themes import DEFAULT_THEME, builtin_themes_dir, load_themes

HERE = Path(__file__).parent


class EntraAwsApp(App[int]):
    # Absolute, so subclasses (tests, the benchmark) find them; main.tcss is here because Textual
    # does not load CSS_PATH for the screen get_default_screen returns.
    CSS_PATH: ClassVar[list[str | PurePath]] = [HERE / "app.tcss", HERE / "screens" / "main.tcss"]
    TITLE = "entra-aws"
    COMMANDS = App.COMMANDS | {EntraCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", tooltip="Every key, and a short guide", id="help"),
        Binding("q", "quit", "Quit", tooltip="Leave entra-aws; sessions stay in the store", id="quit"),
    ]  # fmt: skip

    def __init__(
        self,
        config: Config,
        *,
        theme: str | None = None,
        demo: bool = False,
        headless: bool | None = None,
        clock: Clock = utcnow,
        signer: Signer | None = None,
        many_signer: ManySigner | None = None,
        renewer: Renewer | None = None,
        store: SessionStore | None = None,
        signed_in_before: Callable[[str], bool] = signed_in_before,
        display: bool | None = None,
        picker: bool = False,
    ) -> None:
        super().__init__()
        self.ctx = Context(
            config,
            clock=clock,
            store=store or SessionStore(),
            signer=signer or browser_signer,
            many_signer=many_signer or browser_many,
            renewer=renewer or silent_renewer,
            signed_in_before=signed_in_before,
            demo=demo,
            headless=headless,
            display=has_display() if display is None else display,
            picker=picker,
        )
        self.keymap = dict(config.settings.keymap)
        self.sub_title = "DEMO" if demo else ""
        if picker:
            self.sub_title = "pick a session for this shell"
        self._started = False
        self._theme_notes: list[str] = []
        self._use_themes(theme)
        self.set_keymap(self.keymap)

    def _use_themes(self, cli_theme: str | None) -> None:
        """Register ours and the user's themes; pick by --theme > saved > config > default."""
        builtin = builtin_themes_dir()
        themes, problems = load_themes(builtin, user_themes_dir(), trusted=builtin)
        for theme in themes.values():
            self.register_theme(theme)
        if problems:
            listed = "; ".join(f"{p.path.name}: {p.reason}" for p in problems)
            self._theme_notes.append(f"Some theme files were skipped ({listed}).")
        config_theme = self.ctx.config.settings.theme
        wanted = pick_theme(cli_theme, load_ui_state(), config_theme)
        if wanted not in self.available_themes:
            self._theme_notes.append(f"Theme {wanted!r} is not available; using {DEFAULT_THEME}.")
            wanted = DEFAULT_THEME if DEFAULT_THEME in self.available_themes else "textual-dark"
        self.theme = wanted

    def get_default_screen(self) -> Screen[None]:
        """The accounts screen is the base screen: no screen switch before the first frame."""
        return MainScreen(self.ctx)

    def on_mount(self) -> None:
        self._started = True
        if self._theme_notes:
            self.notify(" ".join(self._theme_notes), title="Themes", severity="error", timeout=10, markup=False)  # fmt: skip
        if self.keymap:
            self.call_after_refresh(self._check_keymap)

    def _check_keymap(self) -> None:
        """Warn about [keymap] ids that match no binding (after the first frame: it imports help)."""
        from tui.screens.help import binding_ids

        unknown = sorted(set(self.keymap) - binding_ids(type(self)))
        if unknown:
            self.notify(
                f"[keymap] names no binding {', '.join(unknown)}; F1 lists the ids.",
                title="Keymap",
                severity="warning",
                markup=False,
            )

    def watch_theme(self, theme: str) -> None:
        """Remember a theme picked in the app, with the config's theme at that moment."""
        if self._started:
            state = UiState(theme=theme, config_theme=self.ctx.config.settings.theme)
            self.run_worker(partial(save_ui_state, state), thread=True, group="ui-state", exclusive=True, exit_on_error=False)  # fmt: skip

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group in ("ui-state", "clipboard") and event.state is WorkerState.ERROR:
            self.notify(
                str(event.worker.error), title="Not saved", severity="warning", markup=False
            )

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.keymap))
