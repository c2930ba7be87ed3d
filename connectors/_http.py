"""HTTP plumbing shared by the connectors: timeouts on every call, and SDK-neutral error translation.

A rate limit, a 5xx, a timeout or a refused connection becomes TransientError (with `retry_after` when
the server said how long to wait); bad credentials and other 4xx become TerminalError. The core's retry
wrapper (HttpPolicy.retry) decides what to do with them.
"""
from __future__ import annotations

import json
import ssl
import time
from functools import lru_cache
from email.utils import parsedate_to_datetime
from typing import Any, Mapping
from urllib.parse import urlsplit

import httpx
import requests
from requests.adapters import HTTPAdapter

from monitor.errors import ArcwatchError, TerminalError, TransientError
from monitor.types import HttpPolicy

_EPOCH_FLOOR = 1_000_000_000  # reset headers above this are Unix times, below it are seconds to wait


def short_url(url: Any) -> str:
    """A URL without its query string, for error messages (queries can be long or carry keys)."""
    parts = urlsplit(str(url))
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def retry_after_seconds(headers: Mapping[str, str] | None, now: float | None = None) -> float | None:
    """Seconds the server asked us to wait: Retry-After, X's x-rate-limit-reset, Reddit's or Bluesky's reset."""
    if not headers:
        return None
    lower = {str(k).lower(): str(v) for k, v in headers.items()}
    now = time.time() if now is None else now
    value = lower.get("retry-after")
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            try:
                return max(0.0, parsedate_to_datetime(value).timestamp() - now)
            except (TypeError, ValueError):
                pass
    for key in ("x-rate-limit-reset", "x-ratelimit-reset", "ratelimit-reset"):
        if lower.get(key):
            try:
                reset = float(lower[key])
            except ValueError:
                continue
            return max(0.0, reset - now) if reset > _EPOCH_FLOOR else max(0.0, reset)
    return None


def status_error(status: int, url: Any, headers: Mapping[str, str] | None = None, *,
                 auth_hint: str = "", detail: str = "") -> ArcwatchError:
    """The error for an HTTP failure status: transient for 429/5xx, terminal otherwise."""
    where = short_url(url)
    extra = f": {detail[:200]}" if detail else ""
    if status == 429:
        wait = retry_after_seconds(headers)
        asked = f"; server asks to wait {wait:.0f}s" if wait is not None else ""
        return TransientError(f"rate limited (HTTP 429) by {where}{asked}", retry_after=wait)
    if status >= 500:
        return TransientError(f"server error (HTTP {status}) from {where}{extra}",
                              retry_after=retry_after_seconds(headers) if status == 503 else None)
    if status in (401, 403):
        hint = f"; {auth_hint}" if auth_hint else ""
        return TerminalError(f"credentials rejected (HTTP {status}) by {where}{hint}{extra}")
    return TerminalError(f"request refused (HTTP {status}) by {where}{extra}")


def network_error(exc: BaseException, url: Any, timeout: float) -> TransientError:
    """The error for a failure below HTTP: timeout, refused connection, dropped connection."""
    where = short_url(url)
    if isinstance(exc, (httpx.TimeoutException, requests.Timeout)):
        return TransientError(f"timed out after {timeout:g}s waiting for {where}")
    if isinstance(exc, (httpx.ConnectError, requests.ConnectionError)) and "refused" in str(exc).lower():
        return TransientError(f"connection refused by {where}")
    return TransientError(f"network error talking to {where}: {type(exc).__name__}: {exc}")


class _PolicyAdapter(HTTPAdapter):
    """A requests adapter that always applies our timeout, and can send a fixed origin elsewhere."""

    def __init__(self, timeout: float, rewrite: tuple[str, str] | None):
        super().__init__(max_retries=0)  # retries happen in one place: the core's Retrier
        self._timeout = timeout
        self._rewrite = rewrite

    def send(self, request, **kwargs):  # noqa: D102 - requests' signature
        kwargs["timeout"] = self._timeout  # SDKs such as tweepy pass none at all
        if self._rewrite and request.url.startswith(self._rewrite[0]):
            request.url = self._rewrite[1] + request.url[len(self._rewrite[0]):]
        return super().send(request, **kwargs)


def requests_session(http: HttpPolicy, *, origin: str | None = None, base_url: str | None = None
                     ) -> requests.Session:
    """A requests Session for an SDK: our timeout on every call; `origin` URLs go to `base_url` if given."""
    session = requests.Session()
    rewrite = (origin.rstrip("/"), base_url.rstrip("/")) if origin and base_url else None
    adapter = _PolicyAdapter(http.timeout, rewrite)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = http.user_agent
    return session


@lru_cache(maxsize=1)
def _tls() -> ssl.SSLContext:
    """One verified TLS context for every client: building one costs tens of milliseconds."""
    return ssl.create_default_context()


class JsonClient:
    """GETs JSON (or bytes) from one site with httpx, translating every failure into our errors."""

    def __init__(self, base_url: str, http: HttpPolicy, *, headers: Mapping[str, str] | None = None,
                 auth_hint: str = ""):
        self.http = http
        self.auth_hint = auth_hint
        self._client = httpx.Client(base_url=base_url.rstrip("/"), timeout=http.timeout, follow_redirects=True,
                                    verify=_tls(),
                                    headers={"User-Agent": http.user_agent, "Accept": "application/json",
                                             **(headers or {})})

    def get(self, path: str, params: Mapping[str, Any] | None = None,
            headers: Mapping[str, str] | None = None) -> httpx.Response:
        """One GET, retried through the core; returns 2xx and 304 responses, raises for the rest."""
        return self.http.retry(lambda: self._get_once(path, params, headers), f"GET {path}")

    def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """The decoded JSON body of a GET; malformed JSON is a TerminalError naming the URL."""
        def once() -> Any:
            response = self._get_once(path, params, None)
            try:
                return json.loads(response.content)
            except ValueError as exc:
                raise TerminalError(f"malformed JSON from {short_url(response.url)}: {exc}") from None
        return self.http.retry(once, f"GET {path}")

    def _get_once(self, path: str, params, headers) -> httpx.Response:
        url = f"{self._client.base_url}{path}"
        try:
            response = self._client.get(path, params=params, headers=headers)
        except httpx.HTTPError as exc:
            raise network_error(exc, url, self.http.timeout) from None
        if response.status_code >= 400:
            raise status_error(response.status_code, response.url, response.headers, auth_hint=self.auth_hint,
                               detail=response.text[:200] if response.status_code < 500 else "")
        return response

    def close(self) -> None:
        """Release the connection pool."""
        self._client.close()
