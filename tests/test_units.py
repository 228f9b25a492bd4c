"""Small pieces with sharp edges: LaTeX decoding, names, dates, numbering, escaping."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import REPO
from reportgen.bib import decode, load_bibliography
from reportgen.names import parse_names
from reportgen.pipeline import analyse
from reportgen.render import human_date, md_inline, number_sources
from reportgen.schema import load_schema
from reportgen.settings import Settings


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"{\'e}t{\'e}", "été"),
        (r"Na{\"\i}ve caf\'e", "Naïve café"),
        (r"G{\"o}del \& Escher", "Gödel & Escher"),
        ("`Immigration Protest'", "\u2018Immigration Protest\u2019"),
        ("{ICE} and {DMV}", "ICE and DMV"),
        ("50--60 pages", "50\u201360 pages"),
        (r"$\alpha^2 + \beta$ in {Z}{\"u}rich", "\u03b1^2 + \u03b2 in Zürich"),
    ],
)
def test_latex_is_decoded_to_unicode(latex: str, text: str) -> None:
    assert decode(latex) == text


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Kocher, Austin", "Austin Kocher"),
        (
            "{California Department of Justice, Office of the Attorney General}",
            "California Department of Justice, Office of the Attorney General",
        ),
        ("Jane Doe", "Jane Doe"),
        ('M{\\"u}ller, J{\\"o}rg', "Jörg Müller"),
    ],
)
def test_names_read_first_name_first_and_organizations_stay_whole(name: str, shown: str) -> None:
    names, _ = parse_names(name, decode)
    assert [n.display for n in names] == [shown]


def test_bib_decoding_applies_to_loaded_entries(tmp_path: Path) -> None:
    bib = tmp_path / "references.bib"
    bib.write_text(
        "@book{k, author = {Dupont, {\\'E}mile}, title = {{\\'E}t{\\'e}}, isbn = {1}}\n",
        encoding="utf-8",
    )
    bibliography, problems = load_bibliography(bib, Settings(root=tmp_path))
    assert problems == []
    source = bibliography.sources["k"]
    assert source.authors == ("Émile Dupont",)
    assert source.fields["title"] == "Été"


@pytest.mark.parametrize(
    ("iso", "human"),
    [("2025-06-13", "13 June 2025"), ("2025-06", "June 2025"), ("2025", "2025"), ("n.d.", "n.d.")],
)
def test_dates_keep_their_precision(iso: str, human: str) -> None:
    assert human_date(iso) == human


def test_markdown_escaping_neutralises_syntax() -> None:
    assert str(md_inline("1. <b>*x*</b> [a](b) #")) == (
        r"1\. &lt;b&gt;\*x\*&lt;/b&gt; \[a\]\(b\) \#"
    )


def test_sources_are_numbered_in_order_of_first_citation_in_reading_order() -> None:
    analysis = analyse(Settings(root=REPO))
    report = analysis.project.reports[0]
    numbers = number_sources(report)
    assert list(numbers.values()) == list(range(1, 11))
    assert numbers["ice-287g"] == 1
    assert numbers["caag-alpr-press-2023"] == 10


def test_published_schema_is_valid_and_accepts_the_shipped_content() -> None:
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted((REPO / "content").glob("*.yaml")):
        data = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
        assert list(validator.iter_errors(data)) == []
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../src/reportgen/report.schema.json"


def test_workers_use_the_cores_the_process_may_use_and_the_option_caps_them() -> None:
    import os

    from reportgen.engines import PARALLEL_FROM, workers_for

    allowed = len(os.sched_getaffinity(0))
    assert workers_for(PARALLEL_FROM - 1) == 1
    assert workers_for(PARALLEL_FROM) == allowed
    assert workers_for(PARALLEL_FROM, 1) == 1
    assert workers_for(PARALLEL_FROM, 64) == allowed
