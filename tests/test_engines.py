"""One site, several engines: MkDocs (the plugin), ProperDocs (the same plugin), Zensical.

The browser suite runs against the Zensical build too (tests/test_browser.py);
these tests cover what is engine-specific: the seed's citation order in the
Zensical output, ProperDocs running the plugin, the engine switch, and a
missing engine as a clear error.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SEED_SLUG, run_reportgen, soup_of

pytestmark = pytest.mark.e2e

BRIEF = Path(__file__).resolve().parent / "fixtures" / "seed" / "brief.txt"


def markers(site: Path) -> list[int]:
    page = soup_of(site / "reports" / SEED_SLUG / "index.html")
    return [int(a.get_text().strip("[]")) for a in page.select("article a.citation")]


def brief_markers() -> list[int]:
    numbers: list[int] = []
    for group in re.findall(r"\[(\d+(?:\s*[,\u2013-]\s*\d+)*)\]", BRIEF.read_text("utf-8")):
        numbers.extend(int(n) for n in re.split(r"\s*,\s*", group))
    return numbers


def test_zensical_build_numbers_citations_exactly_as_the_brief(zensical_site: Path) -> None:
    assert markers(zensical_site) == brief_markers()
    assert len(markers(zensical_site)) == 41
    assert (zensical_site / ".reportgen-build").is_file()


def test_both_engines_carry_the_same_report_text(built_site: Path, zensical_site: Path) -> None:
    def claims(site: Path) -> list[str]:
        page = soup_of(site / "reports" / SEED_SLUG / "index.html")
        return [" ".join(c.get_text().split()) for c in page.select("article .claim")]

    assert claims(zensical_site) == claims(built_site)
    assert len(claims(built_site)) == 17


def test_zensical_pages_carry_json_ld_and_escape_titles(zensical_hostile_site: Path) -> None:
    page = (zensical_hostile_site / "reports" / "hostile" / "index.html").read_text("utf-8")
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title is not None and "<script>" not in title.group(1)
    assert "&lt;" in title.group(1)
    assert page.count('<script type="application/ld+json">') == 1


def test_the_engine_option_in_mkdocs_yml_switches_engines(project: Path) -> None:
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text("utf-8").replace(
            "      bibliography: references.bib\n",
            "      bibliography: references.bib\n      engine: zensical\n",
        ),
        encoding="utf-8",
    )
    result = run_reportgen("build", cwd=project)
    assert result.returncode == 0, result.stderr
    zensical_theme = project / "site" / "assets" / "stylesheets" / "modern"
    assert zensical_theme.is_dir()  # Zensical's own theme files
    back = run_reportgen("build", "--engine", "mkdocs", cwd=project)
    assert back.returncode == 0, back.stderr
    assert not zensical_theme.exists()
    assert (project / "site" / "pagefind" / "pagefind.js").is_file()


def test_a_missing_engine_names_the_package_to_install(project: Path) -> None:
    code = (
        "import importlib.util, sys\n"
        "real = importlib.util.find_spec\n"
        "importlib.util.find_spec = (\n"
        "    lambda name, *a: None if name == 'zensical' else real(name, *a)\n"
        ")\n"
        "from reportgen.cli import main\n"
        "sys.exit(main(['build', '--engine', 'zensical']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=project, capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert result.stderr == (
        "reportgen: the zensical engine is not installed; install it with"
        " `pip install zensical==0.0.69` (or `pip install 'reportgen[zensical]'`)\n"
    )
    assert not (project / "site").exists()


def test_properdocs_runs_the_plugin(project: Path) -> None:
    properdocs = Path(sys.executable).parent / "properdocs"
    result = subprocess.run(
        [str(properdocs), "build", "--strict"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert markers(project / "site") == brief_markers()
    page = (project / "site" / "reports" / SEED_SLUG / "index.html").read_text("utf-8")
    assert page.count('<script type="application/ld+json">') == 1
    assert (project / "site" / ".reportgen-build").is_file()


def test_only_the_mkdocs_adapter_imports_mkdocs() -> None:
    from conftest import REPO

    importing = sorted(
        path.relative_to(REPO / "src").as_posix()
        for path in (REPO / "src" / "reportgen").rglob("*.py")
        if re.search(r"^\s*(from|import) mkdocs\b", path.read_text("utf-8"), re.MULTILINE)
    )
    assert importing == ["reportgen/engines/mkdocs.py"]
