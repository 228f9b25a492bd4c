"""Seeded synthetic sites: N reports of 40 claims and 10 sources each.

The same reports are written twice: as reportgen content, and as plain
Markdown with Pandoc `[@key]` citations for the peer (mkdocs-bibtex).
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

WORDS = (
    "agency",
    "data",
    "records",
    "police",
    "sharing",
    "access",
    "query",
    "license",
    "camera",
    "federal",
    "state",
    "local",
    "program",
    "contract",
    "vendor",
    "network",
    "system",
    "report",
    "policy",
    "law",
    "court",
    "privacy",
    "request",
    "database",
    "biometric",
    "fingerprint",
    "detainer",
    "oversight",
    "audit",
    "warrant",
    "subpoena",
    "statute",
)
REPO = Path(__file__).resolve().parents[1]
LAYOUT = (("summary", 2), ("s1", 8), ("s2", 8), ("s3", 8), ("s4", 8), ("oq", 3), ("bl", 3))


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 22))]
    return " ".join(words).capitalize()


def report_claims(rng: random.Random, index: int) -> dict[str, list[tuple[str, list[str]]]]:
    keys = [f"r{index:04d}-s{j}" for j in range(10)]
    claims: dict[str, list[tuple[str, list[str]]]] = {}
    n = 0
    for part, count in LAYOUT:
        claims[part] = []
        for _ in range(count):
            cited = [keys[n % 10]] + ([keys[(n + 3) % 10]] if rng.random() < 0.4 else [])
            claims[part].append((sentence(rng), cited))
            n += 1
    return claims


def bib_entries(index: int, rng: random.Random) -> str:
    out = []
    for j in range(10):
        out.append(
            f"@online{{r{index:04d}-s{j},\n"
            f"  author = {{{rng.choice(WORDS).title()}, {rng.choice(WORDS).title()}}},\n"
            f"  title = {{{sentence(rng)}}},\n"
            f"  date = {{20{10 + index % 15}-0{1 + j % 9}-1{j}}},\n"
            f"  url = {{https://example.org/{index}/{j}}},\n"
            f"  urldate = {{2026-01-0{1 + j % 9}}},\n}}\n"
        )
    return "\n".join(out)


def _cite(keys: list[str]) -> str:
    return "[" + "; ".join("@" + k for k in keys) + "]"


def reportgen_content(index: int, claims: dict[str, list[tuple[str, list[str]]]]) -> str:
    def block(part: str, indent: int) -> list[str]:
        pad = " " * indent
        return [f'{pad}- "{text} {_cite(keys)}."' for text, keys in claims[part]]

    year = 2016 + index % 10
    lines = [
        f"slug: report-{index:04d}",
        f'title: "Synthetic report {index}: what do the records show?"',
        f"published: {year}-0{1 + index % 9}-1{index % 10}",
        f"last_checked: {year}-1{index % 3}-2{index % 9}",
        "summary:",
        *block("summary", 2),
        "sections:",
    ]
    for number in range(1, 5):
        lines += [f'  - title: "Section {number}"', "    claims:", *block(f"s{number}", 6)]
    lines += ["open_questions:", *block("oq", 2), "bottom_line:", *block("bl", 2)]
    return "\n".join(lines) + "\n"


def peer_markdown(index: int, claims: dict[str, list[tuple[str, list[str]]]]) -> str:
    def para(part: str) -> str:
        return " ".join(f"{text} {_cite(keys)}." for text, keys in claims[part])

    lines = [
        f"# Synthetic report {index}: what do the records show?",
        "",
        "## Executive summary",
        "",
        para("summary"),
        "",
    ]
    for number in range(1, 5):
        lines += [f"## {number}. Section {number}", "", para(f"s{number}"), ""]
    lines += ["## Open questions", ""]
    lines += [f"- {text} {_cite(keys)}." for text, keys in claims["oq"]]
    lines += ["", "## Bottom line", "", para("bl"), "", "## References", "", "\\bibliography", ""]
    return "\n".join(lines)


def generate(root: Path, reports: int, seed: int = 2026) -> None:
    """Write a reportgen project and a peer project for the same reports under `root`."""
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    site = root / "reportgen"
    peer = root / "peer"
    (site / "content").mkdir(parents=True)
    (peer / "docs" / "reports").mkdir(parents=True)
    shutil.copytree(REPO / "docs", site / "docs")
    shutil.copy(REPO / "mkdocs.yml", site / "mkdocs.yml")
    bib = []
    for index in range(reports):
        claims = report_claims(rng, index)
        bib.append(bib_entries(index, rng))
        (site / "content" / f"report-{index:04d}.yaml").write_text(
            reportgen_content(index, claims), encoding="utf-8"
        )
        (peer / "docs" / "reports" / f"report-{index:04d}.md").write_text(
            peer_markdown(index, claims), encoding="utf-8"
        )
    (site / "references.bib").write_text("\n".join(bib), encoding="utf-8")
    (peer / "refs.bib").write_text("\n".join(bib), encoding="utf-8")
    (peer / "docs" / "index.md").write_text("# Reports\n", encoding="utf-8")
