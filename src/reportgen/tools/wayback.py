"""Editor tool (links): archived copies from the Wayback Machine.

Two public APIs: the availability API answers "what is the closest
snapshot of this address?", and Save Page Now asks the archive to take one.
Their base addresses are parameters, so tests (and mirrors) point them at
a server of their own; the credentials for saving come from the
environment, never from a file in the repository.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence

import httpx

from reportgen.tools.linkcheck import Checker
from reportgen.tools.linkmodel import ACCESS_KEY, AVAILABILITY_API, SECRET_KEY, Lookup, Snapshot


def credentials() -> tuple[str, str] | None:
    access, secret = os.environ.get(ACCESS_KEY), os.environ.get(SECRET_KEY)
    return (access, secret) if access and secret else None


def _snapshot(data: object) -> Snapshot | None:
    """The closest usable snapshot in an availability answer, with an https address."""
    if not isinstance(data, dict):
        return None
    closest = (data.get("archived_snapshots") or {}).get("closest") or {}
    if not isinstance(closest, dict) or not closest.get("available"):
        return None
    status, url, stamp = (
        str(closest.get("status", "200")),
        closest.get("url"),
        closest.get("timestamp"),
    )
    if not (
        isinstance(url, str) and isinstance(stamp, str) and len(stamp) >= 8 and stamp.isdigit()
    ):
        return None
    if len(stamp) < 8 or not status.startswith(("2", "3")):
        return None  # the archive holds an error page: no copy worth citing
    if url.startswith("http://"):
        url = "https://" + url.removeprefix("http://")
    return Snapshot(url, f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}")


async def _lookup(
    checker: Checker,
    client: httpx.AsyncClient,
    url: str,
    api: str,
    save_api: str | None,
    keys: tuple[str, str] | None,
) -> Lookup:
    host = httpx.URL(api).host
    try:
        async with checker.gate.slot(host):
            response = await client.get(f"{api.rstrip('/')}/wayback/available", params={"url": url})
        if response.status_code != 200:
            return Lookup(url, error=f"availability API answered {response.status_code}")
        snapshot = _snapshot(response.json())
    except (httpx.HTTPError, ValueError) as exc:
        return Lookup(url, error=f"availability API failed: {exc or type(exc).__name__}")
    if snapshot is not None or save_api is None or keys is None:
        return Lookup(url, snapshot)
    return Lookup(url, None, saved=await _save(checker, client, url, save_api, keys))


async def _save(
    checker: Checker, client: httpx.AsyncClient, url: str, api: str, keys: tuple[str, str]
) -> str:
    """Ask Save Page Now for a snapshot; the next run's lookup finds it."""
    try:
        async with checker.gate.slot(httpx.URL(api).host):
            response = await client.post(
                f"{api.rstrip('/')}/save",
                data={"url": url},
                headers={"Authorization": f"LOW {keys[0]}:{keys[1]}", "Accept": "application/json"},
            )
        data = response.json() if response.content else {}
    except (httpx.HTTPError, ValueError) as exc:
        return f"save failed: {exc or type(exc).__name__}"
    if response.status_code == 200 and isinstance(data, dict) and data.get("job_id"):
        return f"snapshot requested (job {data['job_id']})"
    message = data.get("message") if isinstance(data, dict) else None
    return f"save refused ({response.status_code}{': ' + str(message) if message else ''})"


def lookup_all(
    urls: Sequence[str],
    checker: Checker,
    *,
    api: str = AVAILABILITY_API,
    save_api: str | None = None,
    keys: tuple[str, str] | None = None,
) -> dict[str, Lookup]:
    """The closest snapshot of each address; with `save_api` and keys, request missing ones."""

    async def run() -> dict[str, Lookup]:
        async with checker.client() as client:
            found = await asyncio.gather(
                *(_lookup(checker, client, url, api, save_api, keys) for url in urls)
            )
        return {lookup.url: lookup for lookup in found}

    return asyncio.run(run())
