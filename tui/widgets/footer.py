"""Textual's Footer, rebuilt only when the keys it shows change.

Textual's Footer recomposes on every bindings update of its screen (any `refresh_bindings()`, a
focus move, a `var(bindings=True)` change) and a recompose mounts one FooterKey widget per key,
each restyled: ~10 ms a time. A sign-in sends a dozen such updates, almost all of them leaving
the keys exactly as they were, or made while the screen is hidden or being dismissed; this footer
skips those, and updates a hidden screen's keys a moment later, while the screen on top sits
waiting for the person.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator

from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey

# Always on screen, at the right: a narrow terminal cuts the screen's keys, never these.
PINNED = ("app.help", "app.quit", "help", "quit")


def shown_keys(screen: Screen[object]) -> tuple[Hashable, ...]:
    """Everything `Footer.compose` reads from the screen's bindings."""
    return tuple(
        (key, binding.action, binding.description, binding.group, enabled, tooltip)
        for key, (_, binding, enabled, tooltip) in screen.active_bindings.items()
        if binding.show or key == screen.app.COMMAND_PALETTE_BINDING
    )


COMPACT_BELOW = 130  # columns: less space between keys
SKIP_BELOW = 120  # columns: leave out the keys a screen says elsewhere (NARROW_FOOTER_SKIPS)


def _narrow_skips(screen: Screen[object]) -> frozenset[str]:
    """Actions a screen leaves out of a narrow footer because a line on it already says them
    (`NARROW_FOOTER_SKIPS`); the keys still work."""
    return frozenset(getattr(screen, "NARROW_FOOTER_SKIPS", ()))


CATCH_UP = 0.3  # seconds after a hidden screen's keys changed


class Footer(TextualFooter):
    """Same look and behaviour; recomposes only when a shown key, its label or state changed."""

    DEFAULT_CSS = """
    Footer > #pinned {
        dock: right;
        width: auto;
        padding-left: 1;
        background: $footer-background;
    }
    Footer > #pinned > FooterKey.-command-palette { dock: none; }
    """

    _shown: tuple[Hashable, ...] | None = None
    _skipping = False  # whether the last compose left out the screen's NARROW_FOOTER_SKIPS

    def on_resize(self) -> None:
        width = self.size.width
        crossed = (width < SKIP_BELOW) != self._skipping
        self.compact = width < COMPACT_BELOW
        if crossed and _narrow_skips(self.screen):
            self.refresh(recompose=True)

    def compose(self) -> ComposeResult:
        pinned: list[Widget] = []
        self._skipping = self.app.size.width < SKIP_BELOW
        skip = _narrow_skips(self.screen) if self._skipping else frozenset()
        for widget in self._keys():
            if isinstance(widget, FooterKey) and widget.action in skip:
                continue
            if isinstance(widget, FooterKey) and (
                widget.action in PINNED or widget.has_class("-command-palette")
            ):
                pinned.append(widget)
            else:
                yield widget
        if pinned:
            yield HorizontalGroup(*pinned, id="pinned")

    def _keys(self) -> Iterator[Widget]:
        yield from super().compose()

    def bindings_changed(self, screen: Screen[object]) -> None:
        if self._bindings_ready and screen is not screen.app.screen:
            # Hidden under another screen (or leaving): catch up later, off the busy moment of
            # the switch, so the keys are ready when the screen comes back.
            self.set_timer(CATCH_UP, lambda: self._catch_up(screen), name="footer-catch-up")
            return
        self._update(screen)

    def _catch_up(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self._update(screen)

    def _update(self, screen: Screen[object]) -> None:
        shown = shown_keys(screen)
        if self._bindings_ready and shown == self._shown:
            return
        super().bindings_changed(screen)
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._shown = shown  # a recompose is scheduled; it will show exactly this
