"""Nothing lost: a build never deletes the editor's files.

The machine's problems (full disk, read-only folder, bad options, signals)
are diagnostics, never tracebacks or leftovers.
"""

from __future__ import annotations

import errno
import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SEED_CONTENT, run_mkdocs, run_reportgen
from reportgen import cli

pytestmark = pytest.mark.e2e


def snapshot(root: Path) -> dict[str, str]:
    """Every file under the project (but built sites), by content."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.relative_to(root).parts[0].startswith(("site", ".site"))
    }


@pytest.fixture()
def git_project(project: Path) -> Path:
    (project / ".git").mkdir()
    (project / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    return project


@pytest.mark.parametrize(
    ("out", "what"),
    [
        (".", "is the project folder"),
        ("..", "contains the project folder"),
        ("content", "is the content folder"),
        ("references.bib", "is the bibliography"),
        ("docs", "is the docs folder"),
        (".git", "is the git repository"),
        ("content/site", "is inside the content folder"),
    ],
)
def test_build_refuses_an_output_folder_holding_the_project(
    git_project: Path, out: str, what: str
) -> None:
    before = snapshot(git_project)
    result = run_reportgen("build", "--out", out, cwd=git_project)
    assert result.returncode == 2
    assert result.stdout == ""
    line = result.stderr.splitlines()[0]
    assert line.startswith(f"{out}:1:1: error[output-refused]: output folder {out} {what} (")
    assert line.endswith("); nothing was built")
    assert snapshot(git_project) == before
    assert not any(p.name.startswith(".") and "-new-" in p.name for p in git_project.iterdir())


def test_even_force_never_replaces_the_project(git_project: Path) -> None:
    before = snapshot(git_project)
    assert run_reportgen("build", "--out", ".", "--force", cwd=git_project).returncode == 2
    assert snapshot(git_project) == before


def test_build_refuses_a_foreign_folder_unless_forced(project: Path) -> None:
    (project / "notes").mkdir()
    (project / "notes" / "mine.txt").write_text("keep me", encoding="utf-8")
    refused = run_reportgen("build", "--out", "notes", cwd=project)
    assert refused.returncode == 2
    assert refused.stderr.splitlines()[0] == (
        "notes:1:1: error[output-refused]: output folder notes is not empty and was not built"
        " by reportgen; choose another --out, empty it, or pass --force to replace it"
    )
    assert (project / "notes" / "mine.txt").read_text(encoding="utf-8") == "keep me"
    forced = run_reportgen("build", "--out", "notes", "--force", cwd=project)
    assert forced.returncode == 0, forced.stderr
    assert not (project / "notes" / "mine.txt").exists()
    assert (project / "notes" / ".reportgen-build").is_file()


def test_a_previous_build_and_an_empty_folder_are_replaced(project: Path) -> None:
    (project / "empty").mkdir()
    assert run_reportgen("build", "--out", "empty", cwd=project).returncode == 0
    assert run_reportgen("build", "--out", "empty", cwd=project).returncode == 0
    assert run_mkdocs("build", "--site-dir", "plain", cwd=project).returncode == 0
    assert run_reportgen("build", "--out", "plain", cwd=project).returncode == 0


@pytest.mark.parametrize("site_dir", [".", "content", "docs"])
def test_site_dir_in_mkdocs_yml_cannot_point_at_the_project(project: Path, site_dir: str) -> None:
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("site_dir: site", f"site_dir: {site_dir}"),
        encoding="utf-8",
    )
    before = snapshot(project)
    assert run_reportgen("build", cwd=project).returncode == 2
    assert snapshot(project) == before
    plain = run_mkdocs("build", cwd=project)
    assert plain.returncode != 0
    assert snapshot(project) == before


@pytest.mark.parametrize("which", ["bib", "content"])
def test_a_symlink_to_dev_zero_is_refused_without_reading_it(project: Path, which: str) -> None:
    target = project / ("references.bib" if which == "bib" else SEED_CONTENT)
    target.unlink()
    target.symlink_to("/dev/zero")
    result = run_reportgen("check", cwd=project)
    assert result.returncode == 1
    bib = which == "bib"
    shown, what = ("references.bib", "bibliography") if bib else (SEED_CONTENT, "content")
    assert (
        f"{shown}:1:1: error[unreadable]: cannot read {what}"
        " file: it is not a regular file (a device or pipe?)"
    ) in result.stdout


@pytest.mark.parametrize("which", ["bib", "content"])
def test_a_fifo_never_hangs_the_build(project: Path, which: str) -> None:
    target = project / ("references.bib" if which == "bib" else "content/pipe.yaml")
    if target.exists():
        target.unlink()
    os.mkfifo(target)
    result = subprocess.run(
        [sys.executable, "-m", "reportgen", "build"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "error[unreadable]" in result.stderr
    assert not (project / "site").exists()


@pytest.mark.parametrize(
    ("published", "checked"), [("1900-01-01", "1969-12-31"), ("1950-01-01", "2026-01-01")]
)
def test_dates_outside_the_unix_epoch_build(project: Path, published: str, checked: str) -> None:
    path = project / SEED_CONTENT
    text = path.read_text(encoding="utf-8")
    text = text.replace("published: 2026-11-24", f"published: {published}")
    text = text.replace("last_checked: 2026-11-24", f"last_checked: {checked}")
    path.write_text(text, encoding="utf-8")
    env_free = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    result = run_reportgen("build", cwd=project, env=env_free)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    page = project / "site" / "reports" / "ice-local-police-data-sharing" / "index.html"
    assert f'datetime="{checked}"' in page.read_text(encoding="utf-8")


def test_a_date_after_2106_is_a_clean_diagnostic_in_check_and_build(project: Path) -> None:
    path = project / SEED_CONTENT
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("last_checked: 2026-11-24", "last_checked: 2200-06-30"))
    line = f"{SEED_CONTENT}:7:15: error[date-order]: last_checked 2200-06-30 is in the future"
    for command, stream in (("check", "stdout"), ("build", "stderr")):
        result = (
            run_reportgen(command, "--format", "concise", cwd=project)
            if command == "check"
            else run_reportgen(command, cwd=project)
        )
        assert result.returncode == 1
        assert getattr(result, stream).startswith(line), getattr(result, stream)
        assert "Traceback" not in result.stderr
    assert not (project / "site").exists()


def test_strict_in_mkdocs_yml_is_honoured_by_reportgen_build(project: Path) -> None:
    bib = project / "references.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8")
        + "\n@online{spare,\n  title = {Spare},\n  url = {https://example.org/}\n}\n",
        encoding="utf-8",
    )
    result = run_reportgen("build", cwd=project)
    assert result.returncode == 1
    assert "error[unused-source]: source 'spare' is not cited by any report" in result.stderr
    assert not (project / "site").exists()
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("strict: true", "strict: false"),
        encoding="utf-8",
    )
    assert run_reportgen("build", cwd=project).returncode == 0
    assert run_reportgen("build", "--strict", cwd=project).returncode == 1


def test_sigterm_mid_build_leaves_no_staging_folder(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(project)
    assert cli.main(["build"]) == 0
    before = (project / "site" / "index.html").read_bytes()
    import mkdocs.commands.build as mkdocs_build

    real_build = mkdocs_build.build

    def build_then_get_killed(config: object, **kwargs: object) -> None:
        real_build(config, **kwargs)
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(mkdocs_build, "build", build_then_get_killed)
    assert cli.main(["build"]) == 128 + signal.SIGTERM
    assert "reportgen: stopped by SIGTERM; nothing was published" in capsys.readouterr().err
    assert [p.name for p in project.iterdir() if p.name.startswith(".site")] == []
    assert (project / "site" / "index.html").read_bytes() == before


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EROFS, "the file system is read-only"),
        (errno.EACCES, "permission denied"),
    ],
)
def test_a_full_disk_or_read_only_folder_is_a_diagnostic(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    code: int,
    words: str,
) -> None:
    monkeypatch.chdir(project)
    assert cli.main(["build"]) == 0
    before = (project / "site" / "index.html").read_bytes()
    import mkdocs.commands.build as mkdocs_build

    def fails(config: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code), str(project / "site" / "index.html"))

    monkeypatch.setattr(mkdocs_build, "build", fails)
    assert cli.main(["build"]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"site:1:1: error[output-unwritable]: cannot write the site: {words}"
        f" ({project / 'site' / 'index.html'}); site left as it was\n"
        "Found 1 error and 0 warnings.\n"
    )
    assert (project / "site" / "index.html").read_bytes() == before
    assert [p.name for p in project.iterdir() if p.name.startswith(".site")] == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_a_really_read_only_parent_folder_is_a_diagnostic(project: Path) -> None:
    (project / "ro").mkdir()
    (project / "ro").chmod(0o555)
    try:
        result = run_reportgen("build", "--out", "ro/site", cwd=project)
    finally:
        (project / "ro").chmod(0o755)
    assert result.returncode == 2
    assert "error[output-unwritable]" in result.stderr


@pytest.mark.parametrize(
    ("setting", "line"),
    [
        (
            "      max_content_bytes: lots\n",
            "mkdocs.yml:26:1: error[config]: reportgen option 'max_content_bytes' must be a whole"
            " number, not 'lots' (for example `max_content_bytes: 1000000`)",
        ),
        (
            "      max_bib_bytes: -1\n",
            "mkdocs.yml:26:1: error[config]: reportgen option 'max_bib_bytes' must not be negative",
        ),
        (
            "      contnet_dir: content\n",
            "mkdocs.yml:26:1: error[config]: unknown reportgen option 'contnet_dir' (options:"
            " content_dir, bibliography, max_content_bytes, max_bib_bytes, max_quote_words,"
            " engine, search, workers, nav_reports_limit)",
        ),
    ],
)
def test_bad_option_values_are_config_diagnostics(project: Path, setting: str, line: str) -> None:
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace(
        "      bibliography: references.bib\n", f"      bibliography: references.bib\n{setting}"
    )
    config.write_text(text, encoding="utf-8")
    for command in ("check", "build"):
        result = run_reportgen(command, cwd=project)
        assert result.returncode == 2
        assert result.stderr.splitlines()[0] == line
        assert "internal error" not in result.stderr
    assert not (project / "site").exists()


def test_a_list_as_site_dir_is_a_config_diagnostic(project: Path) -> None:
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("site_dir: site", "site_dir: [x]"),
        encoding="utf-8",
    )
    result = run_reportgen("build", cwd=project)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == (
        "mkdocs.yml:6:1: error[config]: 'site_dir' must be a folder name, not ['x']"
    )
    assert sorted(p.name for p in project.iterdir()) == sorted(
        ["content", "docs", "mkdocs.yml", "references.bib"]
    )


def test_terminal_escapes_from_content_are_shown_not_executed(project: Path) -> None:
    path = project / SEED_CONTENT
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "        [@crs-287g-if11898].\n  - title: 'Federal",
        '        [@crs-287g-if11898].\n      - "Red \\e[31mtext\\u202e and nothing else"\n'
        "  - title: 'Federal",
        1,
    )
    path.write_text(text, encoding="utf-8")
    for fmt in ("text", "github"):
        result = run_reportgen("check", "--format", fmt, cwd=project)
        assert result.returncode == 1
        assert "\x1b" not in result.stdout
        assert "\u202e" not in result.stdout
        assert "Red \\x1b[31mtext\\u202e and" in result.stdout


@pytest.mark.parametrize("char", ["\u202e", "\u200b", "\u2066"])
def test_hidden_characters_in_a_url_are_unsafe(project: Path, char: str) -> None:
    bib = project / "references.bib"
    text = bib.read_text(encoding="utf-8")
    bib.write_text(
        text.replace("https://www.everycrsreport.com/", f"https://www.every{char}crsreport.com/"),
        encoding="utf-8",
    )
    result = run_reportgen("check", cwd=project)
    assert result.returncode == 1
    assert (
        f"error[unsafe-url]: source 'crs-287g-if11898': url contains invisible or"
        f" direction-changing characters (U+{ord(char):04X})"
    ) in result.stdout


def test_dotfiles_are_never_published_and_suffixes_ignore_case(project: Path) -> None:
    seed = (project / SEED_CONTENT).read_text(encoding="utf-8")
    (project / "content" / ".draft.yaml").write_text(seed.replace("slug: ice", "slug: draft-ice"))
    (project / "content" / ".trash").mkdir()
    (project / "content" / ".trash" / "old.yaml").write_text("slug: [broken")
    (project / "content" / "UPPER.YAML").write_text(seed.replace("slug: ice", "slug: upper-ice"))
    assert run_reportgen("build", cwd=project).returncode == 0
    reports = sorted(p.name for p in (project / "site" / "reports").iterdir() if p.is_dir())
    assert reports == ["ice-local-police-data-sharing", "upper-ice-local-police-data-sharing"]


@pytest.mark.parametrize("slug", ["../../x", "a/b", "UPPER", "r\n", ""])
def test_import_refuses_a_slug_that_leaves_content(project: Path, slug: str) -> None:
    from conftest import FIXTURES

    before = snapshot(project)
    result = run_reportgen(
        "import",
        str(FIXTURES / "seed" / "brief.txt"),
        "--sources",
        "references.bib",
        "--slug",
        slug,
        cwd=project,
    )
    assert result.returncode == 2
    assert "may use only lowercase letters, digits and hyphens" in result.stderr
    assert snapshot(project) == before
    assert not (project.parent / "x.yaml").exists()


def _convert_time(project: Path, size: int) -> float:
    """CPU seconds to render the site and convert every page as MkDocs would."""
    import time

    import markdown

    from reportgen.pipeline import analyse
    from reportgen.render import render_site
    from reportgen.settings import Settings

    unit = "Police (LPD) share data, e.g. 287(g)-style: *many* [links] #1 _x_ `c` <b> & "
    path = project / SEED_CONTENT
    seed = path.read_text(encoding="utf-8")
    long_question = (unit * (size // len(unit))).replace('"', "")
    path.write_text(
        seed.replace("open_questions:\n", f'open_questions:\n  - "{long_question} [@ice-287g]?"\n'),
        encoding="utf-8",
    )
    analysis = analyse(Settings(root=project))
    assert analysis.ok
    start = time.process_time()
    for name, page in render_site(analysis.project).items():
        if name.endswith(".md"):
            markdown.markdown(page, extensions=["attr_list", "toc"])
    path.write_text(seed, encoding="utf-8")
    return time.process_time() - start


def test_a_long_open_question_builds_in_linear_time(project: Path) -> None:
    """The hub once ran Markdown's inline escapes over claim text: 4x the size cost 16x."""
    small = min(_convert_time(project, 100_000) for _ in range(2))
    large = _convert_time(project, 400_000)
    assert large / small < 8, (small, large)


def test_headings_are_bounded_so_markdown_stays_linear(project: Path) -> None:
    path = project / SEED_CONTENT
    seed = path.read_text(encoding="utf-8")
    path.write_text(
        seed.replace(
            "title: 'What legal authorities allow local police to share data with ICE for"
            " identity checks?'",
            "title: '" + "A" * 301 + "'",
        ),
        encoding="utf-8",
    )
    result = run_reportgen("check", cwd=project)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        f"{SEED_CONTENT}:5:8: error[schema]: title is 301 characters long; at most 300 are allowed"
    )
