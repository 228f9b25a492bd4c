"""Engine adapters' last step: the Pagefind index of the built site.

An engine's own search ships one index file that every reader downloads
whole: 13 MB for 1,000 reports. Pagefind splits the index into chunks the
browser fetches per query, so a search costs about the same at any size.
Both engines call this after their build, with the search records the
renderer made (one per report, each claim under its permalink anchor);
the records are indexed from a scratch folder and only the index ships.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from reportgen.engines import EngineFailedError

INDEX_FOLDER = "pagefind"


def index_site(records: dict[str, str], site_dir: Path) -> None:
    """Write `site_dir/pagefind/` from the records; EngineFailedError if Pagefind fails."""
    start_index(records).finish(site_dir)


def start_index(records: dict[str, str]) -> Indexing:
    """Start Pagefind on the records now; `finish` puts its index into the built site.

    Pagefind runs beside the engine's own build (its own process, the other
    core) instead of after it: the index needs only the records, which the
    renderer made before the engine started.
    """
    return Indexing(records)


class Indexing:
    """One Pagefind run over the records, in a scratch folder until it is finished."""

    def __init__(self, records: dict[str, str]) -> None:
        self.scratch = Path(tempfile.mkdtemp(prefix="reportgen-search-"))
        self.process: subprocess.Popen[str] | None = None
        self.problem: str | None = None
        try:
            for relative, html in records.items():
                target = self.scratch / "records" / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(html, encoding="utf-8")
            command = [sys.executable, "-m", "pagefind", "--site", str(self.scratch / "records")]
            command += ["--output-path", str(self.output), "--force-language", "en", "--silent"]
            self.process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
        except OSError as exc:
            self.problem = f"the search index could not be written: {exc}"

    @property
    def output(self) -> Path:
        return self.scratch / INDEX_FOLDER

    def finish(self, site_dir: Path) -> None:
        """Wait for Pagefind and copy its index into the site; EngineFailedError if it failed."""
        try:
            if self.problem is not None or self.process is None:
                raise EngineFailedError(self.problem or "the search index was not started")
            detail = (self.process.communicate()[0] or "").strip()[-1000:]
            if self.process.returncode != 0 or not (self.output / "pagefind.js").is_file():
                raise EngineFailedError(f"the search index could not be built (pagefind): {detail}")
            target = site_dir / INDEX_FOLDER
            if target.exists():
                shutil.rmtree(target)  # never written into: it may be linked to a cache
            shutil.copytree(self.output, target)
        except OSError as exc:
            raise EngineFailedError(f"the search index could not be written: {exc}") from exc
        finally:
            self.cancel()

    def cancel(self) -> None:
        """Stop Pagefind if it still runs, and remove the scratch folder."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.scratch, ignore_errors=True)
