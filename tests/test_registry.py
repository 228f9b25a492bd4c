"""One registry of diagnostic codes and one table of options feed the code and the README."""

from __future__ import annotations

import re

import pytest

from conftest import REPO
from reportgen import codes, options
from reportgen.diagnostics import error
from reportgen.engines.mkdocs import ReportgenConfig
from reportgen.model import Position

SOURCE_FILES = sorted((REPO / "src" / "reportgen").rglob("*.py"))


def codes_used_in_source() -> set[str]:
    found = set()
    for path in SOURCE_FILES:
        text = path.read_text(encoding="utf-8")
        found.update(re.findall(r"(?:error|warning)\(\s*\"([a-z-]+)\"", text))
        found.update(re.findall(r"OutputError\(\s*\"([a-z-]+)\"", text))
        found.update(re.findall(r"error\[([a-z-]+)\]", text))
    return found


def test_every_code_the_source_can_print_is_registered() -> None:
    used = codes_used_in_source()
    assert used <= set(codes.CODES), used - set(codes.CODES)
    assert {"unreadable", "config", "output-refused", "output-unwritable"} <= used


def test_every_registered_code_is_used() -> None:
    assert set(codes.CODES) <= codes_used_in_source()


def test_an_unregistered_code_is_refused() -> None:
    with pytest.raises(KeyError):
        error("not-a-code", "message", Position("x"))


def test_readme_diagnostics_table_is_generated_from_the_registry() -> None:
    assert codes.markdown_table() in (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_options_table_is_generated_from_the_options_table() -> None:
    assert options.markdown_table() in (REPO / "README.md").read_text(encoding="utf-8")


def test_the_mkdocs_plugin_declares_exactly_the_options_of_the_table() -> None:
    declared = {name: option.default for name, option in ReportgenConfig._schema}
    assert declared == {option.name: option.default for option in options.OPTIONS}
