"""Editor tool: the `reportgen links` command (arguments, cache, archive, exit code).

The checking, caching, archive lookups and bib edits live in their own
modules; this one wires them to the command line the way CI calls them.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from reportgen.diagnostics import render
from reportgen.siteconfig import UsageError, open_site
from reportgen.tools import linkcache
from reportgen.tools.linkmodel import (
    ACCESS_KEY,
    AVAILABILITY_API,
    DEAD,
    FORMATS,
    SAVE_API,
    SECRET_KEY,
    Lookup,
    Policy,
)

if TYPE_CHECKING:
    from reportgen.model import Source
    from reportgen.tools.links import Target

EXIT_OK, EXIT_DEAD, EXIT_USAGE = 0, 1, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = Policy()
    parser.add_argument("-f", "--config-file", default="mkdocs.yml", type=Path)
    parser.add_argument("--format", choices=FORMATS, default="text", dest="output_format")
    parser.add_argument(
        "--fail-on",
        choices=("dead", "never"),
        default="dead",
        help="exit 1 when a link is dead (default), or never",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=None,
        help=f"results file to reuse and update (default: {linkcache.DEFAULT_CACHE} beside"
        " mkdocs.yml; commit it)",
    )
    parser.add_argument(
        "--max-age",
        type=float,
        default=linkcache.DEFAULT_MAX_AGE_DAYS,
        metavar="DAYS",
        help="reuse cached results younger than this (default: %(default)s days)",
    )
    parser.add_argument("--no-cache", action="store_true", help="check everything; write no cache")
    parser.add_argument(
        "--no-check",
        action="store_true",
        help="request no source address (with --archive: only ask the archive)",
    )
    parser.add_argument("--timeout", type=float, default=defaults.timeout, metavar="SECONDS")
    parser.add_argument("--retries", type=int, default=defaults.retries)
    parser.add_argument(
        "--per-host", type=int, default=defaults.per_host, help="requests at once to one host"
    )
    parser.add_argument(
        "--interval",
        type=float,
        default=defaults.interval,
        metavar="SECONDS",
        help="between request starts to one host (default: %(default)s)",
    )
    parser.add_argument("--backoff", type=float, default=defaults.backoff, metavar="SECONDS")
    parser.add_argument(
        "--archive",
        action="store_true",
        help="find archived copies (Wayback Machine) for sources without one",
    )
    parser.add_argument(
        "--write", action="store_true", help="with --archive: add them to the bibliography"
    )
    parser.add_argument(
        "--save",
        action="store_true",
        help=f"with --archive: ask Save Page Now for addresses with no snapshot (needs"
        f" {ACCESS_KEY} and {SECRET_KEY} in the environment)",
    )
    parser.add_argument("--wayback-api", default=AVAILABILITY_API, metavar="URL")
    parser.add_argument("--save-api", default=SAVE_API, metavar="URL")


def _policy(args: argparse.Namespace) -> Policy:
    numbers = {
        "--timeout": args.timeout,
        "--retries": args.retries,
        "--per-host": args.per_host,
        "--interval": args.interval,
        "--backoff": args.backoff,
        "--max-age": args.max_age,
    }
    for flag, value in numbers.items():
        if value < 0 or (flag in ("--timeout", "--per-host") and value == 0):
            raise UsageError(f"{flag} must be {'positive' if flag != '--retries' else '0 or more'}")
    return Policy(
        timeout=args.timeout,
        retries=args.retries,
        backoff=args.backoff,
        per_host=args.per_host,
        interval=args.interval,
    )


def run(args: argparse.Namespace) -> int:
    from reportgen.pipeline import analyse
    from reportgen.tools import links, wayback
    from reportgen.tools.linkcheck import Checker

    if (args.write or args.save) and not args.archive:
        raise UsageError("--write and --save go with --archive")
    keys = wayback.credentials() if args.save else None
    if args.save and keys is None:
        raise UsageError(
            f"--save needs {ACCESS_KEY} and {SECRET_KEY} in the environment"
            " (an archive.org key pair; never put them in the repository)"
        )
    policy = _policy(args)
    site = open_site(args.config_file)
    analysis = analyse(site.settings)
    if not analysis.project.bibliography.readable:
        sys.stderr.write(render(analysis.diagnostics, "text"))
        return EXIT_USAGE
    project = analysis.project
    found = links.targets(project)
    checker = Checker(policy)
    dead: set[str] = set()
    if not args.no_check:
        _check(args, site.config_file.resolve().parent, found, policy)
        sys.stdout.write(links.FORMATTERS[args.output_format](found))
        dead = {t.url for t in found if t.result and t.result.status == DEAD}
    if args.archive:
        sources = links.needs_archive(project)
        urls = list(dict.fromkeys(str(s.get("url")) for s in sources))
        lookups = wayback.lookup_all(
            urls,
            checker,
            api=args.wayback_api,
            save_api=args.save_api if args.save else None,
            keys=keys,
        )
        stream = sys.stdout if args.output_format in ("text", "markdown") else sys.stderr
        markdown = args.output_format == "markdown"
        stream.write(links.archive_report(lookups, sources, markdown=markdown))
        if args.write:
            _write_archives(site.settings.bibliography_path, sources, lookups, dead)
    dead_cited = any(t.claims for t in found if t.url in dead)
    if args.fail_on == "dead" and dead:
        if not dead_cited:
            print("reportgen: dead links found (none cited by a claim)", file=sys.stderr)
        return EXIT_DEAD
    return EXIT_OK


def _check(args: argparse.Namespace, root: Path, found: list[Target], policy: Policy) -> None:
    from reportgen.tools import links
    from reportgen.tools.linkcheck import check_urls

    path = links.cache_path(root, args.cache)
    try:
        cache = {} if args.no_cache else linkcache.load(path)
    except linkcache.CacheError as exc:
        raise UsageError(f"{exc}; delete it or pass --no-cache") from exc
    now = datetime.datetime.now(datetime.UTC)
    stale = links.apply_cache(found, cache, now, args.max_age) if not args.no_cache else found
    results, _ = check_urls([t.url for t in stale], policy)
    for target in stale:
        target.result = links.mark_unknown_runs(results[target.url], cache.get(target.url))
    if args.no_cache:
        return
    kept = {t.url: t.result for t in found if t.result is not None}
    try:
        linkcache.save(path, kept)
    except OSError as exc:
        raise UsageError(f"cannot write the link cache {path}: {exc.strerror or exc}") from exc


def _write_archives(
    bib: Path, sources: list[Source], lookups: dict[str, Lookup], dead: set[str]
) -> None:
    """Add the found copies to the bib in place: a minimal edit, written atomically."""
    from reportgen.tools import bibedit, links

    try:
        with bib.open(encoding="utf-8", newline="") as handle:
            text = handle.read()
        edited, added = links.archive_edits(sources, lookups, dead, text)
        if not added:
            print(f"reportgen: {bib.name} unchanged (no new archived copy)")
            return
        handle_fd, temporary = tempfile.mkstemp(prefix=f".{bib.name}-", dir=bib.parent)
        try:
            with os.fdopen(handle_fd, "w", encoding="utf-8", newline="") as out:
                out.write(edited)
            os.chmod(temporary, bib.stat().st_mode & 0o777)
            os.replace(temporary, bib)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot update {bib}: {exc}") from exc
    except bibedit.EditError as exc:
        raise UsageError(f"cannot edit {bib}: {exc}") from exc
    print(
        f"reportgen: added archived copies to {len(added)} entries of {bib.name}: "
        + ", ".join(added)
    )
