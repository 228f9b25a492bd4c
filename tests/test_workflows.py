"""CI and hook configuration: valid YAML, and every command they run exists."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO
from reportgen.cli import _parser

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def make_targets() -> set[str]:
    text = (REPO / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][\w-]*):", text, re.MULTILINE))


def assert_command_exists(command: str) -> None:
    words = shlex.split(command.split(">>")[0].split("||")[0])
    if words[0] == "make":
        assert set(words[1:]) <= make_targets(), command
    elif words[0].endswith("reportgen"):
        try:
            _parser().parse_args(words[1:])
        except SystemExit as exc:  # argparse exits on unknown commands and flags
            pytest.fail(f"`{command}` is not a valid reportgen command ({exc})")
    elif words[0] == "git":
        assert words[1] in ("config", "add", "diff", "commit", "push"), command
    elif words[0].endswith(("ruff", "mypy")):
        tool = Path(words[0]).name
        assert f"\n{tool}==" in "\n" + (REPO / "requirements.lock").read_text(), tool
    else:
        pytest.fail(f"unexpected command in CI configuration: {command}")


def test_there_is_a_pull_request_and_a_publish_workflow() -> None:
    names = {p.stem for p in WORKFLOWS}
    assert {"pull-request", "publish"} <= names


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_workflow_is_valid_and_runs_only_existing_commands(path: Path) -> None:
    data = load(path)
    assert isinstance(data, dict)
    assert data.get("on") or data.get(True)  # YAML 1.1 reads a bare `on` as true
    for job in data["jobs"].values():
        assert job["runs-on"] == "ubuntu-latest"
        for step in job["steps"]:
            assert "uses" in step or "run" in step
            if "run" in step:
                for line in str(step["run"]).splitlines():
                    if line.strip():
                        assert_command_exists(line.strip())


def test_pull_request_workflow_annotates_summarises_tests_and_builds() -> None:
    runs = " ".join(
        str(step.get("run", ""))
        for job in load(REPO / ".github/workflows/pull-request.yml")["jobs"].values()
        for step in job["steps"]
    )
    assert "reportgen check --format github" in runs
    assert "GITHUB_STEP_SUMMARY" in runs
    assert "make test" in runs
    assert "build --strict" in runs


def test_links_workflow_runs_weekly_keeps_its_cache_and_fails_on_dead_links() -> None:
    data = load(REPO / ".github/workflows/links.yml")
    triggers = data.get("on") or data.get(True)
    assert triggers["schedule"][0]["cron"].split()[-1] == "1"  # weekly, on Mondays
    assert "workflow_dispatch" in triggers
    runs = [str(step.get("run", "")) for job in data["jobs"].values() for step in job["steps"]]
    assert any("links --format markdown" in r and "GITHUB_STEP_SUMMARY" in r for r in runs)
    assert any("git add links-cache.json" in r for r in runs)
    assert runs[-1] == ".venv/bin/reportgen links --format github"


def test_publish_workflow_uses_the_official_pages_actions() -> None:
    uses = {
        str(step.get("uses", "")).split("@")[0]
        for job in load(REPO / ".github/workflows/publish.yml")["jobs"].values()
        for step in job["steps"]
    }
    assert {"actions/upload-pages-artifact", "actions/deploy-pages"} <= uses


def test_pre_commit_hooks_are_valid_and_run_reportgen_check() -> None:
    hooks = load(REPO / ".pre-commit-hooks.yaml")
    assert hooks[0]["id"] == "reportgen-check"
    assert_command_exists(hooks[0]["entry"])
    config = load(REPO / ".pre-commit-config.yaml")
    for hook in config["repos"][0]["hooks"]:
        assert_command_exists(hook["entry"])
