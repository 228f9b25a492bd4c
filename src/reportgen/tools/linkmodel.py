"""Editor tool (links): what a link check is asked and what it answers, as plain data.

Kept apart from the HTTP client so that the command line, the cache and the
reports load without it: only a run that requests addresses imports httpx.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FORMATS = ("text", "json", "github", "markdown")
OK, REDIRECTED, DEAD, UNKNOWN = "ok", "redirected", "dead", "unknown"
STATUSES = (DEAD, UNKNOWN, REDIRECTED, OK)
"""Worst first: the order reports list them in."""


@dataclass(frozen=True)
class Policy:
    """How hard and how politely to check."""

    timeout: float = 10.0
    """Seconds for connecting and for the first byte of each response."""
    retries: int = 2
    """Extra tries for uncertain answers (429, 5xx, timeouts, refused connections)."""
    backoff: float = 2.0
    """First wait between tries in seconds; doubles each time."""
    max_wait: float = 120.0
    """Longest `Retry-After` honoured; a longer one leaves the URL `unknown`."""
    per_host: int = 2
    interval: float = 0.5
    """Seconds between the starts of two requests to one host."""
    concurrency: int = 16
    max_redirects: int = 10


@dataclass(frozen=True)
class Result:
    """What one address answered, after redirects and retries."""

    url: str
    status: str
    detail: str
    code: int | None = None
    redirects: tuple[tuple[int, str], ...] = ()
    """Each hop: the status that redirected and the address it pointed to."""
    moved_to: str | None = None
    """Where permanent redirects (301/308) from the start lead: the address to cite now."""
    tries: int = 1
    checked: str = ""
    """When, as an ISO 8601 UTC timestamp."""
    retry_after: float | None = field(default=None, compare=False)
    retryable: bool = field(default=False, compare=False)

    @property
    def final_url(self) -> str:
        return self.redirects[-1][1] if self.redirects else self.url


AVAILABILITY_API = "https://archive.org"
SAVE_API = "https://web.archive.org"
ACCESS_KEY, SECRET_KEY = "WAYBACK_ACCESS_KEY", "WAYBACK_SECRET_KEY"
"""Environment variables with an archive.org S3-style key pair (archive.org/account/s3.php)."""


@dataclass(frozen=True)
class Snapshot:
    url: str
    date: str
    """YYYY-MM-DD, from the snapshot's timestamp."""


@dataclass(frozen=True)
class Lookup:
    """The archive's answer for one address."""

    url: str
    snapshot: Snapshot | None = None
    error: str | None = None
    saved: str | None = None
    """With --save: what Save Page Now said (its job id), or why it refused."""
