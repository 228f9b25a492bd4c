"""Property tests: whatever text arrives, loading and checking return models or diagnostics.

The default profile is seeded and bounded (2,000 examples per target) so the
suite stays deterministic; `HYPOTHESIS_PROFILE=long` runs 50,000 per target.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportgen.bib import load_bibliography
from reportgen.check import check
from reportgen.citations import parse
from reportgen.load import load_report
from reportgen.model import Bibliography, Diagnostic, Project
from reportgen.render import render_site
from reportgen.settings import Settings

settings.register_profile(
    "default",
    max_examples=2000,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile("long", parent=settings.get_profile("default"), max_examples=50_000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

BASE = (Path(__file__).resolve().parent / "fixtures" / "base").resolve()
MINI = (BASE / "content" / "mini.yaml").read_text(encoding="utf-8")
SCRATCH = Path(tempfile.mkdtemp(prefix="reportgen-fuzz-"))
BIBLIOGRAPHY, _ = load_bibliography(BASE / "references.bib", Settings(root=BASE))
YAML_ATOMS = [
    "slug: ",
    "title: ",
    "published: ",
    "last_checked: ",
    "summary:",
    "sections:",
    "open_questions:",
    "bottom_line:",
    "claims:",
    "text: ",
    "cite: ",
    "id: ",
    "- ",
    "  ",
    "\n",
    ": ",
    "[@alpha]",
    "[@",
    "@beta",
    ";",
    "]",
    "[",
    "{",
    "}",
    "&a ",
    "*a",
    "!!str ",
    "'",
    '"',
    "#",
    "|",
    ">-",
    "\t",
    "2026-01-02",
    "mini",
    "\ufeff",
    "<script>",
    "{{ x }}",
]
BIB_ATOMS = [
    "@online{",
    "@article{",
    "@string{",
    "@comment{",
    "@preamble{",
    "alpha",
    ",",
    "}",
    "{",
    "title = ",
    "url = ",
    "author = ",
    " and ",
    "#",
    '"',
    "{\\'e}",
    "$x^2$",
    "\n",
    "=",
    "@",
    "javascript:",
    "https://example.org",
    "%",
    "\\",
    "data:",
]


def mutate(edits: list[tuple[int, int, str]]) -> str:
    """The valid base report with pieces cut out and atoms spliced in."""
    text = MINI
    for start, length, atom in edits:
        start %= len(text) + 1
        text = text[:start] + atom + text[start + length :]
    return text


def yamlish() -> st.SearchStrategy[str]:
    edit = st.tuples(st.integers(0, 2000), st.integers(0, 8), st.sampled_from(YAML_ATOMS))
    return st.one_of(
        st.lists(st.sampled_from(YAML_ATOMS), max_size=40).map("".join),
        st.lists(edit, max_size=6).map(mutate),
        st.text(max_size=300),
    )


def bibish() -> st.SearchStrategy[str]:
    return st.one_of(
        st.lists(st.sampled_from(BIB_ATOMS), max_size=40).map("".join),
        st.text(max_size=300),
    )


def assert_diagnostics(found: list[Diagnostic]) -> None:
    for diagnostic in found:
        assert diagnostic.code
        assert diagnostic.position.line >= 1
        assert diagnostic.position.column >= 1


@given(text=yamlish())
def test_loader_and_checker_never_raise_on_content(text: str) -> None:
    root = SCRATCH / "content"
    root.mkdir(exist_ok=True)
    path = root / "report.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    report, found = load_report(path, Settings(root=root))
    assert_diagnostics(found)
    if report is not None:
        assert_diagnostics(check(Project((report,), BIBLIOGRAPHY)))
        assert render_site(Project((report,), BIBLIOGRAPHY))


@given(text=bibish())
def test_bib_loader_never_raises(text: str) -> None:
    root = SCRATCH / "bib"
    root.mkdir(exist_ok=True)
    path = root / "references.bib"
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    bibliography, found = load_bibliography(path, Settings(root=root))
    assert_diagnostics(found)
    assert_diagnostics(check(Project((), bibliography)))
    assert isinstance(bibliography, Bibliography)


@given(text=st.text(max_size=200))
def test_citation_parser_never_raises_and_keeps_prose(text: str) -> None:
    pieces, problems = parse(text)
    for problem in problems:
        assert 0 <= problem.offset <= len(text)
    prose = "".join(p for p in pieces if isinstance(p, str))
    assert len(prose) <= len(text)
