"""`python -m benchmarks [--sizes 10,100,1000] [--runs 3]`: measure and write the results."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from benchmarks import links, search
from benchmarks.harness import machine, run
from benchmarks.report import write_markdown, write_plot

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--sizes", default="10,100,1000", help="comma-separated report counts")
    parser.add_argument("--runs", type=int, default=3, help="runs per point (median)")
    parser.add_argument("--workdir", type=Path, default=HERE / ".work")
    parser.add_argument("--out", type=Path, default=HERE, help="where RESULTS.md goes")
    parser.add_argument("--no-peer", action="store_true", help="skip mkdocs-bibtex")
    parser.add_argument(
        "--reload-at",
        type=int,
        default=100,
        help="measure serve edit-to-reload at this N (0 to skip)",
    )
    parser.add_argument(
        "--search-sizes",
        default="",
        help="also measure search bytes in Chromium at these report counts (make bench: 100,1000)",
    )
    parser.add_argument(
        "--links", action="store_true", help="also run the link-check benchmark (make bench does)"
    )
    parser.add_argument(
        "--bib-entries",
        type=int,
        default=0,
        help="also check one report against a bib of this many real entries (make bench: 10000)",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="rewrite RESULTS.md from results.json and links.json without measuring",
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    args.out.mkdir(parents=True, exist_ok=True)
    search_file, links_file = args.out / "search.json", args.out / "links.json"
    if args.report_only:
        results = json.loads((args.out / "results.json").read_text())
    else:
        results = run(
            sizes,
            args.runs,
            args.workdir,
            peer=not args.no_peer,
            reload_at=args.reload_at or None,
            bib_entries=args.bib_entries,
        )
        if args.links:
            links_file.write_text(json.dumps(links.run(), indent=2) + "\n")
        if args.search_sizes:
            rows = [search.one(int(n), args.workdir) for n in args.search_sizes.split(",") if n]
            search_file.write_text(json.dumps(rows, indent=2) + "\n")
        (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
        write_plot(results, args.out / "timings.png")
    # The link and search measurements are kept from their last run when not repeated.
    link_rows = json.loads(links_file.read_text()) if links_file.is_file() else None
    search_rows = json.loads(search_file.read_text()) if search_file.is_file() else None
    write_markdown(
        results, machine(), args.out / "RESULTS.md", "timings.png", link_rows, search_rows
    )
    print((args.out / "RESULTS.md").read_text())
    return 0


raise SystemExit(main())
