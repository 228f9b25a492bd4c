"""reportgen as a newsroom gets it: wheel, fresh venv, `reportgen init`, first build.

Nothing here uses this repository's files at run time: the tool comes from a
wheel built with standard tools and installed outside the repository, and the
README's "Start your own site" commands are what the test runs.
"""

from __future__ import annotations

import re
import shlex
import tarfile
import zipfile
from pathlib import Path

import pytest

from conftest import REPO, Installed, run_reportgen

pytestmark = pytest.mark.e2e

PACKAGE_DATA = (
    "reportgen/py.typed",
    "reportgen/report.schema.json",
    "reportgen/templates/report.md.j2",
    "reportgen/templates/init/mkdocs.yml.j2",
    "reportgen/templates/init/github/workflows/pull-request.yml",
    "reportgen/theme/assets/stylesheets/reportgen.css",
    "reportgen/theme/assets/javascripts/reportgen.js",
)


def readme_section() -> tuple[list[str], str]:
    """The commands and the shown output of the README's "Start your own site" section."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Start your own site", 1)[1].split("\n## ", 1)[0]
    commands = re.search(r"```sh\n(.*?)```", section, re.S)
    shown = re.search(r"```text\n(.*?)```", section, re.S)
    assert commands and shown
    return [line for line in commands.group(1).splitlines() if line.strip()], shown.group(1)


def test_wheel_and_sdist_carry_templates_schema_assets_and_types(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    assert set(PACKAGE_DATA) <= names
    with tarfile.open(installed.sdist) as archive:
        members = {m.name.partition("/")[2] for m in archive.getmembers()}
    assert {f"src/{name}" for name in PACKAGE_DATA} <= members


def test_version_comes_from_one_place(installed: Installed, tmp_path: Path) -> None:
    from reportgen import __version__

    result = installed.run("reportgen", "--version", cwd=tmp_path)
    assert result.stdout.strip() == f"reportgen {__version__}"
    assert installed.wheel.name.startswith(f"reportgen-{__version__}-")


def test_readme_start_your_own_site_runs_as_written(installed: Installed, tmp_path: Path) -> None:
    commands, shown = readme_section()
    cwd = tmp_path
    transcript = []
    for line in commands:
        words = shlex.split(line)
        if words[:2] == ["pip", "install"]:
            assert words[2:] == ["reportgen"]
            continue  # `installed` put the wheel of this checkout into the venv
        if words[0] == "cd":
            cwd = cwd / words[1]
            continue
        result = installed.run(*words, cwd=cwd)
        assert result.returncode == 0, result.stdout + result.stderr
        transcript.append(f"$ {line}\n{result.stdout}")
    assert "".join(transcript) == shown
    strict = installed.run("mkdocs", "build", "--strict", cwd=cwd)
    assert strict.returncode == 0, strict.stderr
    site = cwd / "site"
    page = (site / "reports" / "what-is-287g" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../assets/stylesheets/reportgen.css"' in page
    assert 'src="../../assets/javascripts/reportgen.js"' in page
    assert '<script type="application/ld+json">' in page
    assert (site / "assets" / "javascripts" / "reportgen.js").is_file()


def test_init_writes_a_schema_that_editors_resolve(installed: Installed, tmp_path: Path) -> None:
    assert installed.run("reportgen", "init", "site", cwd=tmp_path).returncode == 0
    site = tmp_path / "site"
    first_line = (site / "content" / "example.yaml").read_text(encoding="utf-8").splitlines()[0]
    target = first_line.removeprefix("# yaml-language-server: $schema=")
    assert (site / "content" / target).resolve() == (site / "schema/report.schema.json")
    schema = installed.run("reportgen", "schema", cwd=tmp_path).stdout
    assert (site / "schema/report.schema.json").read_text(encoding="utf-8") == schema
    assert installed.run("reportgen", "new", "city-budget", cwd=site).returncode == 0
    new_line = (site / "content" / "city-budget.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert new_line == first_line
    requirements = (site / "requirements.txt").read_text(encoding="utf-8")
    from reportgen import __version__

    assert f"reportgen=={__version__}" in requirements
    for workflow in (site / ".github" / "workflows").glob("*.yml"):
        text = workflow.read_text(encoding="utf-8")
        assert "pip install -r requirements.txt" in text
        assert "make " not in text


def test_init_refuses_a_non_empty_folder_and_force_keeps_files(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "notes.txt").write_text("ours", encoding="utf-8")
    refused = run_reportgen("init", "site", cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stderr == (
        "reportgen: site is not empty (notes.txt); choose an empty folder, or pass --force"
        " to add the missing files (existing files are kept)\n"
    )
    assert sorted(p.name for p in site.iterdir()) == ["notes.txt"]
    (site / "references.bib").write_text("% our bib\n", encoding="utf-8")
    forced = run_reportgen("init", "site", "--force", cwd=tmp_path)
    assert forced.returncode == 0
    assert (site / "references.bib").read_text(encoding="utf-8") == "% our bib\n"
    assert (site / "notes.txt").read_text(encoding="utf-8") == "ours"
    assert (site / "mkdocs.yml").is_file()
    assert "references.bib" not in forced.stdout


@pytest.mark.parametrize(
    "command",
    [
        ["check"],
        ["check", "--format", "json"],
        ["build"],
        ["serve"],
        ["render", "--out", "out"],
        ["stats"],
        ["links"],
        ["new", "a-report"],
        ["import", "brief.txt", "--sources", "s.bib"],
    ],
    ids=lambda c: c[0] if len(c) < 3 else "-".join(c[:2]),
)
def test_commands_outside_a_project_stop_with_exit_2(tmp_path: Path, command: list[str]) -> None:
    result = run_reportgen(*command, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"reportgen: mkdocs.yml not found in {tmp_path}: this is not a reportgen site."
        " Run `reportgen init` to start one here, or pass -f path/to/mkdocs.yml\n"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["check", "build", "stats", "render", "links"])
def test_a_missing_config_file_is_a_usage_error(project: Path, command: str) -> None:
    extra = ["--out", "out"] if command == "render" else []
    result = run_reportgen(command, "-f", "missing.yml", *extra, cwd=project)
    assert result.returncode == 2
    assert result.stderr == (
        f"reportgen: missing.yml not found in {project}: this is not a reportgen site."
        " Run `reportgen init` to start one here, or pass -f path/to/mkdocs.yml\n"
    )


def test_a_config_without_the_plugin_is_a_usage_error(project: Path) -> None:
    (project / "other.yml").write_text("site_name: x\nplugins: [search]\n", encoding="utf-8")
    result = run_reportgen("check", "-f", "other.yml", cwd=project)
    assert result.returncode == 2
    assert "other.yml does not enable the reportgen plugin" in result.stderr


def test_the_untouched_new_scaffold_fails_with_placeholders(project: Path) -> None:
    assert run_reportgen("new", "draft", cwd=project).returncode == 0
    result = run_reportgen("check", cwd=project)
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if "[placeholder]" in line]
    assert lines[0] == (
        "content/draft.yaml:8:8: error[placeholder]: the title still contains the placeholder"
        " 'TODO' (replace it with the finished text before publishing)"
    )
    assert len(lines) == 7
    assert run_reportgen("build", cwd=project).returncode == 1
    assert not (project / "site").exists()
