"""The service's HTTP side: authentication, bounded rate, retries of 5xx, timeouts and 429, tracing."""
# ENTRA-BEHAVIOUR §8 "Expected codes".

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlencode

from mock_kernel.clock import Clock

from .errors import (
    ProvisioningFailure,
    TargetResponse,
    connection_failure,
    failure_for_response,
    incompatible_response,
    timeout_failure,
)
from .scim_requests import equality_filter
from .state import Credentials, ProvisioningSettings, TracedRequest
from .wire import ScimHttp, WireError, WireResponse, WireTimeout

SCIM_JSON = "application/scim+json"


class RateLimiter:
    """A token bucket in wall-clock time: at most `per_second` requests a second on average,
    bursts of up to one second's worth (the test clock may be frozen; throughput is real)."""

    def __init__(self, per_second: float | None) -> None:
        self.per_second = per_second
        self.capacity = max(1.0, per_second or 1.0)
        self.tokens = self.capacity
        self.updated = time.monotonic()
        self.lock = threading.Lock()

    def acquire(self) -> None:
        if not self.per_second:
            return
        while True:
            with self.lock:
                now = time.monotonic()
                self.tokens = min(
                    self.capacity, self.tokens + (now - self.updated) * self.per_second
                )
                self.updated = now
                if self.tokens >= 1:
                    self.tokens -= 1
                    return
                wait = (1 - self.tokens) / self.per_second
            time.sleep(wait)


class Aborted(Exception):
    """The cycle stopped (quarantine): no further requests."""


@dataclass
class ScimResponse:
    status: int
    body: Any


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Retry-After as delay-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, (parsedate_to_datetime(value) - now).total_seconds())
    except (TypeError, ValueError):
        return None


def _decode(response: WireResponse) -> tuple[Any, bool]:
    """The body as JSON (None when empty) and whether it was JSON."""
    if not response.content:
        return None, True
    try:
        return response.json(), True
    except ValueError:
        return None, False


class ScimClient:
    """One job's connection to its target. Thread-safe: workers of a cycle share it."""

    def __init__(
        self,
        *,
        job_id: str,
        app_name: str,
        credentials: Credentials,
        settings: ProvisioningSettings,
        http: ScimHttp,
        clock: Clock,
        record: Callable[[TracedRequest], None],
        sleep: Callable[[float], None] = time.sleep,
        abort: threading.Event | None = None,
        compliant: bool | None = None,
        token_cache: Callable[[tuple[str, datetime] | None], tuple[str, datetime] | None]
        | None = None,
    ) -> None:
        self.job_id = job_id
        self.app_name = app_name
        self.credentials = credentials
        self.settings = settings
        self.http = http
        self.clock = clock
        self.record = record
        self.sleep = sleep
        self.abort = abort or threading.Event()
        self.compliant = credentials.scim_compliant if compliant is None else compliant
        self.limiter = RateLimiter(settings.max_requests_per_second)
        self.token_cache = token_cache
        self._token_lock = threading.Lock()
        self._base: tuple[str | None, str] = (None, "")

    @property
    def base_url(self) -> str:
        # Read for every request; the Tenant URL may be saved again while a cycle runs.
        tenant_url = self.credentials.tenant_url
        if self._base[0] != tenant_url or not self._base[0]:
            self._base = (tenant_url, self.credentials.base_url)
        return self._base[1]

    # authentication

    def _bearer(self) -> str:
        if not self.credentials.uses_oauth:
            return self.credentials.secret_token or ""
        with self._token_lock:
            cached = self.token_cache(None) if self.token_cache else None
            if cached and cached[1] > self.clock.now():
                return cached[0]
            token, lifetime = self._fetch_token()
            expires = self.clock.now() + timedelta(seconds=max(lifetime - 60, 0))
            if self.token_cache:
                self.token_cache((token, expires))
            return token

    def _fetch_token(self) -> tuple[str, float]:
        """OAuth 2.0 client credentials grant (RFC 6749 §4.4) at the configured token endpoint."""
        endpoint = self.credentials.token_endpoint or ""
        form = {
            "grant_type": "client_credentials",
            "client_id": self.credentials.client_id or "",
            "client_secret": self.credentials.client_secret or "",
        }
        try:
            response = self.http.request(
                "POST",
                endpoint,
                content=urlencode(form).encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                timeout=self.settings.request_timeout_seconds,
            )
        except WireTimeout:
            raise timeout_failure(self.app_name, self.settings.request_timeout_seconds) from None
        except WireError as error:
            raise connection_failure(self.app_name, endpoint, str(error)) from None
        self._trace("POST", endpoint, {}, {"grant_type": "client_credentials"}, response, 0.0)
        if response.status != 200:
            failure = failure_for_response(
                self.app_name, TargetResponse(response.status, response.text)
            )
            if response.status in (400, 401, 403):
                failure.code, failure.quarantine = "Unauthorized", True
            raise failure
        try:
            data = response.json()
            return str(data["access_token"]), float(data.get("expires_in", 3600))
        except (ValueError, KeyError):
            raise incompatible_response(
                self.app_name, "the token response has no access_token"
            ) from None

    # requests

    def _trace(
        self,
        method: str,
        url: str,
        params: dict[str, str],
        body: Any,
        response: WireResponse | None,
        started: float,
        *,
        attempt: int = 1,
        waited: float = 0.0,
        error: str | None = None,
        decoded: tuple[Any, bool] | None = None,
    ) -> None:
        answer: Any = None
        if response is not None:
            answer, parsed = decoded or _decode(response)
            if not parsed:
                answer = response.text[:2000]
        base_url = self.base_url
        path = url[len(base_url) :] if url.startswith(base_url) else url
        self.record(
            TracedRequest(
                job_id=self.job_id,
                at=self.clock.now().isoformat(),
                method=method,
                url=url,
                path=path,
                query=dict(params),
                headers={"Authorization": "Bearer <redacted>", "Content-Type": SCIM_JSON},
                body=body,
                status=response.status if response is not None else None,
                response=answer,
                duration_ms=(time.monotonic() - started) * 1000 if started else 0.0,
                attempt=attempt,
                waited_seconds=waited,
                error=error,
            )
        )

    def send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        body: Any = None,
        query: bool = False,
        by_id: bool = False,
    ) -> ScimResponse:
        """Send with retries; a refusal raises ProvisioningFailure with its Entra error code."""
        url = self.base_url + path
        params = params or {}
        content = json.dumps(body).encode() if body is not None else None
        attempts = 1 + max(self.settings.retry_attempts, 0)
        waited = 0.0
        for attempt in range(1, attempts + 1):
            if self.abort.is_set():
                raise Aborted()
            self.limiter.acquire()
            headers = {
                "Authorization": f"Bearer {self._bearer()}",
                "Accept": SCIM_JSON,
            }
            if content is not None:
                headers["Content-Type"] = f"{SCIM_JSON}; charset=utf-8"
            started = time.monotonic()
            failure: ProvisioningFailure
            try:
                response = self.http.request(
                    method,
                    url,
                    params=params or None,
                    content=content,
                    headers=headers,
                    timeout=self.settings.request_timeout_seconds,
                )
            except (WireTimeout, WireError) as error:
                # A timeout is a transport error too, with its own Entra error code.
                if isinstance(error, WireTimeout):
                    failure = timeout_failure(self.app_name, self.settings.request_timeout_seconds)
                else:
                    reason = str(error) or type(error).__name__
                    failure = connection_failure(self.app_name, url, reason)
                self._trace(
                    method,
                    url,
                    params,
                    body,
                    None,
                    started,
                    attempt=attempt,
                    waited=waited,
                    error=failure.code,
                )
            else:
                # Decoded once: the trace keeps the very answer the engine reads.
                decoded = _decode(response)
                self._trace(
                    method,
                    url,
                    params,
                    body,
                    response,
                    started,
                    attempt=attempt,
                    waited=waited,
                    decoded=decoded,
                )
                if response.status < 400:
                    return ScimResponse(response.status, self._parse(response, decoded))
                failure = failure_for_response(
                    self.app_name,
                    TargetResponse(response.status, response.text),
                    query=query,
                    by_id=by_id,
                )
                failure.retry_after = retry_after_seconds(
                    response.header("Retry-After"), self.clock.now()
                )
            if not failure.retryable or attempt == attempts:
                raise failure
            waited = self._wait_before_retry(failure, attempt)
        raise AssertionError("unreachable")

    def _wait_before_retry(self, failure: ProvisioningFailure, attempt: int) -> float:
        if failure.retry_after is not None and self.settings.honour_retry_after:
            wait = min(failure.retry_after, self.settings.max_retry_after_seconds)
        else:
            wait = self.settings.retry_backoff_seconds * (2 ** (attempt - 1))
        if wait > 0:
            self.sleep(wait)
        return wait

    def _parse(self, response: WireResponse, decoded: tuple[Any, bool]) -> Any:
        body, parsed = decoded
        if not parsed:
            raise incompatible_response(
                self.app_name, f"HTTP {response.status} with a body that is not JSON"
            )
        return body

    # the SCIM calls Entra makes

    def query(
        self, resource: str, attribute: str, value: str, *, exclude_members: bool = False
    ) -> list[dict[str, Any]]:
        """GET /Users?filter=… (groups: excludedAttributes=members first, as Entra writes it)."""
        params: dict[str, str] = {}
        if exclude_members:
            params["excludedAttributes"] = "members"
        params["filter"] = equality_filter(attribute, value)
        response = self.send("GET", f"/{resource}", params=params, query=True)
        body = response.body
        if not isinstance(body, dict):
            raise incompatible_response(self.app_name, "a query answered without a ListResponse")
        found = body.get("Resources") or []
        if not isinstance(found, list):
            raise incompatible_response(self.app_name, "Resources is not a list")
        return [r for r in found if isinstance(r, dict)]

    def get(
        self, resource: str, target_id: str, *, exclude_members: bool = False
    ) -> dict[str, Any]:
        params = {"excludedAttributes": "members"} if exclude_members else None
        response = self.send("GET", f"/{resource}/{target_id}", params=params, by_id=True)
        if not isinstance(response.body, dict):
            raise incompatible_response(self.app_name, f"GET /{resource}/{target_id} had no body")
        return response.body

    def create(self, resource: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.send("POST", f"/{resource}", body=body)
        created = response.body
        if not isinstance(created, dict) or not created.get("id"):
            # ENTRA-BEHAVIOUR §8: "expect 201 with id".
            raise incompatible_response(self.app_name, f"POST /{resource} returned no id")
        return created

    def patch(self, resource: str, target_id: str, body: dict[str, Any]) -> ScimResponse:
        return self.send("PATCH", f"/{resource}/{target_id}", body=body, by_id=True)

    def delete(self, resource: str, target_id: str) -> ScimResponse:
        return self.send("DELETE", f"/{resource}/{target_id}", by_id=True)
