"""The strict mypy override (``disallow_untyped_defs``, ``disallow_incomplete_defs``) covers every
module docs/style.md says is strict: every services and selectors module (packages included),
the workflow, the deadlines and the working-day calendar.

The override is read from pyproject.toml by mypy's own config parser and applied by mypy's own
``Options.clone_for_module``, so the patterns mean exactly what they mean to mypy (a ``*`` stands
for whole dotted components; ``motcua.*.services`` is not ``motcua.records.services.intake``)."""

from __future__ import annotations

import io
from pathlib import Path

from mypy.config_parser import parse_config_file
from mypy.options import Options

ROOT = Path(__file__).resolve().parents[4]
SRC = ROOT / "src"
PACKAGE = SRC / "motcua"

# The files docs/style.md promises are strict.
STRICT_FILES = (
    "**/services.py",
    "**/services/*.py",
    "**/selectors*.py",
    "**/selectors/*.py",
    "**/workflow.py",
    "**/deadlines.py",
    "organisations/calendar.py",
    "organisations/calendar_query.py",
)


def _options(config: Path) -> Options:
    options = Options()
    stderr = io.StringIO()
    parse_config_file(options, lambda: None, str(config), io.StringIO(), stderr)
    assert not stderr.getvalue(), stderr.getvalue()
    return options


def _module(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _strict_modules() -> list[str]:
    files = {path for pattern in STRICT_FILES for path in PACKAGE.glob(pattern)}
    return sorted(
        _module(path)
        for path in files
        if not {"tests", "migrations"} & set(path.relative_to(PACKAGE).parts)
    )


def _not_strict(options: Options, modules: list[str]) -> list[str]:
    loose = []
    for module in modules:
        per_module = options.clone_for_module(module)
        if not (per_module.disallow_untyped_defs and per_module.disallow_incomplete_defs):
            loose.append(module)
    return loose


def test_the_strict_files_are_found() -> None:
    modules = _strict_modules()
    for expected in (
        "motcua.records.services",
        "motcua.records.services.intake",
        "motcua.records.services.processing",
        "motcua.records.selectors",
        "motcua.records.selectors_ui",
        "motcua.records.workflow",
        "motcua.records.deadlines",
        "motcua.organisations.calendar",
        "motcua.catalogue.services",
    ):
        assert expected in modules


def test_every_services_and_selectors_module_is_strict() -> None:
    assert _not_strict(_options(ROOT / "pyproject.toml"), _strict_modules()) == []


def test_a_module_inside_a_services_package_escaping_is_caught(tmp_path: Path) -> None:
    """The override as it was: ``motcua.*.services`` matched only ``services/__init__.py``."""
    config = tmp_path / "pyproject.toml"
    config.write_text(
        "[tool.mypy]\n"
        "[[tool.mypy.overrides]]\n"
        'module = ["motcua.*.services", "motcua.*.selectors"]\n'
        "disallow_untyped_defs = true\n"
        "disallow_incomplete_defs = true\n"
    )
    loose = _not_strict(_options(config), _strict_modules())
    assert "motcua.records.services.intake" in loose
    assert "motcua.records.selectors_ui" in loose
    assert "motcua.records.services" not in loose
