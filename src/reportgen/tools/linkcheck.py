"""Editor tool (links): is each address still there? A polite, concurrent HTTP checker.

A source that answers 403 to a robot, rate-limits us (429) or has a bad
minute (503) is not dead; calling it dead would send editors chasing
working links. So only 404, 410 and a name that no longer resolves are
`dead`; everything uncertain is `unknown` and is retried with backoff first
(honouring `Retry-After`). Servers are spared: at most `per_host` requests
to one host at once, starts spaced by `interval`, bodies never downloaded.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import email.utils
import socket
import ssl
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import replace
from urllib.parse import urljoin, urlsplit

import httpx

from reportgen import __version__
from reportgen.tools.linkmodel import DEAD, OK, REDIRECTED, UNKNOWN, Policy, Result

_REDIRECTS = (301, 302, 303, 307, 308)
_PERMANENT = (301, 308)
_RETRYABLE_CODES = (408, 425, 429, 500, 502, 503, 504)
_DNS_GONE = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}


class HostGate:
    """At most `per_host` requests in flight per host, starts spaced by `interval`.

    Also records the peak of requests in flight per host, which the tests
    and the benchmark read to show the limit holds.
    """

    def __init__(self, per_host: int, interval: float, concurrency: int = 16) -> None:
        self.per_host = max(1, per_host)
        self._total = asyncio.Semaphore(max(1, concurrency))
        """All hosts together; taken only once a host's turn has come, so a host
        waiting out its interval never holds back the others."""
        self.interval = max(0.0, interval)
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._spacing: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._next: dict[str, float] = {}
        self.active: dict[str, int] = defaultdict(int)
        self.peaks: dict[str, int] = defaultdict(int)

    @contextlib.asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        semaphore = self._slots.setdefault(host, asyncio.Semaphore(self.per_host))
        async with semaphore:
            async with self._spacing[host]:
                now = asyncio.get_running_loop().time()
                start = max(now, self._next.get(host, now))
                self._next[host] = start + self.interval
                if start > now:
                    await asyncio.sleep(start - now)
            async with self._total:
                self.active[host] += 1
                self.peaks[host] = max(self.peaks[host], self.active[host])
                try:
                    yield
                finally:
                    self.active[host] -= 1


def now_iso() -> str:
    return datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat()


def retry_after_seconds(value: str | None) -> float | None:
    """`Retry-After` as seconds to wait: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return max(0.0, (when - datetime.datetime.now(datetime.UTC)).total_seconds())


def _causes(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _connect_failure(url: str, exc: httpx.HTTPError) -> Result:
    """A connection that never carried a request: gone name, TLS, refused, timeout."""
    chain = _causes(exc)
    text = " ".join(str(e) for e in chain)
    for cause in chain:
        if isinstance(cause, socket.gaierror):
            if cause.errno in _DNS_GONE:
                return Result(url, DEAD, "the host name no longer resolves (DNS)")
            return Result(url, UNKNOWN, f"DNS lookup failed: {cause}", retryable=True)
    if "Name or service not known" in text or "nodename nor servname" in text:
        return Result(url, DEAD, "the host name no longer resolves (DNS)")
    if any(isinstance(c, ssl.SSLError) for c in chain) or "SSL" in text or "TLS" in text:
        return Result(url, UNKNOWN, f"TLS failure: {exc}")
    if isinstance(exc, httpx.TimeoutException):
        return Result(url, UNKNOWN, "timed out", retryable=True)
    return Result(url, UNKNOWN, f"connection failed: {exc or type(exc).__name__}", retryable=True)


def _classify(url: str, code: int, reason: str, hops: list[tuple[int, str]]) -> Result:
    said = f"{code} {reason}".strip()
    if 200 <= code < 300:
        return Result(url, REDIRECTED if hops else OK, said, code)
    if code in (404, 410):
        return Result(url, DEAD, said, code)
    return Result(url, UNKNOWN, said, code, retryable=code in _RETRYABLE_CODES or code >= 500)


def _moved_to(hops: list[tuple[int, str]]) -> str | None:
    """The address reached by the unbroken run of permanent redirects from the start."""
    moved = None
    for code, target in hops:
        if code not in _PERMANENT:
            break
        moved = target
    return moved


class Checker:
    """Checks many addresses with one client, one gate and one policy."""

    def __init__(self, policy: Policy, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.policy = policy
        self.gate = HostGate(policy.per_host, policy.interval, policy.concurrency)
        self.transport = transport

    def client(self) -> httpx.AsyncClient:
        try:
            import h2  # noqa: F401  (HTTP/2 is used where the library for it is installed)

            http2 = True
        except ImportError:
            http2 = False
        return httpx.AsyncClient(
            http2=http2 and self.transport is None,
            timeout=httpx.Timeout(self.policy.timeout),
            follow_redirects=False,
            transport=self.transport,
            headers={"User-Agent": f"reportgen/{__version__} (source link check)"},
            limits=httpx.Limits(max_connections=self.policy.concurrency),
        )

    async def check_all(self, urls: list[str]) -> dict[str, Result]:
        async with self.client() as client:

            async def one(url: str) -> tuple[str, Result]:
                return url, await self.check(client, url)

            pairs = await asyncio.gather(*(one(url) for url in dict.fromkeys(urls)))
        return dict(pairs)

    async def check(self, client: httpx.AsyncClient, url: str) -> Result:
        """One address, retried with backoff while the answer is uncertain."""
        tries = 0
        while True:
            tries += 1
            result = await self._follow(client, url)
            if not result.retryable or tries > self.policy.retries:
                break
            wait = result.retry_after
            if wait is None:
                wait = self.policy.backoff * 2 ** (tries - 1)
            elif wait > self.policy.max_wait:
                detail = f"{result.detail}; asked to retry after {wait:.0f} s"
                result = replace(result, detail=detail)
                break
            await asyncio.sleep(wait)
        if tries > 1:
            result = replace(result, detail=f"{result.detail} after {tries} tries")
        return replace(result, tries=tries, checked=now_iso())

    async def _follow(self, client: httpx.AsyncClient, url: str) -> Result:
        """Request the address and follow its redirects by hand, recording each hop."""
        hops: list[tuple[int, str]] = []
        current = url
        seen = {url}
        for _ in range(self.policy.max_redirects + 1):
            host = urlsplit(current).hostname or ""
            try:
                async with self.gate.slot(host), client.stream("GET", current) as response:
                    code, reason = response.status_code, response.reason_phrase
                    location = response.headers.get("location")
                    wait = retry_after_seconds(response.headers.get("retry-after"))
            except httpx.HTTPError as exc:
                failed = _connect_failure(url, exc)
                return replace(failed, redirects=tuple(hops))
            except (ValueError, UnicodeError) as exc:
                return Result(url, UNKNOWN, f"not a usable address: {exc}", redirects=tuple(hops))
            if code in _REDIRECTS and location:
                target = urljoin(current, location)
                hops.append((code, target))
                if target in seen:
                    return Result(
                        url, UNKNOWN, f"redirect loop back to {target}", code, tuple(hops)
                    )
                seen.add(target)
                current = target
                continue
            result = _classify(url, code, reason, hops)
            return replace(
                result, redirects=tuple(hops), moved_to=_moved_to(hops), retry_after=wait
            )
        limit = self.policy.max_redirects
        return Result(url, UNKNOWN, f"more than {limit} redirects", redirects=tuple(hops))


def check_urls(
    urls: list[str], policy: Policy, transport: httpx.AsyncBaseTransport | None = None
) -> tuple[dict[str, Result], dict[str, int]]:
    """Check every address; returns the results and the peak requests in flight per host."""
    checker = Checker(policy, transport)
    results = asyncio.run(checker.check_all(urls))
    return results, dict(checker.gate.peaks)
