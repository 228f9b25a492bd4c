"""Shared fixtures: the repository, a scratch copy of it, and one real build of the shipped site."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from bs4 import BeautifulSoup

if TYPE_CHECKING:
    from playwright.sync_api import Browser

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED_SLUG = "ice-local-police-data-sharing"
SEED_CONTENT = f"content/{SEED_SLUG}.yaml"


def _run(
    module: str, args: tuple[str, ...], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
    )


def run_reportgen(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real console entry point in a child process, as an editor or CI runs it.

    `env` replaces the environment (default: this process's own).
    """
    return _run("reportgen", args, cwd, env)


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


def build_copy(root: Path, *, engine: str = "mkdocs", hostile: bool = False) -> Path:
    """A scratch copy of the project (or of it with the escaping fixture) built by `engine`."""
    copy_project(root)
    if hostile:
        shutil.rmtree(root / "content")
        shutil.copytree(FIXTURES / "escaping" / "content", root / "content")
        shutil.copy(FIXTURES / "escaping" / "references.bib", root / "references.bib")
    result = run_reportgen("build", "--engine", engine, "--out", "site", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "site"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One `reportgen build` of the shipped content, shared by the end-to-end tests."""
    return build_copy(tmp_path_factory.mktemp("shipped"))


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped project with the escaping fixture's content and bib, built."""
    return build_copy(tmp_path_factory.mktemp("hostile"), hostile=True)


@pytest.fixture(scope="session")
def zensical_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped content built by Zensical (no plugin) through `reportgen build`."""
    return build_copy(tmp_path_factory.mktemp("zensical"), engine="zensical")


@pytest.fixture(scope="session")
def zensical_hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_copy(tmp_path_factory.mktemp("zensical-hostile"), engine="zensical", hostile=True)


@dataclass(frozen=True)
class Installed:
    """reportgen as a newsroom gets it: a wheel installed into its own virtual environment."""

    venv: Path
    wheel: Path
    sdist: Path

    @property
    def bin(self) -> Path:
        return self.venv / "bin"

    def env(self) -> dict[str, str]:
        """The environment of a shell where only the new venv's tools are on PATH first."""
        env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
        env["PATH"] = f"{self.bin}{os.pathsep}{env.get('PATH', '')}"
        return env

    def run(self, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bin / args[0]), *args[1:]],
            cwd=cwd,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """Build the wheel and sdist with standard tools; install the wheel into a fresh venv.

    Both live under a temporary directory outside the repository. Dependencies
    come from the package index at the versions of requirements.lock.
    """
    base = tmp_path_factory.mktemp("install")
    dist = base / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(REPO)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    wheel = next(dist.glob("reportgen-*.whl"))
    sdist = next(dist.glob("reportgen-*.tar.gz"))
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    pip = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-c",
            str(REPO / "requirements.lock"),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert pip.returncode == 0, pip.stdout[-2000:] + pip.stderr[-2000:]
    return Installed(venv, wheel, sdist)


def init_site_with(installed: Installed, root: Path, content: Path, bib: Path) -> Path:
    """An `init`ed site whose example is replaced by the given content and bibliography."""
    result = installed.run(
        "reportgen", "init", str(root), "--url", "https://briefs.example.org/", cwd=root.parent
    )
    assert result.returncode == 0, result.stdout + result.stderr
    shutil.rmtree(root / "content")
    shutil.copytree(content, root / "content")
    shutil.copy(bib, root / "references.bib")
    built = installed.run("reportgen", "build", cwd=root)
    assert built.returncode == 0, built.stdout + built.stderr
    return root / "site"


@pytest.fixture(scope="session")
def installed_site(installed: Installed, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed, built in a site started with the installed tool's `reportgen init`."""
    root = tmp_path_factory.mktemp("newsroom") / "seed-site"
    return init_site_with(installed, root, REPO / "content", REPO / "references.bib")


@pytest.fixture(scope="session")
def installed_hostile_site(installed: Installed, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("newsroom") / "hostile-site"
    escaping = FIXTURES / "escaping"
    return init_site_with(installed, root, escaping / "content", escaping / "references.bib")


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
"""Debian's Chromium, closed off from the network it would otherwise try to reach."""


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail("Chromium is not installed; `make test` installs it with apt-get")
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium per test module (Playwright drives it, never downloads one)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield instance
        instance.close()
