"""Send one signed webhook request to the address the SSRF guard checked, and report what happened.

No Flask, Celery or database here: the HTTP client and the resolver are passed in, so tests drive
a real receiver on 127.0.0.1 and the workers keep one client per process.
"""

from __future__ import annotations

import datetime as dt
import time

import httpx

from service.webhooks.schedule import AttemptResult, parse_retry_after
from service.webhooks.ssrf import RefusedDestination, Resolver, checked_address, resolve_host

# Only 2xx within this time counts (Svix's hosted figure); each phase has its own explicit timeout.
TIMEOUT = httpx.Timeout(15.0, connect=5.0, pool=5.0)
# An overall cap on reading the body, since httpx's read timeout is per chunk and a drip-feed could last forever.
TOTAL_SECONDS = 15.0
EXCERPT_BYTES = 2048
USER_AGENT = "Sift-Webhooks/1"


def make_client() -> httpx.Client:
    """Build the client deliveries use: no redirects, no proxies from the environment, explicit timeouts."""
    return httpx.Client(follow_redirects=False, trust_env=False, timeout=TIMEOUT)


def send_webhook(
    client: httpx.Client,
    url: str,
    body: str,
    headers: dict[str, str],
    *,
    allow_loopback: bool,
    resolve: Resolver = resolve_host,
) -> AttemptResult:
    """POST the body to the URL, connecting only to an address the guard allowed; never raise."""
    started = time.perf_counter()

    def elapsed_ms() -> float:
        return round((time.perf_counter() - started) * 1000, 1)

    try:
        target = httpx.URL(url)
        host = target.host
        port = target.port or (443 if target.scheme == "https" else 80)
        address = checked_address(host, port, allow_loopback, resolve)
    except RefusedDestination as refused:
        return AttemptResult(None, elapsed_ms(), error=f"refused: {refused}")
    except (httpx.InvalidURL, ValueError) as invalid:
        return AttemptResult(None, elapsed_ms(), error=f"invalid URL: {invalid}")

    # Pin the connection to the checked address: the URL now names the IP, so httpx neither resolves
    # the name again (no DNS-rebinding window), while the Host header and TLS SNI (the `sni_hostname`
    # extension, which httpcore also uses to verify the certificate) keep the original name.
    pinned = target.copy_with(host=address)
    request_headers = {
        **headers,
        "Host": target.netloc.decode("ascii"),
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    }
    extensions = {"sni_hostname": host} if target.scheme == "https" else {}
    try:
        with client.stream(
            "POST",
            pinned,
            content=body.encode("utf-8"),
            headers=request_headers,
            extensions=extensions,
            follow_redirects=False,
            timeout=TIMEOUT,
        ) as response:
            excerpt = _read_excerpt(response, started)
            retry_after = parse_retry_after(response.headers.get("Retry-After"), dt.datetime.now(dt.UTC))
            error = ""
            if response.is_redirect:
                error = f"redirect to {response.headers.get('Location', '?')} not followed"
            elif not response.is_success:
                error = f"HTTP {response.status_code}"
            return AttemptResult(response.status_code, elapsed_ms(), excerpt, error, retry_after=retry_after)
    except httpx.TimeoutException as timeout:
        return AttemptResult(None, elapsed_ms(), error=f"timed out ({type(timeout).__name__})", timed_out=True)
    except httpx.HTTPError as failure:
        return AttemptResult(None, elapsed_ms(), error=f"{type(failure).__name__}: {failure}"[:500])


def _read_excerpt(response: httpx.Response, started: float) -> str:
    """Read at most EXCERPT_BYTES of the body, and stop at the overall deadline."""
    collected = b""
    for chunk in response.iter_bytes():
        collected += chunk
        if len(collected) >= EXCERPT_BYTES or time.perf_counter() - started > TOTAL_SECONDS:
            break
    return collected[:EXCERPT_BYTES].decode("utf-8", errors="replace")
