"""The house's layering: tui/core/ runs without Textual or Rich, and no module imports in a circle."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import tui

ROOT = Path(tui.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def top_level_imports(path: Path) -> set[str]:
    """What `path` imports when it is loaded: not under TYPE_CHECKING, not inside functions."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in names if name.split(".")[0] == "tui"}


def test_every_core_module_loads_without_textual_or_rich() -> None:
    names = sorted(module_name(p) for p in (ROOT / "core").rglob("*.py"))
    assert "tui.core.browser.capture" in names and len(names) > 20
    script = textwrap.dedent(
        f"""
        import importlib, sys
        for name in {names!r}:
            importlib.import_module(name)
        bad = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich"))
        print(bad)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_no_module_imports_in_a_circle() -> None:
    modules = {module_name(p): p for p in ROOT.rglob("*.py")}
    graph = {
        name: {dep for dep in top_level_imports(path) if dep in modules and dep != name}
        for name, path in modules.items()
    }
    done: set[str] = set()

    def visit(name: str, trail: list[str]) -> None:
        if name in trail:
            cycle = [*trail[trail.index(name) :], name]
            raise AssertionError("import cycle: " + " -> ".join(cycle))
        if name in done:
            return
        for dep in sorted(graph[name]):
            visit(dep, [*trail, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])
    assert len(done) == len(modules) > 50
