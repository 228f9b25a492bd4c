"""Editor tool (links): the committed cache of link results.

A weekly run over hundreds of sources should not knock on every door every
time, and a pull request should not wait for them. Results are kept in a
small JSON file committed with the site; entries younger than the maximum
age are reused. Uncertain results (`unknown`) are always checked again: the
next try may settle them.
"""

from __future__ import annotations

import datetime
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from reportgen.tools.linkmodel import STATUSES, UNKNOWN, Result

VERSION = 1
DEFAULT_CACHE = "links-cache.json"
DEFAULT_MAX_AGE_DAYS = 7.0


class CacheError(Exception):
    """The cache file exists but cannot be used; the message says why."""


def load(path: Path) -> dict[str, Result]:
    """The cached results by URL; an absent file is an empty cache."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CacheError(f"{path}: not a reportgen link cache ({exc})") from exc
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise CacheError(f"{path}: not a version-{VERSION} reportgen link cache")
    results = {}
    for url, entry in (data.get("links") or {}).items():
        try:
            results[url] = _result(url, entry)
        except (TypeError, ValueError, KeyError):
            continue  # an entry edited by hand into nonsense is checked again
    return results


def _result(url: str, entry: dict[str, Any]) -> Result:
    if entry["status"] not in STATUSES:
        raise ValueError(entry["status"])
    datetime.datetime.fromisoformat(str(entry["checked"]))
    return Result(
        url=url,
        status=str(entry["status"]),
        detail=str(entry.get("detail", "")),
        code=int(entry["code"]) if entry.get("code") is not None else None,
        redirects=tuple((int(c), str(u)) for c, u in entry.get("redirects") or ()),
        moved_to=str(entry["moved_to"]) if entry.get("moved_to") else None,
        tries=int(entry.get("tries", 1)),
        checked=str(entry["checked"]),
    )


def is_fresh(result: Result, now: datetime.datetime, max_age_days: float) -> bool:
    """Reusable without asking again: settled, and checked less than the maximum age ago."""
    if result.status == UNKNOWN:
        return False
    checked = datetime.datetime.fromisoformat(result.checked)
    if checked.tzinfo is None:
        checked = checked.replace(tzinfo=datetime.UTC)
    return now - checked < datetime.timedelta(days=max_age_days)


def save(path: Path, results: dict[str, Result]) -> None:
    """Write sorted and indented, so the committed file diffs line by line; atomically."""
    links = {}
    for url in sorted(results):
        entry = asdict(results[url])
        entry.pop("url")
        entry.pop("retry_after")
        entry.pop("retryable")
        entry["redirects"] = [list(hop) for hop in results[url].redirects]
        links[url] = {k: v for k, v in entry.items() if v not in (None, [], "")}
    text = json.dumps({"version": VERSION, "links": links}, indent=1, ensure_ascii=False) + "\n"
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
