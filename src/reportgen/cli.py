"""`reportgen` command line: parses arguments and delegates; no pipeline logic here."""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import signal
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportgen import __version__, site_output
from reportgen.diagnostics import FORMATS, error, render, visible
from reportgen.engines import EngineMissingError
from reportgen.model import SLUG, Position
from reportgen.settings import Settings
from reportgen.siteconfig import ConfigError, SiteConfig, UsageError, open_site

if TYPE_CHECKING:
    from reportgen.pipeline import Analysis

# Each command imports what it needs when it runs (the pipeline, the renderer, an
# engine, an HTTP client): `reportgen --version` and `check` start in a fraction of
# the time importing everything would take.

EXIT_OK, EXIT_ERRORS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


GC_THRESHOLDS = (200_000, 30, 30)
"""Python's default (700, 10, 10) runs the cycle collector every few hundred objects:
loading 1,000 reports makes millions and spent a third of `check` collecting
nothing (3.9 s -> 2.8 s at N=1,000). A short-lived command keeps what it loads
to the end anyway; mypy tunes its collector the same way."""


def _settle_collector() -> None:
    """After loading: freeze what was loaded, and collect more often from then on.

    The loaded models live to the end of the command, so the collector need
    never walk them again (`gc.freeze`); the engine's build that follows makes
    short-lived garbage, which piles up under the loading thresholds (peak at
    N=1,000: 551 MB; with these 509 MB; with Python's defaults 490 MB, 3 s slower).
    """
    gc.freeze()
    gc.set_threshold(*BUILD_GC_THRESHOLDS)


BUILD_GC_THRESHOLDS = (20_000, 10, 10)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    previous = _catch_termination()
    thresholds = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        result: int = args.handler(args)
        return result
    except KeyboardInterrupt:
        print("reportgen: interrupted; nothing was published", file=sys.stderr)
        return 130
    except Terminated as exc:
        print(f"reportgen: stopped by {exc}; nothing was published", file=sys.stderr)
        return 128 + exc.signal
    except UsageError as exc:
        print(f"reportgen: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except EngineMissingError as exc:
        print(f"reportgen: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ConfigError as exc:
        sys.stderr.write(render(exc.diagnostics, "text"))
        return EXIT_USAGE
    except OutputError as exc:
        sys.stderr.write(render([exc.diagnostic], "text"))
        return EXIT_USAGE
    except OSError as exc:
        problem = site_output.environment_problem(exc)
        if problem is None or os.environ.get("REPORTGEN_DEBUG"):
            raise
        print(f"reportgen: error[environment]: {problem}; nothing was published", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:
        if os.environ.get("REPORTGEN_DEBUG"):
            raise
        print(
            f"reportgen: internal error ({type(exc).__name__}: {exc}); nothing was published."
            " This is a bug in reportgen: rerun with REPORTGEN_DEBUG=1 and report the traceback.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _catch_termination() -> dict[int, Any]:
    """Turn SIGTERM/SIGHUP into an exception (only possible in the main thread)."""
    previous: dict[int, Any] = {}
    for sig in (signal.SIGTERM, signal.SIGHUP):
        try:
            previous[sig] = signal.signal(sig, _terminate)
        except ValueError:
            break
    return previous


class Terminated(BaseException):
    """SIGTERM or SIGHUP: unwinds like Ctrl-C, so staging folders are removed on the way out."""

    def __init__(self, signal_number: int) -> None:
        super().__init__(signal.Signals(signal_number).name)
        self.signal = signal_number


def _terminate(signal_number: int, frame: object) -> None:
    raise Terminated(signal_number)


class OutputError(Exception):
    """The output folder cannot be used or written: the user's environment, not a bug."""

    def __init__(self, code: str, message: str, out: Path) -> None:
        super().__init__(message)
        self.diagnostic = error(code, message, Position(_shown(out)))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reportgen",
        description="Check and build citation-backed research brief sites.",
    )
    parser.add_argument("--version", action="version", version=f"reportgen {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    init = sub.add_parser("init", help="start a new site: settings, example report, CI, schema")
    init.add_argument("directory", nargs="?", type=Path, default=Path("."), metavar="DIR")
    init.add_argument("--name", help="site name (default: from the folder name)")
    init.add_argument(
        "--url", help="where the site will be published (site_url: feeds and citations need it)"
    )
    init.add_argument(
        "--force", action="store_true", help="add missing files to a non-empty folder (keeps files)"
    )
    init.set_defaults(handler=_init)

    schema = sub.add_parser("schema", help="print the content format's JSON Schema")
    schema.add_argument("-o", "--out", type=Path, help="write it to this file instead")
    schema.set_defaults(handler=_schema)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "-f",
            "--config-file",
            default="mkdocs.yml",
            type=Path,
            help="mkdocs.yml whose reportgen plugin options say where content is",
        )
        p.add_argument(
            "--strict", action="store_true", help="treat warnings (such as unused-source) as errors"
        )

    check = sub.add_parser("check", help="check content and bibliography; print diagnostics")
    common(check)
    check.add_argument("--format", choices=FORMATS, default="text", dest="output_format")
    check.add_argument(
        "--cache",
        type=Path,
        default=None,
        metavar="DIR",
        help="remember each file's findings here (CI caches): unchanged files are not parsed"
        " again; the diagnostics are the same as without it (share it with `build --cache`)",
    )
    check.set_defaults(handler=_check)

    build = sub.add_parser("build", help="check, render and build the site with MkDocs")
    common(build)
    build.add_argument(
        "-o",
        "--out",
        type=Path,
        default=None,
        help="output directory (default: site_dir of mkdocs.yml, 'site')",
    )
    build.add_argument(
        "--engine",
        choices=("mkdocs", "zensical"),
        default=None,
        help="static-site engine (default: the `engine` option in mkdocs.yml, else mkdocs)",
    )
    build.add_argument(
        "--force",
        action="store_true",
        help="replace an output folder that reportgen did not build (never the project itself)",
    )
    build.add_argument(
        "--cache",
        type=Path,
        default=None,
        metavar="DIR",
        help="keep what the build needs between runs here (CI caches): unchanged files are not"
        " parsed again, only the pages an edit touched are rebuilt (MkDocs engine), and the"
        " site equals a full build",
    )
    build.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar (default: on a terminal, for more than 10 reports)",
    )
    build.set_defaults(handler=_build)

    serve = sub.add_parser("serve", help="live preview; edits to content or the bib reload")
    common(serve)
    serve.add_argument("-a", "--dev-addr", default=None, help="IP:PORT (default 127.0.0.1:8000)")
    serve.add_argument(
        "--full",
        action="store_true",
        help="rebuild every page on each edit (slower; keeps the search index complete)",
    )
    serve.set_defaults(handler=_serve)

    brief = sub.add_parser("import", help="turn a plain-text brief into a content file")
    brief.add_argument("brief", type=Path, help="the brief: title, summary, numbered sections")
    brief.add_argument(
        "--sources",
        type=Path,
        help=".bib with the brief's sources; [1] is its first entry (default: the brief's own"
        " numbered source list)",
    )
    brief.add_argument(
        "--date",
        help="published and last_checked, YYYY-MM-DD (default: a 'Published:' line, else today)",
    )
    brief.add_argument("--slug", help="page slug (default: from the title)")
    brief.add_argument("--map", dest="mapping", help="explicit numbers: 1=key,2=key,...")
    brief.add_argument("--out", type=Path, help="content file (default: content/SLUG.yaml)")
    brief.add_argument(
        "--merge-sources",
        action="store_true",
        help="append sources missing from references.bib to it",
    )
    brief.add_argument("--force", action="store_true", help="overwrite an existing file")
    brief.add_argument("-f", "--config-file", default="mkdocs.yml", type=Path)
    brief.set_defaults(handler=_import)

    new = sub.add_parser("new", help="scaffold a report with every required part")
    new.add_argument("slug", help="lowercase letters, digits and hyphens")
    new.add_argument("-f", "--config-file", default="mkdocs.yml", type=Path)
    new.set_defaults(handler=_new)

    stats = sub.add_parser("stats", help="citation statistics per report and per source")
    common(stats)
    stats.add_argument(
        "--format", choices=("text", "json", "markdown"), default="text", dest="output_format"
    )
    stats.set_defaults(handler=_stats)

    links = sub.add_parser("links", help="check every source address; find and add archived copies")
    from reportgen.tools import links_run

    links_run.add_arguments(links)
    links.set_defaults(handler=links_run.run)

    out = sub.add_parser("render", help="write the rendered Markdown pages (for other engines)")
    common(out)
    out.add_argument("-o", "--out", type=Path, required=True)
    out.set_defaults(handler=_render)
    return parser


def load_settings(config_file: Path) -> Settings:
    """The reportgen plugin options of mkdocs.yml, as the plugin itself would read them."""
    return open_site(config_file).settings


def _analyse(
    args: argparse.Namespace, site: SiteConfig | None = None, cache: Path | None = None
) -> Analysis:
    """Check with the strictness of the flag or of mkdocs.yml: the flag only adds to it.

    With a `cache` folder, parses are remembered there between runs.
    """
    from reportgen.pipeline import analyse, site_diagnostics

    site = site or open_site(args.config_file)
    shown = site.settings.display(site.config_file.resolve())
    analysis = analyse(
        site.settings,
        strict=args.strict or site.strict,
        site=site_diagnostics(site.site.url, shown),
        cache=cache,
    )
    if cache is not None:
        _save_cache(analysis.save_cache, cache)
    return analysis


def _save_cache(save: Callable[[], None], cache: Path | None) -> None:
    """A cache that cannot be written costs the next run time, never this run its result."""
    try:
        save()
    except OSError as exc:
        problem = site_output.environment_problem(exc) or str(exc)
        print(f"reportgen: warning: cache {cache} not updated: {problem}", file=sys.stderr)


def _check(args: argparse.Namespace) -> int:
    if args.cache is None:
        diagnostics = _analyse(args).diagnostics
    else:
        from reportgen.pipeline import diagnose, site_diagnostics

        site = open_site(args.config_file)
        cache = _cache_folder(args, site)
        assert cache is not None
        shown = site.settings.display(site.config_file.resolve())
        diagnostics, save = diagnose(
            site.settings,
            cache,
            strict=args.strict or site.strict,
            site=site_diagnostics(site.site.url, shown),
        )
        _save_cache(save, cache)
    sys.stdout.write(render(diagnostics, args.output_format))
    return EXIT_ERRORS if any(d.is_error for d in diagnostics) else EXIT_OK


def _report_problems(analysis: Analysis) -> bool:
    if analysis.diagnostics:
        sys.stderr.write(render(analysis.diagnostics, "text"))
    return analysis.ok


def _protected(site: SiteConfig) -> dict[str, Path]:
    """What no folder reportgen replaces or empties may be, or contain."""
    settings = site.settings
    return site_output.protected_paths(
        settings.root,
        settings.content_path,
        settings.bibliography_path,
        site.docs_dir,
        site.config_file,
    )


def _output_folder(args: argparse.Namespace, site: SiteConfig) -> Path:
    """The output folder, refused before anything is read or deleted if replacing it is unsafe."""
    out = Path(args.out) if args.out is not None else site.site_dir
    try:
        site_output.check_output(out, _protected(site), force=args.force)
    except site_output.OutputRefusedError as exc:
        raise OutputError("output-refused", str(exc), out) from exc
    return out.resolve()


CACHE_MARKER = ".reportgen-cache"


def _cache_folder(
    args: argparse.Namespace, site: SiteConfig, out: Path | None = None
) -> Path | None:
    """The `--cache` folder, refused like an output folder: reportgen empties parts of it."""
    if args.cache is None:
        return None
    protected = _protected(site)
    cache: Path = args.cache.resolve()
    try:
        if out is not None and (cache == out or out in cache.parents or cache in out.parents):
            raise site_output.OutputRefusedError(
                f"cache folder {args.cache} overlaps the output folder {_shown(out)}"
            )
        site_output.check_output(cache, protected, marker=CACHE_MARKER)
    except site_output.OutputRefusedError as exc:
        message = str(exc).replace("output folder", "cache folder").replace("--out", "--cache")
        raise OutputError("output-refused", message, args.cache) from exc
    cache.mkdir(parents=True, exist_ok=True)
    (cache / CACHE_MARKER).write_text(
        "reportgen's cache (reportgen check or build --cache); safe to delete.\n", encoding="utf-8"
    )
    return cache


def _build(args: argparse.Namespace) -> int:
    site = open_site(args.config_file)
    out = _output_folder(args, site)
    cache = _cache_folder(args, site, out)
    analysis = _analyse(args, site, cache)
    _settle_collector()
    if not _report_problems(analysis):
        print("reportgen: build stopped; nothing was written", file=sys.stderr)
        return EXIT_ERRORS
    from reportgen import engines

    engine = engines.load(args.engine or site.engine)
    strict = args.strict or site.strict
    staging = None
    note: str | None = None
    try:
        staging = site_output.staging_dir(out)
        note = engine.build(
            site.config_file,
            analysis,
            staging,
            strict=strict,
            progress=args.progress,
            cache=cache,
        )
        site_output.mark(staging)
        site_output.replace_dir(staging, out)
    except engines.EngineFailedError as exc:
        print(f"reportgen: build failed; {out} left as it was: {exc}", file=sys.stderr)
        return EXIT_ERRORS
    except OSError as exc:
        problem = site_output.environment_problem(exc)
        if problem is None:
            raise
        raise OutputError(
            "output-unwritable",
            f"cannot write the site: {problem}; {_shown(out)} left as it was",
            out,
        ) from exc
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    built = f"reportgen: built {len(analysis.project.reports)} report(s) into {_shown(out)}"
    print(built + (f" ({note})" if note else ""))
    return EXIT_OK


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _inputs_stamp(settings: Settings) -> tuple[tuple[str, int], ...]:
    paths = [settings.bibliography_path, *sorted(settings.content_path.rglob("*"))]
    return tuple((str(p), p.stat().st_mtime_ns) for p in paths if p.is_file())


def _wait_until_clean(args: argparse.Namespace) -> None:
    """MkDocs cannot start a preview without a first good build: wait for the fix."""
    from reportgen.pipeline import analyse

    settings = load_settings(args.config_file)
    while not _report_problems(analyse(settings, strict=args.strict)):
        print(
            "reportgen: waiting for the errors above to be fixed (Ctrl-C to stop)", file=sys.stderr
        )
        stamp = _inputs_stamp(settings)
        while _inputs_stamp(settings) == stamp:
            time.sleep(0.5)


def _serve(args: argparse.Namespace) -> int:
    _wait_until_clean(args)
    from reportgen import engines

    try:
        engines.serve(args.config_file, strict=args.strict, full=args.full, dev_addr=args.dev_addr)
    except engines.EngineFailedError as exc:
        print(f"reportgen: {exc}", file=sys.stderr)
        return EXIT_ERRORS
    return EXIT_OK


def _render(args: argparse.Namespace) -> int:
    site = open_site(args.config_file)
    analysis = _analyse(args, site)
    if not _report_problems(analysis):
        return EXIT_ERRORS
    from reportgen.render import render as render_pages
    from reportgen.render import write_pages

    # For engines that run no plugin: JSON-LD goes into the pages themselves.
    rendered = render_pages(
        analysis.project,
        jsonld_in_page=True,
        directory_urls=site.site.directory_urls,
        site=site.site,
    )
    written = write_pages(rendered.pages, args.out)
    print(f"reportgen: wrote {len(written)} page(s) to {args.out}")
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    from reportgen.tools.import_run import run_import
    from reportgen.tools.importer import parse_map

    settings = load_settings(args.config_file)
    if args.slug is not None:
        _require_slug(args.slug)
    try:
        mapping = parse_map(args.mapping) if args.mapping else None
        imported = run_import(
            args.brief,
            settings,
            sources_path=args.sources,
            mapping=mapping,
            slug=args.slug,
            date=args.date,
            out=args.out,
            merge=args.merge_sources,
            force=args.force,
        )
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UsageError(str(exc)) from exc
    if imported.added:
        print(f"reportgen: added {imported.added} source(s) to {settings.bibliography}")
    sys.stdout.write(render(sorted(imported.diagnostics, key=lambda d: d.sort_key()), "text"))
    shown = settings.display(imported.target.resolve())
    print(f"reportgen: wrote {imported.result.claims} claims to {shown}")
    return EXIT_ERRORS if any(d.is_error for d in imported.diagnostics) else EXIT_OK


def _require_slug(slug: str) -> None:
    """A slug names a file in content/ and a page URL: nothing that could leave the folder."""
    if not SLUG.fullmatch(slug):
        raise UsageError(
            f"slug {visible(repr(slug))} may use only lowercase letters, digits and hyphens"
            " (it names content/SLUG.yaml and the page address)"
        )


def _new(args: argparse.Namespace) -> int:
    import datetime

    from reportgen.render import environment
    from reportgen.tools.init import schema_modeline

    _require_slug(args.slug)
    settings = load_settings(args.config_file)
    target = settings.content_path / f"{args.slug}.yaml"
    if target.exists():
        raise UsageError(f"{settings.display(target)} exists already")
    modeline = schema_modeline(target, settings.root)
    text = (
        environment()
        .get_template("new-report.yaml.j2")
        .render(slug=args.slug, today=datetime.date.today().isoformat())
    )
    if modeline:
        text = f"{modeline}\n{text}"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(
        f"reportgen: created {settings.display(target)}; fill in the TODOs, then run"
        " `reportgen check`"
    )
    return EXIT_OK


def _stats(args: argparse.Namespace) -> int:
    from reportgen.tools import stats

    analysis = _analyse(args)
    reports, sources = stats.compute(analysis.project)
    renderers = {"json": stats.render_json, "markdown": stats.render_markdown}
    sys.stdout.write(renderers.get(args.output_format, stats.render_text)(reports, sources))
    return EXIT_OK


def _init(args: argparse.Namespace) -> int:
    from reportgen.tools.init import InitError, init_site

    try:
        created = init_site(
            args.directory, site_name=args.name, force=args.force, site_url=args.url
        )
    except InitError as exc:
        raise UsageError(str(exc)) from exc
    except OSError as exc:
        raise UsageError(f"cannot write to {args.directory}: {exc.strerror}") from exc
    where = _shown(created.root.resolve())
    print(f"reportgen: created a site in {where} ({len(created.files)} files)")
    for name in created.files:
        print(f"  {name}")
    print("Next:")
    if created.root.resolve() != Path.cwd().resolve():
        print(f"  cd {where}")
    print("  reportgen check     # every claim cited, every source known")
    print("  reportgen serve     # preview at http://127.0.0.1:8000/")
    print("  reportgen build     # the site, into site/")
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    from reportgen.tools.init import schema_text

    text = schema_text()
    if args.out is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {args.out}: {exc.strerror}") from exc
    print(f"reportgen: wrote the content schema to {args.out}")
    return EXIT_OK
