"""A tiny run of the benchmark harness, so `make bench` cannot rot between real runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, run_reportgen

pytestmark = pytest.mark.e2e


def test_harness_runs_end_to_end_at_n5(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--sizes",
            "5",
            "--runs",
            "1",
            "--no-peer",
            "--reload-at",
            "0",
            "--out",
            str(tmp_path / "out"),
            "--workdir",
            str(tmp_path / "w"),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    results = (tmp_path / "out" / "RESULTS.md").read_text(encoding="utf-8")
    assert "| 5 |" in results
    assert "Machine:" in results
    assert (tmp_path / "out" / "timings.png").stat().st_size > 5_000
    assert (tmp_path / "out" / "results.json").is_file()


def test_progress_bar_only_when_asked_outside_a_terminal(project: Path) -> None:
    quiet = run_reportgen("build", "--out", "one", cwd=project)
    assert "page/s" not in quiet.stderr and "pages/s" not in quiet.stderr
    loud = run_reportgen("build", "--out", "two", "--progress", cwd=project)
    assert loud.returncode == 0
    assert "reportgen" in loud.stderr and "page" in loud.stderr
