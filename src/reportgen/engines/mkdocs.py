"""The MkDocs engine: the plugin that hands MkDocs the rendered pages, and build/serve.

All citation logic lives in plain Python (`render.render`); this file only
adapts it to MkDocs' events and commands. It is the one module of reportgen
that imports MkDocs, so the rest runs (and Zensical builds) without it.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from reportgen import site_output
from reportgen.diagnostics import format_text
from reportgen.engines import EngineFailedError, incremental, workers_for
from reportgen.engines.search import INDEX_FOLDER, Indexing, start_index
from reportgen.model import Diagnostic
from reportgen.pipeline import Analysis, analyse, settings_from_options, site_diagnostics
from reportgen.render import HeadData, RenderCache, feed_links, preview_overlay, render
from reportgen.settings import DEFAULT_MAX_BIB_BYTES, DEFAULT_MAX_CONTENT_BYTES, Settings
from reportgen.urls import SiteInfo

log = logging.getLogger("mkdocs.plugins.reportgen")
THEME = Path(__file__).resolve().parent.parent / "theme"
"""The plugin's own theme additions, shipped in the package so a site copies nothing."""
STYLESHEET = "assets/stylesheets/reportgen.css"
SCRIPT = "assets/javascripts/reportgen.js"
SEARCH_SCRIPT = "assets/javascripts/reportgen-search.js"
"""Linked from every page; it acts only where the search form is."""
PROGRESS_THRESHOLD = 10
"""A progress bar appears (on a terminal) for sites with more reports than this."""


class _Preview:
    """State that outlives one `mkdocs serve` rebuild (MkDocs makes new plugins each time).

    Generated pages are written to a scratch directory, and rewritten only when
    their text changed, so a dirty rebuild (`reportgen serve`) converts just the
    pages an edit touched; unchanged reports are not even re-rendered.
    """

    def __init__(self) -> None:
        self.serving = False
        self.render_cache: RenderCache = {}
        self.directory: Path | None = None
        self.last_good: tuple[dict[str, str], dict[str, HeadData], Any] | None = None
        """Pages, head data and nav of the last build whose content passed the check."""
        self.problems: tuple[Diagnostic, ...] = ()
        """The current check errors (and warnings), shown over every page until fixed."""
        self.stale = False
        """The problems changed: every page must be rebuilt to show (or drop) the overlay."""

    def file(self, config: MkDocsConfig, path: str, text: str, inclusion: InclusionLevel) -> File:
        if self.directory is None:
            self.directory = Path(tempfile.mkdtemp(prefix="reportgen-preview-"))
        target = self.directory / path
        if not incremental.write_if_changed(target, text) and self.stale:
            os.utime(target)  # newer than its built page: a dirty rebuild redoes it
        return File(
            path,
            src_dir=str(self.directory),
            dest_dir=config.site_dir,
            use_directory_urls=config.use_directory_urls,
            inclusion=inclusion,
        )


_PREVIEW = _Preview()


def pin_build_date(epoch: int) -> None:
    """Make MkDocs' one timestamp (sitemap lastmod) come from the content, not the clock.

    MkDocs reads SOURCE_DATE_EPOCH for its build date; unless the caller pinned
    it, use the renderer's epoch (the newest `last_checked`).
    """
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(epoch))


def _nav_paths(nav: Any) -> list[str]:
    """Every page path named in a MkDocs nav structure."""
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, dict):
        return [p for value in nav.values() for p in _nav_paths(value)]
    if isinstance(nav, list):
        return [p for item in nav for p in _nav_paths(item)]
    return []


def _refuse_unsafe_site_dir(config: MkDocsConfig, settings: Settings) -> None:
    """MkDocs empties site_dir before a build: never let that be the project's own files."""
    protected = site_output.protected_paths(
        settings.root,
        settings.content_path,
        settings.bibliography_path,
        Path(config.docs_dir),
        Path(config.config_file_path or settings.root / "mkdocs.yml"),
    )
    try:
        site_output.check_output(Path(config.site_dir), protected, force=True)
    except site_output.OutputRefusedError as exc:
        raise PluginError(f"reportgen: {exc}") from exc


def escaped_striptags(value: Any) -> Markup:
    """Jinja's striptags, but the result stays escaped text instead of raw markup."""
    return escape(Markup(str(value)).striptags())


def _restore_skipped_pages(files: Files, config: MkDocsConfig, titles: dict[str, str]) -> None:
    """Pages a dirty build skipped, made to show in the navigation as a full build shows them.

    MkDocs reads neither the source nor the title of a page it skips, and the
    navigation of the pages it does rebuild would then name it wrongly; the
    title the last build found is put back.
    """
    for file in files.documentation_pages():
        page = file.page
        if page is not None and page.markdown is None:
            page.read_source(config)
            page._title_from_render = titles.get(file.src_uri)


def _drop_theme_search(config: MkDocsConfig) -> None:
    """The theme's search downloads its whole index into every reader's browser.

    reportgen's search page (Pagefind) replaces it, so the `search` plugin is
    taken out of this build; the site's mkdocs.yml is not touched.
    """
    for name in ("search", "material/search"):
        if name in config.plugins:
            del config.plugins[name]
            log.info("reportgen: the search page (Pagefind) replaces the theme's search")


def _add_assets(config: MkDocsConfig) -> None:
    """Link the stylesheet and preview script from every page, once."""
    from mkdocs.config.config_options import ExtraScriptValue

    if STYLESHEET not in config.extra_css:
        config.extra_css.append(STYLESHEET)
    scripts = [str(getattr(s, "path", s)) for s in config.extra_javascript]
    for script in (SCRIPT, SEARCH_SCRIPT):
        if script not in scripts:
            config.extra_javascript.append(ExtraScriptValue(script))


class ReportgenConfig(base.Config):
    """Options under `plugins: - reportgen:` in mkdocs.yml; the CLI reads the same keys."""

    content_dir = c.Type(str, default="content")
    bibliography = c.Type(str, default="references.bib")
    max_content_bytes = c.Type(int, default=DEFAULT_MAX_CONTENT_BYTES)
    max_bib_bytes = c.Type(int, default=DEFAULT_MAX_BIB_BYTES)
    nav_reports_limit = c.Type(int, default=50)
    """Up to this many reports, each is listed in the navigation; beyond, only year pages."""
    max_quote_words = c.Type(int, default=75)
    engine = c.Choice(("mkdocs", "zensical"), default="mkdocs")
    search = c.Choice(("pagefind", "theme"), default="pagefind")
    workers = c.Type(int, default=0)
    """Which engine `reportgen build` uses; under `mkdocs build` this plugin runs anyway."""


class ReportgenPlugin(BasePlugin[ReportgenConfig]):
    """Fails the MkDocs build on any check error; warnings count towards `--strict`."""

    def __init__(self) -> None:
        self.analysis: Analysis | None = None
        self.settings: Settings | None = None
        self.pages: dict[str, str] = {}
        self.head: dict[str, HeadData] = {}
        self.records: dict[str, str] = {}
        self.site = SiteInfo()
        self.epoch = 0
        self.session: incremental.Session | None = None
        """An incremental build's cache session (`reportgen build --cache`), else None."""
        self.prepared: MkDocsConfig | None = None
        self.build_render_cache: incremental.StoredRenders | None = None
        """Rendered reports kept by an incremental build's cache, reused when unchanged."""
        self.files: Files | None = None
        self.listed: set[str] = set()
        self.bar: Any = None
        self.report_pages = 0
        self.untouched: set[str] = set()
        """Generated files an incremental build left as they were."""
        self.generated: set[str] = set()
        """The Markdown pages reportgen made (never a site's own pages)."""
        self.indexing: Indexing | None = None
        """The search index being built beside MkDocs' build, from pre- to post-build."""

    progress: bool | None = None
    """True forces a progress bar, False hides it; None shows it on a terminal only."""

    def use_analysis(self, analysis: Analysis) -> None:
        """Reuse an analysis the CLI already ran, so a build parses everything once."""
        self.analysis = analysis

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if self.prepared is config:  # `build` ran this already, to plan an incremental build
            return config
        root = Path(config.config_file_path or ".").resolve().parent
        self.settings = settings_from_options(root, dict(self.config))
        _refuse_unsafe_site_dir(config, self.settings)
        shown = self.settings.display(Path(config.config_file_path or "mkdocs.yml"))
        analysis = self.analysis or analyse(
            self.settings, site=site_diagnostics(config.site_url or None, shown)
        )
        self.analysis = None  # `mkdocs serve` reuses the plugin; reload on every build
        if not analysis.ok and _PREVIEW.serving and _PREVIEW.last_good is not None:
            return self._keep_last_good(config, analysis)
        for diagnostic in analysis.diagnostics:
            if not diagnostic.is_error:
                log.warning(format_text([diagnostic]).splitlines()[0])
        if not analysis.ok:
            raise PluginError("reportgen check failed:\n" + format_text(analysis.diagnostics))
        _PREVIEW.stale, _PREVIEW.problems = bool(_PREVIEW.problems), ()
        self.site = SiteInfo(
            config.site_name, config.site_url or None, bool(config.use_directory_urls)
        )
        rendered = render(
            analysis.project,
            _PREVIEW.render_cache if _PREVIEW.serving else self.build_render_cache,
            directory_urls=config.use_directory_urls,
            workers=1
            if _PREVIEW.serving
            else workers_for(len(analysis.project.reports), self.config.workers),
            nav_limit=self.config.nav_reports_limit,
            site=self.site,
            search=self.config.search == "pagefind",
        )
        self.pages, self.head, self.records = rendered.pages, rendered.head, rendered.records
        if self.records:
            _drop_theme_search(config)
        if config.nav is None:  # an explicit nav in mkdocs.yml wins
            config.nav = rendered.nav
        self.listed = set(_nav_paths(config.nav))
        if _PREVIEW.serving:
            _PREVIEW.last_good = (self.pages, self.head, config.nav)
        _add_assets(config)
        pin_build_date(rendered.epoch)
        self.epoch = rendered.epoch
        self.prepared = config
        return config

    def _keep_last_good(self, config: MkDocsConfig, analysis: Analysis) -> MkDocsConfig:
        """Keep serving on broken content: the last good pages, the diagnostics over them.

        MkDocs' own preview blocks every request until a build succeeds; readers
        of a preview would see a spinning tab. Here the build succeeds with the
        last good pages, and each page carries the current problems.
        """
        log.warning(
            "reportgen check failed; the preview shows the last good pages until fixed:\n"
            + format_text(analysis.diagnostics, excerpts=False).rstrip()
        )
        problems = tuple(analysis.diagnostics)
        _PREVIEW.stale = problems != _PREVIEW.problems
        _PREVIEW.problems = problems
        assert _PREVIEW.last_good is not None
        self.pages, self.head, nav = _PREVIEW.last_good
        if config.nav is None:
            config.nav = nav
        self.listed = set(_nav_paths(config.nav))
        _add_assets(config)
        return config

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Remember a preview session: its rebuilds reuse unchanged pages (see on_files)."""
        _PREVIEW.serving = command == "serve"

    def on_shutdown(self) -> None:
        """Remove the preview's scratch pages when the server stops."""
        if _PREVIEW.directory is not None:
            shutil.rmtree(_PREVIEW.directory, ignore_errors=True)
            _PREVIEW.directory = None

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        self.untouched = set()
        for asset in (STYLESHEET, SCRIPT, SEARCH_SCRIPT):
            if files.get_file_from_path(asset) is None:  # a site's own copy wins
                files.append(File(asset, str(THEME), config.site_dir, config.use_directory_urls))
        for path, markdown in self.pages.items():
            existing = files.get_file_from_path(path)
            if existing is not None:
                files.remove(existing)
            inclusion = (
                InclusionLevel.NOT_IN_NAV
                if path.endswith(".md") and path not in self.listed
                else InclusionLevel.UNDEFINED
            )
            if _PREVIEW.serving:
                files.append(_PREVIEW.file(config, path, markdown, inclusion))
            elif self.session is not None:
                head = self.head.get(path)
                html = head.html() if head else ""
                if not incremental.write_page(self.session, path, markdown, html):
                    self.untouched.add(path)
                files.append(
                    File(
                        path,
                        src_dir=str(self.session.docs),
                        dest_dir=config.site_dir,
                        use_directory_urls=config.use_directory_urls,
                        inclusion=inclusion,
                    )
                )
            else:
                files.append(File.generated(config, path, content=markdown, inclusion=inclusion))
        self.report_pages = sum(1 for path in self.pages if path.startswith("reports/"))
        self.generated = {path for path in self.pages if path.endswith(".md")}
        if not _PREVIEW.serving:
            self.pages = {}  # MkDocs' files hold them now (or the cache's docs, on disk)
        self.files = files
        return files

    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        """Let a page's Markdown go once it is HTML (a build holds every page's HTML at once).

        MkDocs converts every page before it writes any; keeping each Markdown
        source too held ~70 MB more at 1,000 reports. A preview keeps its
        files between rebuilds, so it keeps them whole.
        """
        if not _PREVIEW.serving and page.file.src_uri in self.generated:
            page.markdown = ""  # not None: MkDocs reads no title from a page without Markdown
            if page.file.generated_by is not None:  # held in memory, not a cached file
                page.file.content_string = ""
        return html

    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        """Make titles safe in any theme; start the progress bar once pages are counted.

        Material prints `page.title | striptags` into `<title>`, and Jinja's
        striptags also unescapes entities, so a report titled
        `</title><script>` would become live markup. Every template that uses
        the filter gets a version that keeps the text escaped; this needs no
        template override, so a site's own `custom_dir` cannot undo it.
        """
        env.filters["striptags"] = escaped_striptags
        if self.session is not None and self.session.previous is not None:
            _restore_skipped_pages(files, config, self.session.previous.titles)
            for file in files:  # what MkDocs is about to write, see `incremental.detach`
                if file.src_uri in self.untouched:
                    continue  # older than its output: MkDocs skips it (and it is 7,000 stats)
                if file.inclusion.is_included() and file.is_modified():
                    incremental.detach(file.abs_dest_path)
        wanted = (
            self.progress if self.progress is not None else self.report_pages > PROGRESS_THRESHOLD
        )
        if wanted:
            from tqdm import tqdm

            pages = sum(1 for f in files if f.is_documentation_page())
            # disable=None: only on a terminal, unless the caller forced it on.
            self.bar = tqdm(
                total=pages,
                unit="page",
                desc="reportgen",
                disable=None if self.progress is None else False,
                leave=False,
            )
        return env

    def on_post_template(
        self, output_content: str, /, *, template_name: str, config: MkDocsConfig
    ) -> str:
        """A template's output (sitemap.xml and its .gz, 404.html) gets its own file."""
        if self.session is not None:
            for name in (template_name, template_name + ".gz"):
                incremental.detach(Path(config.site_dir) / name)
        return output_content

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        """Put feed links, and a report's cards, citation tags and JSON-LD, into `<head>`.

        Done on the finished HTML, so it works whatever the theme's templates are.
        """
        if self.bar is not None:
            self.bar.update(1)
        if self.session is not None:
            incremental.detach(page.file.abs_dest_path)
        if _PREVIEW.serving and any(d.is_error for d in _PREVIEW.problems):
            overlay = preview_overlay(list(_PREVIEW.problems))
            at = output.rfind("</body>")
            output = output[:at] + overlay + output[at:] if at >= 0 else output + overlay
        # Built with <, > and & escaped where it holds JSON-LD, so it cannot close its element.
        extra = feed_links(self.site, "../" * page.url.count("/"))
        head = self.head.get(page.file.src_uri)
        if head is not None:
            extra += head.html()
        at = output.find("</head>")
        output = output[:at] + extra + output[at:] if at >= 0 else extra + output
        return output

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Start the search index beside MkDocs' build (see `search.start_index`)."""
        session = self.session
        if session is not None and self.indexing is not None:
            return  # started as soon as the records existed (`start_indexing_early`)
        self._cancel_indexing()  # a preview's last rebuild may have left one
        if not self.records:
            return
        if session is None:
            self.indexing = start_index(self.records)
            return
        before = _record_digests(session.previous)
        if before == session.manifest.records and (Path(config.site_dir) / INDEX_FOLDER).is_dir():
            return  # the index the site has is the one these records make
        self._start_indexing(session.cache, before, session.manifest.records)

    def start_indexing_early(self, cache: Path, digests: dict[str, str]) -> None:
        """Start Pagefind as soon as an incremental build knows its records changed.

        Before the last site is linked into place: every moment Pagefind runs
        beside other work is a moment the build does not wait for it.
        """
        before = _record_digests(incremental.Manifest.read(cache))
        if self.records and before != digests:
            self._start_indexing(cache, before, digests)

    def _start_indexing(self, cache: Path, before: dict[str, str], digests: dict[str, str]) -> None:
        unchanged = frozenset(k for k, v in digests.items() if before.get(k) == v)
        self.indexing = start_index(self.records, cache / "search", unchanged)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Put the search index in; mark the site as a reportgen build, which may be replaced."""
        session = self.session
        if session is not None:
            for file in self.files or ():
                if file.page is not None and file.page.title is not None:
                    session.manifest.titles[file.src_uri] = str(file.page.title)
        if self.session is None:  # an incremental build finishes it later (see `build`)
            try:
                self.finish_indexing(Path(config.site_dir))
            except EngineFailedError as exc:
                raise PluginError(f"reportgen: {exc}") from exc
        site_output.mark(Path(config.site_dir))
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def on_build_error(self, *, error: Exception) -> None:
        self._cancel_indexing()

    def finish_indexing(self, site_dir: Path) -> None:
        """Wait for the search index, if one is building, and put it into the site."""
        if self.indexing is not None:
            indexing, self.indexing = self.indexing, None
            indexing.finish(site_dir)

    def _cancel_indexing(self) -> None:
        if self.indexing is not None:
            self.indexing.cancel()
            self.indexing = None

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        """Editing a content file or the bib rebuilds and reloads the preview."""
        if self.settings is not None:
            for path in (self.settings.content_path, self.settings.bibliography_path):
                if path.exists():
                    server.watch(str(path))
        return server


def _logging() -> None:
    logging.basicConfig(format="%(levelname)-7s -  %(message)s", level=logging.INFO)


def build(
    config_file: Path,
    analysis: Analysis,
    staging: Path,
    *,
    strict: bool,
    progress: bool | None,
    cache: Path | None = None,
) -> str | None:
    """Build the checked project into `staging` with MkDocs and this plugin.

    With `cache`, the build is incremental (see `incremental`): only the pages
    an edit touched are rebuilt, and the result equals a full build.
    """
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    _logging()
    try:
        config = load_config(
            str(config_file), strict=True if strict else None, site_dir=str(staging)
        )
        plugin = config.plugins.get("reportgen")
        session = None
        try:
            if isinstance(plugin, ReportgenPlugin):
                plugin.use_analysis(analysis)
                plugin.progress = progress
                if cache is not None:
                    session = _plan(plugin, config, config_file, cache, staging)
            mkdocs_build(config, dirty=session is not None and session.dirty)
            if session is not None and isinstance(plugin, ReportgenPlugin):
                return _keep(plugin, session, staging)
            return None
        finally:
            if isinstance(plugin, ReportgenPlugin):
                plugin._cancel_indexing()  # failed or interrupted: no Pagefind left running
    except MkDocsException as exc:
        raise EngineFailedError(str(exc)) from exc


def _record_digests(manifest: incremental.Manifest | None) -> dict[str, str]:
    """The search records a finished build indexed (none known: every record is new)."""
    records = manifest.records if manifest is not None else {}
    return records if isinstance(records, dict) else {}


def _keep(plugin: ReportgenPlugin, session: incremental.Session, staging: Path) -> str:
    """After an incremental build: the cache takes the new site, then the manifest."""
    incremental.remove_gone(session, staging)
    # The cache takes the new pages while Pagefind may still be indexing.
    incremental.keep_site(session, staging, skip=INDEX_FOLDER)
    plugin.finish_indexing(staging)
    incremental.keep_site(session, staging, only=INDEX_FOLDER)
    if plugin.build_render_cache is not None:
        plugin.build_render_cache.save()
    session.manifest.write(session.cache)  # last: only a finished build is trusted
    return incremental.summary(session)


def _plan(
    plugin: ReportgenPlugin, config: MkDocsConfig, config_file: Path, cache: Path, staging: Path
) -> incremental.Session:
    """Render first, so the cache can tell whether a dirty build gives the full build's pages."""
    plugin.build_render_cache = incremental.StoredRenders(cache)
    config = plugin.on_config(config)
    records = incremental.record_digests(plugin.records)
    plugin.start_indexing_early(cache, records)
    # Every page shows the navigation, which names the pages it lists by their
    # titles: those titles, and the hand-written pages (few, and any of them may
    # be in it), count as what every page shows.
    docs = Path(config.docs_dir)
    written = sorted(p for p in docs.rglob("*") if p.is_file())
    titles = [
        f"{path}\t{plugin.pages[path].split(chr(10), 1)[0]}"
        for path in sorted(plugin.listed)
        if path in plugin.pages
    ]
    extra = [*titles, *(f"{p.relative_to(docs).as_posix()}\t{p.stat().st_size}" for p in written)]
    extra += [
        incremental.signature(p.read_text("utf-8", "replace")) for p in written if p.suffix == ".md"
    ]
    fingerprint = incremental.site_fingerprint(
        config.nav, config_file, plugin.epoch, extra="\n".join(extra)
    )
    session = incremental.start(cache, fingerprint, staging, bool(config.use_directory_urls))
    session.manifest.records = records
    plugin.session = session
    if session.dirty:
        logging.getLogger("mkdocs.commands.build").addFilter(_not_the_dirty_warning)
    return session


def _not_the_dirty_warning(record: logging.LogRecord) -> bool:
    """MkDocs warns that dirty builds may be wrong; ours are planned to equal full ones."""
    return "'dirty' build" not in record.getMessage()


def serve(config_file: Path, *, strict: bool, full: bool, dev_addr: str | None) -> None:
    """MkDocs' live preview with this plugin; dirty rebuilds unless `full`."""
    from mkdocs.commands.serve import serve as mkdocs_serve
    from mkdocs.exceptions import MkDocsException

    _logging()
    # Every preview rebuild is dirty on purpose; MkDocs' warning about it is noise there.
    logging.getLogger("mkdocs.commands.build").addFilter(_not_the_dirty_warning)
    # A preview keeps serving on warnings; publishing honours mkdocs.yml's `strict`.
    options: dict[str, Any] = {"strict": strict}
    if not full:
        options["build_type"] = "dirty"  # rebuild only the pages an edit touched
    if dev_addr:
        options["dev_addr"] = dev_addr
    try:
        mkdocs_serve(config_file=str(config_file), livereload=True, **options)
    except MkDocsException as exc:
        raise EngineFailedError(str(exc)) from exc
