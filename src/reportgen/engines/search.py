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
    scratch = Path(tempfile.mkdtemp(prefix="reportgen-search-"))
    try:
        for relative, html in records.items():
            target = scratch / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(html, encoding="utf-8")
        output = site_dir / INDEX_FOLDER
        if output.exists():
            shutil.rmtree(output)
        command = [sys.executable, "-m", "pagefind", "--site", str(scratch)]
        command += ["--output-path", str(output), "--force-language", "en", "--silent"]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0 or not (output / "pagefind.js").is_file():
            detail = (result.stderr or result.stdout).strip()[-1000:]
            raise EngineFailedError(f"the search index could not be built (pagefind): {detail}")
    except OSError as exc:
        raise EngineFailedError(f"the search index could not be written: {exc}") from exc
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
