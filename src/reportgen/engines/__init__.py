"""Engine adapters: each turns the rendered pages into a site with one static-site engine.

The pipeline (load, check, render) knows no engine. `mkdocs.py` is the MkDocs
plugin and build/serve driver; `zensical.py` builds the same rendered pages
with Zensical, which runs no plugins. Both take the same inputs and write
into the staging folder the CLI swaps into place.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # the CLI imports this module on every run: keep it light
    from reportgen.pipeline import Analysis

PACKAGES = {"mkdocs": "mkdocs==1.6.1 mkdocs-material==9.8.2", "zensical": "zensical==0.0.69"}
"""The engine releases reportgen is tested with, as `pip install` arguments."""


PARALLEL_FROM = 200
"""From this many reports a one-off build renders on every core."""


def workers_for(reports: int, cap: int = 0) -> int:
    """How many processes render a one-off build: the process policy lives at the edge.

    Every core the process may use (its CPU affinity, so `taskset` and container
    limits count), from PARALLEL_FROM reports; `cap` (the `workers` option) limits
    them, 0 meaning no limit.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    if cap > 0:
        cores = min(cores, cap)
    return max(1, cores) if reports >= PARALLEL_FROM else 1


class EngineFailedError(Exception):
    """The engine refused the site (its own config errors, strict warnings)."""


class EngineMissingError(Exception):
    """The engine's package is not installed; the message says what to install."""


class Engine(Protocol):
    def build(
        self,
        config_file: Path,
        analysis: Analysis,
        staging: Path,
        *,
        strict: bool,
        progress: bool | None,
        cache: Path | None = None,
    ) -> str | None:
        """Build into `staging`; returns a note for the user (how incremental it was), or None."""
        ...


def load(name: str) -> Engine:
    """The adapter for `name`, or EngineMissingError naming the package to install."""
    if importlib.util.find_spec(name) is None:
        raise EngineMissingError(
            f"the {name} engine is not installed; install it with"
            f" `pip install {PACKAGES[name]}` (or `pip install 'reportgen[{name}]'`)"
        )
    module = importlib.import_module(f"reportgen.engines.{name}")
    engine: Engine = module
    return engine


def serve(config_file: Path, *, strict: bool, full: bool, dev_addr: str | None) -> None:
    """The live preview, which is MkDocs' with the plugin (Zensical's runs no plugins)."""
    load("mkdocs")
    from reportgen.engines import mkdocs

    mkdocs.serve(config_file, strict=strict, full=full, dev_addr=dev_addr)
