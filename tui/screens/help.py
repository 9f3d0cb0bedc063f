"""F1: every key, generated from the BINDINGS themselves (with the user's keymap applied), so
the help can never drift from what the keys do; then a few usage notes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.core.paths import user_themes_dir
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.error import ErrorDialog
from tui.dialogs.export import ExportDialog
from tui.screens.main import MainScreen
from tui.screens.roles import RolesScreen
from tui.widgets.accounts_table import AccountsTable
from tui.widgets.roles_table import RolesTable

TEXTUAL_KEYS = (
    ("ctrl+p", "Command palette: every action by name, and “Change theme”"),
    ("tab / shift+tab", "Move focus between the accounts and the sessions"),
    ("ctrl+q", "Quit (also q)"),
)

NOTES = (
    ("Sign in", "Enter on an account opens Chrome at your Entra sign-in. After the first one the "
     "account's browser profile is remembered, so the next runs without a window; when Entra "
     "needs you again the window opens by itself. Esc cancels."),
    ("Roles", "The inspector shows who signed in and every role, grouped by AWS account. The "
     "assertion can be redeemed for about five minutes: assume before the countdown ends. Space "
     "marks roles, A assumes them all from this one sign-in, d picks the session length."),
    ("Sessions", "Assumed sessions are kept in a private store (shared with `entra-aws sessions`) "
     "and written to their ~/.aws/credentials profile. Under ten minutes left a session turns to "
     "warning; r signs in again and renews it."),
    ("Keymap", 'Remap any key in the config under [keymap] as id = "keys", e.g. copy-exports = "y".'),
    ("Themes", "ctrl+p then \u201cChange theme\u201d, or --theme NAME; add your own as TOML files in {themes}."),
)  # fmt: skip
KEY_WIDTH, DOES_WIDTH = 12, 62


def key_rows(
    bindings: Iterable[BindingType],
    keymap: Mapping[str, str],
    display: Callable[[Binding], str],
) -> list[tuple[str, str, str]]:
    """(keys, what it does, id) for each described binding, keys as the keymap makes them."""
    rows = []
    for item in bindings:
        if not isinstance(item, Binding) or not item.description:
            continue
        keys = keymap.get(item.id or "", item.key)
        shown = ", ".join(display(Binding(k.strip(), item.action)) for k in keys.split(","))
        rows.append((shown, item.tooltip or item.description, item.id or ""))
    return rows


def binding_sections(app_class: type) -> list[tuple[str, list[BindingType]]]:
    """Every binding the app has, grouped by where it works (the help and the keymap check)."""
    return [
        ("Everywhere", list(getattr(app_class, "BINDINGS", []))),
        ("Accounts", [*AccountsTable.BINDINGS, *MainScreen.BINDINGS[:2]]),
        ("Sessions", list(MainScreen.BINDINGS[2:])),
        ("Roles inspector", [*RolesTable.BINDINGS, *RolesScreen.BINDINGS]),
        ("Export dialog", list(ExportDialog.BINDINGS)),
        ("Error dialog", list(ErrorDialog.BINDINGS)),
        ("Confirmation", list(ConfirmDialog.BINDINGS)),
        ("Help", list(HelpScreen.BINDINGS)),
    ]


def key_for(app: App[object], binding_id: str) -> str:
    """The key that runs `binding_id` now (the keymap applied), shown as the footer shows it."""
    keymap: Mapping[str, str] = getattr(app, "keymap", {})
    for _, bindings in binding_sections(type(app)):
        for item in bindings:
            if isinstance(item, Binding) and item.id == binding_id:
                key = keymap.get(binding_id, item.key).split(",")[0].strip()
                return app.get_key_display(Binding(key, item.action))
    return ""


def keymap_clashes(app_class: type, keymap: Mapping[str, str]) -> list[str]:
    """One sentence per key that [keymap] leaves doing two things on the same screen."""
    sections = dict(binding_sections(app_class))
    everywhere = sections.pop("Everywhere")
    screens = [("the accounts screen", [*sections.pop("Accounts"), *sections.pop("Sessions")])]
    screens += [(f"the {title[0].lower()}{title[1:]}", items) for title, items in sections.items()]
    problems: list[str] = []
    for where, items in screens:
        owner: dict[str, str] = {}
        for item in [*everywhere, *items]:
            if not isinstance(item, Binding) or not item.id:
                continue
            for key in keymap.get(item.id, item.key).split(","):
                key = key.strip()
                other = owner.setdefault(key, item.id)
                if other != item.id:
                    sentence = (
                        f"[keymap] makes {key!r} do both {other} and {item.id} on {where}; "
                        "give one of them another key."
                    )
                    if sentence not in problems and (other in keymap or item.id in keymap):
                        problems.append(sentence)
    return problems


def binding_ids(app_class: type) -> set[str]:
    return {
        item.id
        for _, bindings in binding_sections(app_class)
        for item in bindings
        if isinstance(item, Binding) and item.id
    }


def keys_content(
    title: str, rows: Iterable[tuple[str, str, str]], key_width: int = KEY_WIDTH
) -> Content:
    """One section: a title, then `key  what it does  id` lines (plain text, styled spans)."""
    parts: list[str | tuple[str, str]] = [(title, "$accent bold")]
    for keys, does, ident in rows:
        parts += ["\n", (f"  {keys:<{key_width}}", "$secondary bold"), f"{does:<{DOES_WIDTH}}"]
        parts.append((f" {ident}", "$text-muted") if ident else "")
    return Content.assemble(*parts)


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1", "close", "Close", tooltip="Close the help", id="help-close"),
    ]

    def __init__(self, keymap: Mapping[str, str]) -> None:
        super().__init__()
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        with Vertical(id="frame"):
            yield Static(
                "entra-aws help · Esc closes · the last column is the [keymap] id",
                id="title",
                markup=False,
            )
            sections = [
                (title, key_rows(bindings, self.keymap, self.app.get_key_display))
                for title, bindings in binding_sections(type(self.app))
            ]
            sections.append(("Textual", [(k, d, "") for k, d in TEXTUAL_KEYS]))
            # Every key column as wide as the widest keys plus a gap: "tab / shift+tab  Move…".
            width = max(KEY_WIDTH, *(len(row[0]) + 2 for _, rows in sections for row in rows))
            with VerticalScroll(id="help"):
                for title, rows in sections:
                    yield Static(keys_content(title, rows, width), classes="keys")
                themes = str(user_themes_dir())
                for title, text in NOTES:
                    note = Content.assemble(
                        (f"{title}: ", "$accent bold"), text.format(themes=themes)
                    )
                    yield Static(note, classes="note")

    def action_close(self) -> None:
        self.dismiss(None)
