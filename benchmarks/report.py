"""RESULTS.md and the time-against-N plot from one run's measurements."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

LABELS = {
    "check": "a) reportgen check",
    "build": "b) reportgen build",
    "floor": "c) floor: mkdocs build of the rendered Markdown",
    "peer": "d) peer: mkdocs-bibtex",
    "zbuild": "e) reportgen build --engine zensical",
    "zfloor": "f) floor: zensical build of the rendered Markdown",
    "parse": "g) floor: parse the YAML (libyaml) and the bib (bibtexparser)",
    "incr": "h) reportgen build --cache after editing one report",
    "build1": "i) reportgen build on 1 core (taskset)",
    "checkc": "j) reportgen check --cache after editing one report",
}


def _fmt(value: float, digits: int = 2) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.{digits}f}"


def _bytes(value: int | None) -> str:
    return "n/a" if value is None else f"{value / 1_000_000:.2f} MB"


def ratio(results: dict[str, Any], size: str, top: str, bottom: str) -> float:
    row = results["rows"][size]
    try:
        return float(row[top]["median_s"]) / float(row[bottom]["median_s"])
    except (KeyError, ZeroDivisionError):
        return float("nan")


def targets(results: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    rows = results["rows"]
    out: list[tuple[str, str, bool | None]] = []
    for size in ("100", "1000"):
        if size in rows:
            value = ratio(results, size, "build", "floor")
            out.append((f"b/c <= 1.05 at N={size}", _fmt(value), value <= 1.05))
            value = ratio(results, size, "zbuild", "zfloor")
            out.append((f"e/f <= 1.05 at N={size} (Zensical)", _fmt(value), value <= 1.05))
    if "100" in rows and "1000" in rows:
        value = rows["1000"]["build"]["median_s"] / rows["100"]["build"]["median_s"]
        out.append(("b(1000)/b(100) <= 12", _fmt(value, 1), value <= 12))
    if "1000" in rows:
        value = rows["1000"]["check"]["median_s"]
        out.append(("a(1000) <= 3 s", _fmt(value), value <= 3))
    for size in ("100", "1000"):
        if size in rows and "parse" in rows[size]:
            value = ratio(results, size, "check", "parse")
            out.append((f"a/g <= 1.5 at N={size} (no cache)", _fmt(value), value <= 1.5))
        if size in rows and "checkc" in rows[size]:
            value = ratio(results, size, "checkc", "parse")
            out.append((f"j/g <= 1.5 at N={size} (cache kept)", _fmt(value), value <= 1.5))
        if size in rows and "incr" in rows[size]:
            value = ratio(results, size, "incr", "build")
            out.append((f"h/b <= 0.15 at N={size}", _fmt(value), value <= 0.15))
        if size in rows and "build1" in rows[size]:
            value = ratio(results, size, "build1", "build")
            out.append((f"speed-up on 2 cores (i/b) at N={size}", _fmt(value), None))
        if size == "1000" and size in rows:
            peak = rows[size]["build"]["peak_mb"]
            out.append(("peak RSS of b at N=1000 <= 360 MB", _fmt(peak, 0), peak <= 360))
    bib = results.get("bibliography")
    if bib:
        entries = f"{bib['entries']:,}-entry bib"
        for key, label in (("check", "no cache"), ("checkc", "cache kept")):
            value = bib[key]["median_s"] / bib["parse"]["median_s"]
            out.append((f"check/floor <= 1.5, {entries} ({label})", _fmt(value), value <= 1.5))
    for size, row in rows.items():
        value = ratio(results, size, "build", "peer")
        if not math.isnan(value):
            out.append((f"b/d < 1 at N={size}", _fmt(value), value < 1))
        if "edit_to_reload_s" in row:
            reload_s = row["edit_to_reload_s"]
            out.append((f"edit-to-reload at N={size} < 3 s", _fmt(reload_s), reload_s < 3))
    return out


def startup_section(startup: dict[str, float] | None) -> list[str]:
    if not startup:
        return []
    lines = ["", "## Start-up", "", "| command | median (s) |", "| --- | ---: |"]
    lines += [f"| `{label}` | {_fmt(value, 3)} |" for label, value in startup.items()]
    return lines


def bibliography_section(bib: dict[str, Any] | None) -> list[str]:
    if not bib:
        return []
    return [
        "",
        "## A large real bibliography",
        "",
        f"`reportgen check` of one report against a bib of {bib['entries']:,} real entries (the",
        "corpus's Zotero, JabRef, Mendeley and biblatex exports, LaTeX and all, repeated with",
        "renamed keys), against the floor of parsing the same files:",
        "",
        "| floor: libyaml + bibtexparser (s) | check (s) | check --cache, warm (s) | peak MB |",
        "| ---: | ---: | ---: | ---: |",
        f"| {_fmt(bib['parse']['median_s'])} | {_fmt(bib['check']['median_s'])}"
        f" | {_fmt(bib['checkc']['median_s'])} | {_fmt(bib['check']['peak_mb'], 0)} |",
    ]


def links_section(rows: list[dict[str, Any]]) -> list[str]:
    """The `reportgen links` lines: time and the peak requests in flight per host."""
    lines = [
        "",
        "## Link check (`reportgen links`)",
        "",
        "Addresses served on loopback addresses of this machine (one server per host, 20 ms",
        "per answer); the peak of requests in flight per host is counted by the servers.",
        "Regenerate alone with `python -m benchmarks.links && python -m benchmarks --report-only`.",
        "",
        "| addresses | hosts | per-host limit | interval (s) | time (s) | peak in flight per host"
        " (server / checker) | ok |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        lines.append(
            f"| {row['urls']} | {row['hosts']} | {row['per_host']} | {row['interval']} |"
            f" {_fmt(row['seconds'])} | {row['peak_per_host_server']} /"
            f" {row['peak_per_host_checker']} | {row['ok']} |"
        )
    return lines


def _kb(value: int) -> str:
    return f"{value / 1000:,.0f} KB" if value < 1_000_000 else f"{value / 1e6:.2f} MB"


def search_section(rows: list[dict[str, Any]]) -> list[str]:
    """Bytes a reader transfers for search, before (theme search) and after (Pagefind)."""
    lines = [
        "",
        "## Search: bytes a reader transfers",
        "",
        "Counted in headless Chromium (every request of the page and its workers, bodies and",
        "headers, cache off) on a synthetic site of N reports plus the seed, served on",
        "127.0.0.1: (a) opening the seed report page without searching, (b) one query for",
        f"the seed's phrase \"{SEARCH_QUERY}\" (search files only). Before: the theme's own",
        "search (MkDocs + Material `search` plugin, Zensical's built-in search); after:",
        "reportgen's search page on its Pagefind index. Targets: (a) after = 0; (b) after",
        "<= 300 KB at N=1,000 and <= 1.5x that at N=5,000.",
        "Regenerate with `python -m benchmarks.search --sizes 100,1000,5000`.",
        "",
        "| reports | engine | (a) before | (a) after | (b) before | (b) after | seed claim found |"
        " index on disk (after) | build before / after (s) |",
        "| ---: | --- | ---: | ---: | ---: | ---: | :---: | ---: | ---: |",
    ]
    for row in rows:
        for engine in ("mkdocs", "zensical"):
            lines.append(
                f"| {row['reports']:,} | {engine} | {_kb(row[f'{engine}_before_a'])} |"
                f" {row[f'{engine}_after_a']} B | {_kb(row[f'{engine}_before_b'])} |"
                f" {_kb(row[f'{engine}_after_b'])} |"
                f" {'yes' if row[f'{engine}_seed_found'] else 'no'} |"
                f" {_kb(row[f'{engine}_index_bytes'])} |"
                f" {row[f'{engine}_before_build_s']} / {row[f'{engine}_after_build_s']} |"
            )
    return lines


SEARCH_QUERY = "Secure Communities"


def write_markdown(
    results: dict[str, Any],
    machine: str,
    path: Path,
    plot: str,
    links: list[dict[str, Any]] | None = None,
    search: list[dict[str, Any]] | None = None,
) -> None:
    lines = [
        "# Benchmark results",
        "",
        "Regenerate with `make bench` (or `python -m benchmarks`). Numbers are medians of",
        f"{results['runs']} runs per point, wall time of a whole process; memory is its peak RSS.",
        "",
        f"Machine: {machine}.",
        f"Peer: {results['peer'] or 'mkdocs-bibtex could not be installed here'}"
        " (flat navigation, as its users get it).",
        "",
        "Each synthetic report has 40 claims and 10 sources (seeded); the bibliography holds",
        "10 entries per report.",
        "",
        "| N | "
        + " | ".join(LABELS[k] + " (s)" for k in LABELS)
        + " | b/c | b/d | e/f | peak MB (b) | search index MkDocs / Zensical |",
        "| ---: | " + " | ".join("---:" for _ in LABELS) + " | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size, row in results["rows"].items():
        cells = [_fmt(row.get(k, {}).get("median_s", float("nan"))) for k in LABELS]
        index = row.get("search_index_bytes", {})
        lines.append(
            f"| {size} | "
            + " | ".join(cells)
            + f" | {_fmt(ratio(results, size, 'build', 'floor'))}"
            + f" | {_fmt(ratio(results, size, 'build', 'peer'))}"
            + f" | {_fmt(ratio(results, size, 'zbuild', 'zfloor'))}"
            + f" | {_fmt(row['build']['peak_mb'], 0)}"
            + f" | {_bytes(index.get('mkdocs'))} / {_bytes(index.get('zensical'))} |"
        )
    lines += ["", "## Targets", "", "| target | measured | met |", "| --- | ---: | :---: |"]
    for name, value, met in targets(results):
        verdict = "—" if met is None else ("yes" if met else "no")
        lines.append(f"| {name} | {value} | {verdict} |")
    lines += ["", f"![time against N]({plot})"]
    lines += startup_section(results.get("startup"))
    lines += bibliography_section(results.get("bibliography"))
    if search:
        lines += search_section(search)
    if links:
        lines += links_section(links)
    lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def write_plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [int(s) for s in results["rows"]]
    figure, axes = plt.subplots(figsize=(7, 4.5))
    for key, label in LABELS.items():
        values = [results["rows"][str(s)].get(key, {}).get("median_s", float("nan")) for s in sizes]
        if all(math.isnan(v) for v in values):
            continue
        axes.plot(sizes, values, marker="o", label=label)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("reports (N)")
    axes.set_ylabel("median wall time (s)")
    axes.set_title("reportgen against the engine floor and mkdocs-bibtex")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(figure)
