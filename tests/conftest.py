"""Shared fixtures: the repository, a scratch copy of it, and one real build of the shipped site."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED_SLUG = "ice-local-police-data-sharing"
SEED_CONTENT = f"content/{SEED_SLUG}.yaml"


def _run(module: str, args: tuple[str, ...], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def run_reportgen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real console entry point in a child process, as an editor or CI runs it."""
    return _run("reportgen", args, cwd)


def run_mkdocs(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return _run("mkdocs", args, cwd)


def copy_project(target: Path) -> Path:
    """A scratch copy of the shipped project that a test may break."""
    for name in ("mkdocs.yml", "references.bib"):
        shutil.copy(REPO / name, target / name)
    for name in ("content", "docs"):
        shutil.copytree(REPO / name, target / name)
    return target


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One `reportgen build` of the shipped content, shared by the end-to-end tests."""
    root = copy_project(tmp_path_factory.mktemp("shipped"))
    result = run_reportgen("build", "--out", "site", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "site"


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped project with the escaping fixture's content and bib, built."""
    root = copy_project(tmp_path_factory.mktemp("hostile"))
    shutil.rmtree(root / "content")
    shutil.copytree(FIXTURES / "escaping" / "content", root / "content")
    shutil.copy(FIXTURES / "escaping" / "references.bib", root / "references.bib")
    result = run_reportgen("build", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "site"
