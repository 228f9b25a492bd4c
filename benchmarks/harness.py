"""Run the measurements side by side and write RESULTS.md and a plot.

a) `reportgen check`, b) `reportgen build`, c) the floor: plain `mkdocs build`
of the same rendered Markdown with the same theme and navigation, d) the peer:
mkdocs-bibtex in its own virtual environment, building the same reports
written with `[@key]` citations. Each is a separate process, timed by wall
clock, with its peak memory from the kernel's rusage.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.generate import REPO, generate

PEER_PACKAGES = ["mkdocs-bibtex", "mkdocs==1.6.1", "mkdocs-material==9.8.2"]


@dataclass
class Sample:
    seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")

    @property
    def peak(self) -> float:
        return max(self.peak_mb) if self.peak_mb else float("nan")


def timed(
    command: list[str], cwd: Path, env: dict[str, str] | None = None, *, any_exit: bool = False
) -> tuple[float, float]:
    """Wall time and peak resident memory (MB) of one child process.

    Fails loudly, unless `any_exit` (a check that reports problems exits 1 by design).
    """
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    stderr = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0 and not (
        any_exit and os.waitstatus_to_exitcode(status) == 1
    ):
        raise RuntimeError(f"{' '.join(command)} failed in {cwd}:\n{stderr[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024


def peer_python(workdir: Path) -> Path | None:
    """A virtual environment with mkdocs-bibtex; None if it cannot be installed here."""
    venv = workdir / ".peer-venv"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        result = subprocess.run(
            [str(python), "-m", "pip", "install", "-q", *PEER_PACKAGES],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            shutil.rmtree(venv, ignore_errors=True)
            return None
    return python


def peer_version(python: Path) -> str:
    out = subprocess.run(
        [str(python), "-m", "pip", "show", "mkdocs-bibtex"], capture_output=True, text=True
    ).stdout
    return next((line.split()[-1] for line in out.splitlines() if line.startswith("Version")), "?")


def floor_project(site: Path, floor: Path) -> None:
    """The rendered Markdown with the same theme and nav, but no reportgen plugin."""
    sys.path.insert(0, str(REPO / "src"))
    from reportgen.pipeline import analyse
    from reportgen.render import render_site, site_nav, write_pages
    from reportgen.settings import Settings

    analysis = analyse(Settings(root=site))
    if floor.exists():
        shutil.rmtree(floor)
    shutil.copytree(site / "docs", floor / "docs")
    write_pages(render_site(analysis.project), floor / "docs")
    config = (site / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace(
        "  - reportgen:\n      content_dir: content\n      bibliography: references.bib\n", ""
    )
    config = config.replace("strict: true", "strict: false")
    nav = json.dumps(site_nav(analysis.project))
    config += f"\nnav: {nav}\nnot_in_nav: |\n  /reports/\n"
    (floor / "mkdocs.yml").write_text(config, encoding="utf-8")


def peer_project(peer: Path) -> None:
    (peer / "mkdocs.yml").write_text(
        "site_name: peer\ntheme:\n  name: material\n  font: false\nplugins:\n  - search\n"
        "  - bibtex:\n      bib_file: refs.bib\nmarkdown_extensions:\n  - footnotes\n"
        "  - attr_list\n  - toc:\n      permalink: true\n",
        encoding="utf-8",
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def edit_to_reload(site: Path) -> float:
    """Seconds from saving one content file to the preview serving the change."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "reportgen", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=site,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/reports/report-0000/"

    def page() -> str:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return str(response.read().decode())
        except OSError:
            return ""

    try:
        deadline = time.monotonic() + 600
        while "Synthetic report 0" not in page():
            if time.monotonic() > deadline:
                raise RuntimeError("serve never came up")
            time.sleep(0.2)
        time.sleep(1.0)
        path = site / "content" / "report-0000.yaml"
        path.write_text(path.read_text().replace("Synthetic report 0:", "Edited report 0:"))
        start = time.perf_counter()
        while "Edited report 0" not in page():
            if time.monotonic() > deadline:
                raise RuntimeError("the edit never appeared")
            time.sleep(0.05)
        return time.perf_counter() - start
    finally:
        process.terminate()
        process.wait(timeout=30)


REPORTGEN = [sys.executable, "-m", "reportgen"]


PARSE_FLOOR = """
import pathlib, yaml, bibtexparser
for path in sorted(pathlib.Path("content").glob("*.yaml")):
    yaml.load(path.read_text("utf-8"), Loader=yaml.CSafeLoader)
bibtexparser.parse_string(pathlib.Path("references.bib").read_text("utf-8"))
"""
"""The floor of `reportgen check`: parsing the same files with libyaml and bibtexparser."""


@contextlib.contextmanager
def edited_report(site: Path) -> Iterator[None]:
    """One claim of one report changed, as an editor's pull request would; then restored."""
    path = sorted((site / "content").glob("*.yaml"))[
        len(list((site / "content").glob("*.yaml"))) // 2
    ]
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace('- "', '- "Edited: ', 1), encoding="utf-8")
    try:
        yield
    finally:
        path.write_text(original, encoding="utf-8")


def _size(path: Path) -> int | None:
    return path.stat().st_size if path.is_file() else None


def run(
    sizes: list[int],
    runs: int,
    workdir: Path,
    *,
    peer: bool,
    reload_at: int | None,
    bib_entries: int = 0,
) -> dict[str, Any]:
    workdir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    python = peer_python(workdir) if peer else None
    results: dict[str, Any] = {"sizes": sizes, "runs": runs, "rows": {}, "peer": None}
    results["startup"] = startup(workdir, runs)
    if bib_entries:
        results["bibliography"] = bibliography_run(workdir, bib_entries, runs)
    if python is not None:
        results["peer"] = f"mkdocs-bibtex {peer_version(python)}"
    for size in sizes:
        root = workdir / f"n{size}"
        generate(root, size)
        site, peer_dir, floor = root / "reportgen", root / "peer", root / "floor"
        floor_project(site, floor)
        peer_project(peer_dir)
        names = ("check", "build", "floor", "peer", "zbuild", "zfloor", "parse", "incr", "build1")
        samples = {name: Sample() for name in (*names, "checkc")}
        # Warm caches for the incremental build and check: one run of each, untimed.
        timed([*REPORTGEN, "build", "--out", "iout", "--cache", ".cache"], site, env)
        timed([*REPORTGEN, "check", "--cache", ".ccache"], site, env)
        for _ in range(runs):
            for name, command, cwd in (
                ("check", [sys.executable, "-m", "reportgen", "check"], site),
                ("build", [sys.executable, "-m", "reportgen", "build", "--out", "out"], site),
                ("floor", [sys.executable, "-m", "mkdocs", "build", "-q", "-d", "out"], floor),
                (
                    "zbuild",
                    [*REPORTGEN, "build", "--engine", "zensical", "--out", "zout", "--force"],
                    site,
                ),
                ("zfloor", [sys.executable, "-m", "zensical", "build"], floor),
            ):
                seconds, peak = timed(command, cwd, env)
                samples[name].seconds.append(seconds)
                samples[name].peak_mb.append(peak)
            if python is not None:
                seconds, peak = timed(
                    [str(python), "-m", "mkdocs", "build", "-q", "-d", "out"], peer_dir
                )
                samples["peer"].seconds.append(seconds)
                samples["peer"].peak_mb.append(peak)
            for name, command in (
                ("parse", [sys.executable, "-c", PARSE_FLOOR]),
                ("build1", ["taskset", "-c", "0", *REPORTGEN, "build", "--out", "out1"]),
            ):
                seconds, peak = timed(command, site, env)
                samples[name].seconds.append(seconds)
                samples[name].peak_mb.append(peak)
            with edited_report(site):
                for name, command in (
                    ("incr", [*REPORTGEN, "build", "--out", "iout", "--cache", ".cache"]),
                    ("checkc", [*REPORTGEN, "check", "--cache", ".ccache"]),
                ):
                    seconds, peak = timed(command, site, env)
                    samples[name].seconds.append(seconds)
                    samples[name].peak_mb.append(peak)
        row = {name: {"median_s": s.median, "peak_mb": s.peak} for name, s in samples.items()}
        row["search_index_bytes"] = {
            "mkdocs": _size(site / "out" / "search" / "search_index.json"),
            "zensical": _size(site / "zout" / "search.json"),
        }
        if reload_at == size:
            row["edit_to_reload_s"] = edit_to_reload(site)
        results["rows"][str(size)] = row
    return results


def startup(workdir: Path, runs: int) -> dict[str, float]:
    """Median start-up costs: the interpreter alone, `--version`, `check` of one report."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    root = workdir / "one"
    generate(root, 1)
    site = root / "reportgen"
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "reportgen --version": [*REPORTGEN, "--version"],
        "reportgen check (1 report)": [*REPORTGEN, "check"],
    }
    return {
        label: statistics.median(timed(command, site, env)[0] for _ in range(max(runs, 3)))
        for label, command in commands.items()
    }


CORPUS = REPO.parent / "shared" / "corpora" / "bib"
_ENTRY = re.compile(r"^@(?!(?:string|preamble|comment)\b)(\w+)\s*\{\s*([^,\s]+)\s*,", re.I | re.M)


def big_bibliography(root: Path, entries: int) -> int:
    """One report citing its 10 sources, and a bib of `entries` more, real ones.

    The entries are the corpus's own (Zotero, JabRef, Mendeley and biblatex
    exports, LaTeX and all), repeated with renamed keys until there are enough:
    the LaTeX decoding a real bibliography needs, not synthetic plain text.
    """
    generate(root, 1)
    site = root / "reportgen"
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.bib"))]
    chunks, count, round_ = [], 0, 0
    while count < entries and texts:
        round_ += 1
        suffix = f"-r{round_},"
        for text in texts:
            renamed, found = _ENTRY.subn(lambda m, end=suffix: f"@{m[1]}{{{m[2]}{end}", text)
            chunks.append(renamed)
            count += found
            if count >= entries:
                break
    with (site / "references.bib").open("a", encoding="utf-8") as bib:
        bib.write("\n" + "\n".join(chunks))
    return count


def bibliography_run(workdir: Path, entries: int, runs: int) -> dict[str, Any]:
    """`check` of one report with a large real bib: cold, warm cache, and the parse floor."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    root = workdir / f"bib{entries}"
    count = big_bibliography(root, entries)
    site = root / "reportgen"
    samples = {name: Sample() for name in ("check", "checkc", "parse")}
    timed([*REPORTGEN, "check", "--cache", ".ccache"], site, env, any_exit=True)
    for _ in range(runs):
        for name, command in (
            ("check", [*REPORTGEN, "check"]),
            ("checkc", [*REPORTGEN, "check", "--cache", ".ccache"]),
            ("parse", [sys.executable, "-c", PARSE_FLOOR]),
        ):
            seconds, peak = timed(command, site, env, any_exit=True)
            samples[name].seconds.append(seconds)
            samples[name].peak_mb.append(peak)
    return {
        "entries": count,
        **{name: {"median_s": x.median, "peak_mb": x.peak} for name, x in samples.items()},
    }


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    except OSError:
        memory = 0
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory} GiB RAM, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}"
    )
