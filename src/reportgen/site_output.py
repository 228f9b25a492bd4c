"""Where a build may write, and the swap that puts a finished site in place.

A build replaces its output folder wholesale, so the folder must be one that
nothing else lives in: never the project, its content, its bibliography, its
docs, its config or its `.git`, and never a folder reportgen did not build
(unless `--force`). Every check runs before anything is deleted.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from pathlib import Path

MARKER = ".reportgen-build"
"""Written into every site reportgen builds; only folders carrying it are replaced."""
MARKER_TEXT = "Built by reportgen; the next build replaces this whole folder.\n"

ENVIRONMENT_ERRNOS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.ENAMETOOLONG: "a file name is too long",
}


class OutputRefusedError(Exception):
    """The output folder is unsafe to replace; nothing has been touched."""


def protected_paths(
    root: Path, content: Path, bibliography: Path, docs: Path, config: Path
) -> dict[str, Path]:
    return {
        "the project folder": root,
        "the content folder": content,
        "the bibliography": bibliography,
        "the docs folder": docs,
        "the MkDocs config": config,
        "the git repository": root / ".git",
    }


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_output(
    out: Path, protected: dict[str, Path], *, force: bool = False, marker: str = MARKER
) -> None:
    """Refuse an output folder whose replacement would delete something of the editor's.

    `marker` names the file that shows reportgen made the folder (a site, a cache).
    """
    target = out.resolve()
    for what, path in protected.items():
        resolved = path.resolve()
        if _within(resolved, target):
            relation = "is" if resolved == target else "contains"
            raise OutputRefusedError(
                f"output folder {out} {relation} {what} ({path}); nothing was built"
            )
        if what in ("the content folder", "the docs folder", "the git repository") and _within(
            target, resolved
        ):
            raise OutputRefusedError(
                f"output folder {out} is inside {what} ({path}); nothing was built"
            )
    if target.exists() and not target.is_dir():
        raise OutputRefusedError(f"output {out} exists and is not a folder; nothing was built")
    if force or not target.is_dir() or (target / marker).is_file():
        return
    if any(target.iterdir()):
        raise OutputRefusedError(
            f"output folder {out} is not empty and was not built by reportgen;"
            " choose another --out, empty it, or pass --force to replace it"
        )


def mark(site: Path) -> None:
    (site / MARKER).unlink(missing_ok=True)  # may be a hard link into an incremental cache
    (site / MARKER).write_text(MARKER_TEXT, encoding="utf-8")


def staging_dir(out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{out.name}-new-", dir=out.parent))


def replace_dir(new: Path, target: Path) -> None:
    """Swap a finished build into place, so readers never see a half-written site."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
        os.replace(target, old / target.name)
    try:
        os.replace(new, target)
    except OSError:
        if old is not None:  # put the previous site back before reporting
            os.replace(old / target.name, target)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def environment_problem(exc: OSError) -> str | None:
    """Plain words for an OSError the user's machine caused (full disk, read-only folder)."""
    reason = ENVIRONMENT_ERRNOS.get(exc.errno or 0)
    if reason is None:
        return None
    where = f" ({exc.filename})" if exc.filename else ""
    return f"{reason}{where}"
