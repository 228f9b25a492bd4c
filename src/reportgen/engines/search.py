"""Engine adapters' last step: the Pagefind index of the built site.

An engine's own search ships one index file that every reader downloads
whole: 13 MB for 1,000 reports. Pagefind splits the index into chunks the
browser fetches per query, so a search costs about the same at any size.
Both engines call this after their build, with the search records the
renderer made (one per report, each claim under its permalink anchor);
the records are indexed from a scratch folder and only the index ships.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from reportgen.engines import EngineFailedError

INDEX_FOLDER = "pagefind"


def index_site(records: dict[str, str], site_dir: Path) -> None:
    """Write `site_dir/pagefind/` from the records; EngineFailedError if Pagefind fails."""
    start_index(records).finish(site_dir)


def start_index(
    records: dict[str, str], workdir: Path | None = None, unchanged: frozenset[str] = frozenset()
) -> Indexing:
    """Start Pagefind on the records now; `finish` puts its index into the built site.

    Pagefind runs beside the engine's own build (its own process, the other
    core) instead of after it: the index needs only the records, which the
    renderer made before the engine started. With a `workdir` kept between
    builds (an incremental build's cache), the record files named in
    `unchanged` are already there as they are now and are not written again.
    """
    return Indexing(records, workdir, unchanged)


class Indexing:
    """One Pagefind run over the records, in a work folder until it is finished.

    A thread writes the records and waits for Pagefind, so the caller goes on
    at once: creating a thousand files is itself work worth overlapping (on
    the machine measured, opening a file cost milliseconds).
    """

    def __init__(
        self, records: dict[str, str], workdir: Path | None, unchanged: frozenset[str]
    ) -> None:
        self.temporary = workdir is None
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="reportgen-search-"))
        self.process: subprocess.Popen[str] | None = None
        self.problem: str | None = None
        self.detail = ""
        self.cancelled = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(records, unchanged), daemon=True)
        self.thread.start()

    @property
    def output(self) -> Path:
        return self.workdir / INDEX_FOLDER

    def _run(self, records: dict[str, str], unchanged: frozenset[str]) -> None:
        try:
            folder = self.workdir / "records"
            shutil.rmtree(self.output, ignore_errors=True)
            if folder.is_dir():
                for old in folder.iterdir():
                    if old.name not in records:
                        old.unlink()
            folder.mkdir(parents=True, exist_ok=True)
            for name, html in records.items():
                if name not in unchanged or not (folder / name).is_file():
                    (folder / name).write_text(html, encoding="utf-8")
            command = [sys.executable, "-m", "pagefind", "--site", str(folder)]
            command += ["--output-path", str(self.output), "--force-language", "en", "--silent"]
            if self.cancelled.is_set():
                return
            self.process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
            self.detail = (self.process.communicate()[0] or "").strip()[-1000:]
        except OSError as exc:
            self.problem = f"the search index could not be written: {exc}"

    def finish(self, site_dir: Path) -> None:
        """Wait for Pagefind and move its index into the site; EngineFailedError if it failed."""
        try:
            self.thread.join()
            if self.problem is not None:
                raise EngineFailedError(self.problem)
            failed = self.process is None or self.process.returncode != 0
            if failed or not (self.output / "pagefind.js").is_file():
                raise EngineFailedError(
                    f"the search index could not be built (pagefind): {self.detail}"
                )
            target = site_dir / INDEX_FOLDER
            if target.exists():
                shutil.rmtree(target)  # never written into: it may be linked to a cache
            try:
                os.replace(self.output, target)  # one rename where both are on one disk
            except OSError:
                shutil.copytree(self.output, target)
        except OSError as exc:
            raise EngineFailedError(f"the search index could not be written: {exc}") from exc
        finally:
            self.cancel()

    def cancel(self) -> None:
        """Stop Pagefind if it still runs; remove what is not kept between builds."""
        self.cancelled.set()
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
        self.thread.join()
        if self.temporary:
            shutil.rmtree(self.workdir, ignore_errors=True)
        else:
            shutil.rmtree(self.output, ignore_errors=True)
