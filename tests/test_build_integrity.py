"""Builds are atomic (a failure leaves the old site) and reproducible (byte-identical)."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import pytest

from conftest import SEED_CONTENT, run_reportgen
from reportgen import cli

pytestmark = pytest.mark.e2e


def digest(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


# Pagefind writes its filter tables (year, source) in hash-map order, so those
# files, the metadata file naming them and the entry file naming that one differ
# from run to run; the words, fragments and every page are byte-identical.
SEARCH_FILTER_FILES = re.compile(
    r"pagefind/(filter/.*|pagefind\.en_\w+\.pf_meta|pagefind-entry\.json)"
)


def _decoded(path: Path) -> object:
    """A Pagefind filter table as sets: gzip, a signature, then CBOR-like bytes we only split."""
    raw = gzip.decompress(path.read_bytes())
    return sorted(re.findall(rb"[\x60-\x7f]([\w.:-]+)", raw))


def test_two_builds_of_the_same_input_are_byte_identical(project: Path) -> None:
    assert run_reportgen("build", "--out", "one", cwd=project).returncode == 0
    assert run_reportgen("build", "--out", "two", cwd=project).returncode == 0
    one, two = digest(project / "one"), digest(project / "two")
    assert len(one) > 20
    stable = {k: v for k, v in one.items() if not SEARCH_FILTER_FILES.fullmatch(k)}
    assert stable == {k: v for k, v in two.items() if not SEARCH_FILTER_FILES.fullmatch(k)}
    assert len(stable) > len(one) - 5
    tables = [sorted((project / site / "pagefind" / "filter").iterdir()) for site in ("one", "two")]
    assert sorted(map(_decoded, tables[0])) == sorted(map(_decoded, tables[1]))


def test_leftover_staging_directories_are_never_left_behind(project: Path) -> None:
    assert run_reportgen("build", cwd=project).returncode == 0
    (project / SEED_CONTENT).write_text("slug: [broken\n", encoding="utf-8")
    assert run_reportgen("build", cwd=project).returncode == 1
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".site")) == []


@pytest.mark.parametrize("failure", [KeyboardInterrupt, RuntimeError])
def test_interrupted_or_crashing_build_leaves_the_previous_site(
    project: Path, monkeypatch: pytest.MonkeyPatch, failure: type[BaseException]
) -> None:
    monkeypatch.chdir(project)
    assert cli.main(["build"]) == 0
    before = digest(project / "site")

    import mkdocs.commands.build as mkdocs_build

    real_build = mkdocs_build.build

    def half_then_fail(config: object, **kwargs: object) -> None:
        real_build(config, **kwargs)  # the staging site is complete...
        raise failure("stopped mid-build")  # ...but the swap never happens

    monkeypatch.setattr(mkdocs_build, "build", half_then_fail)
    code = cli.main(["build"])
    assert code == (130 if failure is KeyboardInterrupt else 3)
    assert digest(project / "site") == before
    assert [p.name for p in project.iterdir() if p.name.startswith(".site")] == []


def test_template_crash_is_reported_without_traceback_and_publishes_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(project)
    assert cli.main(["build"]) == 0
    before = digest(project / "site")
    import jinja2

    def broken(self: jinja2.Template, *args: object, **kwargs: object) -> str:
        raise jinja2.TemplateError("boom in a template")

    monkeypatch.setattr(jinja2.Template, "render", broken)
    assert cli.main(["build"]) == 3
    err = capsys.readouterr().err
    assert "internal error" in err
    assert "Traceback" not in err
    assert digest(project / "site") == before


def _three_reports(root: Path) -> Path:
    """The seed three times over, under three slugs: a project worth splitting."""
    from conftest import copy_project

    copy_project(root)
    seed = (root / SEED_CONTENT).read_text(encoding="utf-8")
    for n in (2, 3):
        (root / "content" / f"copy-{n}.yaml").write_text(
            seed.replace("slug: ice-local", f"slug: copy-{n}-ice-local").replace(
                "What legal authorities", f"({n}) What legal authorities"
            ),
            encoding="utf-8",
        )
    return root


@pytest.mark.parametrize("workers", [2, 3, 4])
def test_parallel_rendering_equals_serial_rendering(tmp_path: Path, workers: int) -> None:
    from reportgen import render
    from reportgen.pipeline import analyse
    from reportgen.settings import Settings

    project = analyse(Settings(root=_three_reports(tmp_path))).project
    assert len(project.reports) == 3
    serial = render.render(project)
    parallel = render.render(project, workers=workers)
    assert parallel.pages == serial.pages
    assert parallel.head == serial.head


def test_where_fork_is_unavailable_rendering_falls_back_to_serial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import multiprocessing

    from reportgen import render
    from reportgen.pipeline import analyse
    from reportgen.settings import Settings

    project = analyse(Settings(root=_three_reports(tmp_path))).project
    serial = render.render(project)

    def no_fork(method: str | None = None) -> object:
        raise ValueError(f"cannot find context for {method!r}")

    monkeypatch.setattr(multiprocessing, "get_context", no_fork)
    assert render.render(project, workers=4).pages == serial.pages
