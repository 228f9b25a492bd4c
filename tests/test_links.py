"""`reportgen links`: every answer the web gives, against a server on 127.0.0.1.

No test reaches another host: the sources are paths of `linkserver`, the
Wayback Machine is its fake, a TLS failure is a TLS handshake with its
plain-HTTP port, and a name that no longer resolves is simulated by a
transport raising what the resolver raises.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from conftest import FIXTURES, copy_project, run_reportgen
from linkserver import SourceWeb, source_web
from reportgen.tools import bibedit
from reportgen.tools.linkcheck import Policy, check_urls

FAST = Policy(timeout=0.5, retries=2, backoff=0.05, interval=0.0, per_host=8)


@pytest.fixture()
def web() -> Iterator[tuple[SourceWeb, str]]:
    with source_web() as running:
        yield running


def test_every_kind_of_answer_is_classed(web: tuple[SourceWeb, str]) -> None:
    server, base = web
    server.slow_seconds = 2.0
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    refused = f"http://127.0.0.1:{closed.getsockname()[1]}/"
    closed.close()
    tls = base.replace("http://", "https://") + "live"
    paths = "live gone removed forbidden slow flaky busy broken chain moved moved-then-gone loop-a"
    urls = [base + p for p in paths.split()] + [tls, refused]
    results, _ = check_urls(urls, FAST)
    got = {url.removeprefix(base): (r.status, r.code, r.tries) for url, r in results.items()}
    assert got == {
        "live": ("ok", 200, 1),
        "gone": ("dead", 404, 1),
        "removed": ("dead", 410, 1),
        "forbidden": ("unknown", 403, 1),
        "slow": ("unknown", None, 3),
        "flaky": ("ok", 200, 2),
        "busy": ("ok", 200, 2),
        "broken": ("unknown", 500, 3),
        "chain": ("redirected", 200, 1),
        "moved": ("redirected", 200, 1),
        "moved-then-gone": ("dead", 404, 1),
        "loop-a": ("unknown", 302, 1),
        tls: ("unknown", None, 1),
        refused: ("unknown", None, 3),
    }
    chain = results[base + "chain"]
    assert chain.redirects == ((301, base + "chain2"), (302, base + "live/end"))
    assert chain.moved_to == base + "chain2"  # the permanent part of the chain
    assert results[base + "moved"].moved_to == base + "live/new-home"
    assert results[base + "loop-a"].detail == f"redirect loop back to {base}loop-a"
    assert results[base + "slow"].detail == "timed out after 3 tries"
    assert results[tls].detail.startswith("TLS failure")
    assert results[base + "moved-then-gone"].redirects == ((301, base + "gone"),)


def test_retry_after_is_honoured(web: tuple[SourceWeb, str]) -> None:
    server, base = web
    results, _ = check_urls([base + "busy", base + "busy-long"], FAST)
    first, second = server.times["/busy"]
    assert second - first >= 0.95  # Retry-After: 1
    long = results[base + "busy-long"]
    assert (long.status, long.tries) == ("unknown", 1)
    assert long.detail == "429 Too Many Requests; asked to retry after 3600 s"


class _NoSuchHost(httpx.AsyncBaseTransport):
    """What the resolver raises for a name that does not exist, without asking DNS."""

    def __init__(self, real: httpx.AsyncBaseTransport) -> None:
        self.real = real

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host.endswith(".invalid"):
            cause = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            raise httpx.ConnectError("[Errno -2] Name or service not known") from cause
        if request.url.host.endswith(".flaky-dns"):
            cause = socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
            raise httpx.ConnectError("[Errno -3] Temporary failure") from cause
        return await self.real.handle_async_request(request)


def test_a_name_that_no_longer_resolves_is_dead_a_dns_hiccup_is_not(
    web: tuple[SourceWeb, str],
) -> None:
    _, base = web
    transport = _NoSuchHost(httpx.AsyncHTTPTransport())
    urls = ["http://agency.invalid/report", "http://agency.flaky-dns/x", base + "live"]
    results, _ = check_urls(urls, FAST, transport)
    assert (results[urls[0]].status, results[urls[0]].tries) == ("dead", 1)
    assert results[urls[0]].detail == "the host name no longer resolves (DNS)"
    assert (results[urls[1]].status, results[urls[1]].tries) == ("unknown", 3)
    assert results[urls[2]].status == "ok"


@pytest.mark.parametrize("per_host", [1, 2, 3])
def test_the_per_host_limit_holds(web: tuple[SourceWeb, str], per_host: int) -> None:
    server, base = web
    other = base.replace("127.0.0.1", "localhost")
    urls = [f"{base}hold/{i}" for i in range(12)] + [f"{other}hold/{i}" for i in range(12)]
    policy = Policy(timeout=5, retries=0, interval=0.0, per_host=per_host, concurrency=16)
    results, peaks = check_urls(urls, policy)
    assert all(r.status == "ok" for r in results.values())
    assert dict(server.peak) == {"127.0.0.1": per_host, "localhost": per_host}
    assert peaks == {"127.0.0.1": per_host, "localhost": per_host}


def test_requests_to_one_host_are_spaced_by_the_interval(web: tuple[SourceWeb, str]) -> None:
    server, base = web
    policy = Policy(timeout=5, retries=0, interval=0.15, per_host=4)
    check_urls([f"{base}page/{i}" for i in range(5)], policy)
    starts = sorted(t for path, times in server.times.items() for t in times)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert len(starts) == 5 and min(gaps) >= 0.13


# --- the command, on a project whose sources live on the test server -------------------

BIB = """\
@online{live-src,
  title = {Live source},
  url = {BASE/live},
}

@online{gone-src,
  title = {Gone source},
  url = {BASE/gone},
}

@online{gone-uncited,
  title = {Gone and uncited},
  url = {BASE/removed},
}

@online{moved-src,
  title = {Moved source},
  url = {BASE/moved},
  archive-url = {BASE/live/archive-copy},
  archive-date = {2025-01-01},
}

@online{flaky-src,
  title = {Flaky source},
  url = {BASE/broken},
}
"""

REPORT = """\
slug: mini
title: Do the links work?
published: 2026-01-02
last_checked: 2026-01-03
summary:
  - The summary cites a source [@live-src].
sections:
  - title: Only section
    claims:
      - A claim cites a gone source [@gone-src].
      - A claim cites a moved one [@moved-src; @flaky-src].
open_questions:
  - Is this open question backed [@gone-src]?
bottom_line:
  - The bottom line cites [@live-src].
"""


def link_project(root: Path, base: str) -> Path:
    shutil.copytree(FIXTURES / "base", root)
    (root / "references.bib").write_text(BIB.replace("BASE/", base), encoding="utf-8")
    (root / "content" / "mini.yaml").write_text(REPORT, encoding="utf-8")
    return root


QUICK = ("--timeout", "0.5", "--retries", "1", "--backoff", "0.05", "--interval", "0")


def test_links_names_entries_and_claims_dead_cited_first(
    web: tuple[SourceWeb, str], tmp_path: Path
) -> None:
    _, base = web
    root = link_project(tmp_path / "site", base)
    result = run_reportgen("links", *QUICK, cwd=root)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        f"references.bib:6:1: dead: {base}gone (404 Not Found) [gone-src], cited by 2 claims"
        " in 1 report (mini: s1-1, oq-1)",
        f"references.bib:11:1: dead: {base}removed (410 Gone) [gone-uncited], cited by no claim",
        f"references.bib:23:1: unknown: {base}broken (500 Internal Server Error after 2 tries)"
        " [flaky-src], cited by 1 claim in 1 report (mini: s1-2)",
        f"references.bib:16:1: redirected: {base}moved (200 OK; redirected to"
        f" {base}live/new-home; moved permanently: cite {base}live/new-home) [moved-src],"
        " cited by 1 claim in 1 report (mini: s1-2)",
        f"references.bib:1:1: ok: {base}live (200 OK) [live-src], cited by 2 claims in 1 report"
        " (mini: summary-1, bottom-line-1)",
        f"references.bib:16:1: ok: {base}live/archive-copy (200 OK) [moved-src (archived copy)],"
        " cited by 1 claim in 1 report (mini: s1-2)",
        "Checked 6 addresses (0 from the cache): 2 ok, 1 redirected, 2 dead, 1 unknown.",
    ]
    assert run_reportgen("links", "--fail-on", "never", *QUICK, cwd=root).returncode == 0


def test_links_formats_for_tools_ci_and_job_summaries(
    web: tuple[SourceWeb, str], tmp_path: Path
) -> None:
    _, base = web
    root = link_project(tmp_path / "site", base)
    data = json.loads(run_reportgen("links", "--format", "json", *QUICK, cwd=root).stdout)
    assert data["summary"] == {"dead": 2, "unknown": 1, "redirected": 1, "ok": 2}
    first = data["links"][0]
    assert (first["url"], first["status"], first["code"]) == (f"{base}gone", "dead", 404)
    assert first["entries"] == [
        {"key": "gone-src", "field": "url", "file": "references.bib", "line": 6}
    ]
    assert first["claims"] == [
        {"report": "mini", "claim": "s1-1"},
        {"report": "mini", "claim": "oq-1"},
    ]
    github = run_reportgen("links", "--format", "github", *QUICK, cwd=root).stdout.splitlines()
    assert github[0] == (
        "::error file=references.bib,line=6,col=1,title=reportgen links (dead)::dead link"
        f" {base}gone: 404 Not Found; cited by 2 claims in 1 report (mini: s1-1, oq-1)"
    )
    assert [line.split(" ")[0] for line in github[:-1]] == [
        "::error",
        "::error",
        "::warning",
        "::warning",
    ]
    markdown = run_reportgen("links", "--format", "markdown", *QUICK, cwd=root).stdout
    assert markdown.splitlines()[4:6] == [
        "| status | address | what happened | bib entry | cited by |",
        "| --- | --- | --- | --- | --- |",
    ]
    # Header, separator and the 4 problems: ok links are not listed.
    assert markdown.count("\n| ") == 6


def test_the_cache_skips_fresh_entries_and_rechecks_uncertain_ones(
    web: tuple[SourceWeb, str], tmp_path: Path
) -> None:
    server, base = web
    root = link_project(tmp_path / "site", base)
    run_reportgen("links", *QUICK, cwd=root)
    cache = json.loads((root / "links-cache.json").read_text(encoding="utf-8"))
    assert cache["version"] == 1
    assert cache["links"][f"{base}gone"]["status"] == "dead"
    before = dict(server.hits)
    second = run_reportgen("links", *QUICK, cwd=root)
    assert second.stdout.splitlines()[-1] == (
        "Checked 6 addresses (5 from the cache): 2 ok, 1 redirected, 2 dead, 1 unknown."
    )
    asked = {path for path, n in server.hits.items() if n != before.get(path, 0)}
    assert asked == {"/broken"}  # only the uncertain one
    assert "uncertain since" in second.stdout
    third = run_reportgen("links", "--max-age", "0", *QUICK, cwd=root)
    assert "(0 from the cache)" in third.stdout


def test_a_broken_cache_is_a_usage_error(tmp_path: Path, web: tuple[SourceWeb, str]) -> None:
    _, base = web
    root = link_project(tmp_path / "site", base)
    (root / "links-cache.json").write_text("{not json", encoding="utf-8")
    result = run_reportgen("links", *QUICK, cwd=root)
    assert result.returncode == 2
    assert "links-cache.json: not a reportgen link cache" in result.stderr
    assert "Traceback" not in result.stderr


def _git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    done = subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True, env=env
    )
    return done.stdout


def test_archive_write_adds_fields_to_exactly_the_entries_that_lacked_them(
    web: tuple[SourceWeb, str], tmp_path: Path
) -> None:
    server, base = web
    root = copy_project(tmp_path)
    bib = root / "references.bib"
    # One entry already has an archived copy: it must stay as it is.
    text = bib.read_text(encoding="utf-8")
    text = text.replace(
        "  url      = {https://www.ice.gov/287g},\n",
        "  url      = {https://www.ice.gov/287g},\n"
        "  archive-url = {https://web.archive.org/web/2024/https://www.ice.gov/287g},\n",
    )
    bib.write_text(text, encoding="utf-8")
    _git(root, "init", "-q")
    _git(root, "add", "references.bib")
    _git(root, "commit", "-qm", "seed")
    from reportgen.pipeline import analyse
    from reportgen.settings import Settings

    sources = analyse(Settings(root=root)).project.bibliography.sources
    urls = {key: str(s.get("url")) for key, s in sources.items()}
    archived_by_hand = "ice-287g"
    no_snapshot = "caag-alpr-press-2023"
    for key, url in urls.items():
        if key != no_snapshot:
            server.snapshots[url] = "20250102030405"
    result = run_reportgen(
        "links", "--no-check", "--archive", "--write", "--wayback-api", base, cwd=root
    )
    assert result.returncode == 0, result.stderr
    expected = sorted(set(urls) - {archived_by_hand, no_snapshot})
    assert result.stdout.splitlines()[-1] == (
        f"reportgen: added archived copies to {len(expected)} entries of references.bib: "
        + ", ".join(expected)
    )
    assert f"{no_snapshot}: no archived copy" in result.stdout
    diff = _git(root, "diff", "-U0", "references.bib").splitlines()
    removed = [line for line in diff if line.startswith("-") and not line.startswith("---")]
    added = [line for line in diff if line.startswith("+") and not line.startswith("+++")]
    assert removed == []
    assert len(added) == 2 * len(expected)
    for key in expected:
        snapshot = f"https://web.archive.org/web/20250102030405/{urls[key]}"
        assert f"+  archive-url = {{{snapshot}}}," in added
    assert added.count("+  archive-date = {2025-01-02},") == len(expected)
    # The server saw only archive lookups: the seed's real hosts were never asked.
    assert set(server.hits) == {"/wayback/available"}
    assert run_reportgen("check", "--strict", cwd=root).returncode == 0
    after = analyse(Settings(root=root)).project.bibliography.sources
    assert {k for k, s in after.items() if s.get("archive-url")} == set(expected) | {
        archived_by_hand
    }
    again = run_reportgen(
        "links", "--no-check", "--archive", "--write", "--wayback-api", base, cwd=root
    )
    assert "references.bib unchanged" in again.stdout
    assert len(_git(root, "diff", "-U0", "references.bib").splitlines()) == len(diff)


def test_save_page_now_is_asked_with_credentials_from_the_environment(
    web: tuple[SourceWeb, str], tmp_path: Path
) -> None:
    server, base = web
    root = link_project(tmp_path / "site", base)
    args = ("links", "--no-check", "--archive", "--save", "--wayback-api", base)
    refused = run_reportgen(*args, "--save-api", base, cwd=root)
    assert refused.returncode == 2
    assert "--save needs WAYBACK_ACCESS_KEY and WAYBACK_SECRET_KEY" in refused.stderr
    env = {**os.environ, "WAYBACK_ACCESS_KEY": "ak", "WAYBACK_SECRET_KEY": "sk"}
    done = run_reportgen(*args, "--save-api", base, cwd=root, env=env)
    assert done.returncode == 0, done.stderr
    assert sorted(server.saved) == sorted(
        f"{base}{p}" for p in ("live", "gone", "removed", "broken")
    )
    assert set(server.save_auth) == {"LOW ak:sk"}
    assert "no archived copy; snapshot requested (job spn2-test-1)" in done.stdout


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            "@online{a,\n  title = {T},\n  url   = {https://x.org/{a}b},\n  note  = {N}\n}\n",
            "@online{a,\n  title = {T},\n  url   = {https://x.org/{a}b},\n"
            "  archive-url = {U},\n  note  = {N}\n}\n",
        ),
        (
            "@misc{b,\n\ttitle = {T},\n\turl = {https://x.org}\n}\n",
            "@misc{b,\n\tarchive-url = {U},\n\ttitle = {T},\n\turl = {https://x.org}\n}\n",
        ),
        (
            '@misc(c,\r\n  url = "https://x.org/" # "y",\r\n  year = 2020\r\n)\r\n',
            '@misc(c,\r\n  url = "https://x.org/" # "y",\r\n  archive-url = {U},\r\n'
            "  year = 2020\r\n)\r\n",
        ),
    ],
    ids=["after-url", "no-comma-after-url", "parentheses-crlf-concatenation"],
)
def test_bib_edits_add_lines_and_change_none(entry: str, expected: str) -> None:
    text = "% header\n\n" + entry + "\n@misc{z, title = {Z}}\n"
    edited = bibedit.add_fields(text, 3, [("archive-url", "U")])
    assert edited == "% header\n\n" + expected + "\n@misc{z, title = {Z}}\n"


def test_bib_edits_keep_the_files_own_spelling() -> None:
    assert bibedit.archive_field_names("@a{k,\n  archiveurl = {x}\n}") == (
        "archiveurl",
        "archivedate",
        "urlstatus",
    )
    assert bibedit.archive_field_names("@a{k,\n  url = {x}\n}")[0] == "archive-url"
