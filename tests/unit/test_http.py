from __future__ import annotations

import email.utils
import ssl
import time

import httpx
import pytest
from hypothesis import given, strategies as st

from savantsdk import (
    AsyncClient,
    BadRequestError,
    NotFoundError,
    QuotaExceededError,
    RateLimitedError,
    SourceConnectionError,
    SourceDecodeError,
    SourceServerError,
    SourceTimeoutError,
    UnauthorizedError,
)
from savantsdk._config import Timeout, default_source_settings
from savantsdk._http import (
    build_async_client,
    error_for_response,
    is_retryable,
    parse_retry_after,
    send,
    tls_context,
)


def _resp(status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        status, content=body, headers=headers, request=httpx.Request("GET", "https://u.test/x")
    )


def test_retry_after_seconds_and_http_date() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after("-3") == 0.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("") is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("nan") is None
    now = 1_700_000_000.0
    date = email.utils.formatdate(now + 30, usegmt=True)
    assert parse_retry_after(date, now=now) == pytest.approx(30.0)
    past = email.utils.formatdate(now - 30, usegmt=True)
    assert parse_retry_after(past, now=now) == 0.0


@given(st.text(max_size=40))
def test_retry_after_never_raises(value: str) -> None:
    result = parse_retry_after(value, now=time.time())
    assert result is None or result >= 0


@pytest.mark.parametrize(
    ("status", "body", "cls", "retryable"),
    [
        (400, b"bad", BadRequestError, False),
        (401, b"no", UnauthorizedError, False),
        (403, b"<html>blocked</html>", UnauthorizedError, False),
        (404, b"", NotFoundError, False),
        (408, b"", BadRequestError, True),
        (
            422,
            b'{"message":"Invalid markets: x","error_code":"INVALID_MARKET"}',
            BadRequestError,
            False,
        ),
        (429, b"", RateLimitedError, True),
        (500, b"", SourceServerError, True),
        (502, b"", SourceServerError, True),
        (503, b"", SourceServerError, True),
        (
            401,
            b'{"message":"Usage quota has been reached.","error_code":"OUT_OF_USAGE_CREDITS"}',
            QuotaExceededError,
            False,
        ),
        (
            429,
            b'{"message":"slow down","error_code":"EXCEEDED_FREQ_LIMIT"}',
            RateLimitedError,
            True,
        ),
        (
            401,
            b'{"message":"API key is not valid","error_code":"INVALID_KEY"}',
            UnauthorizedError,
            False,
        ),
    ],
)
def test_status_mapping(status: int, body: bytes, cls: type, retryable: bool) -> None:
    err = error_for_response("odds_api", _resp(status, body))
    assert type(err) is cls
    assert err is not None
    assert is_retryable(err) is retryable
    assert err.status_code == status  # type: ignore[attr-defined]
    assert err.source == "odds_api"


def test_success_is_not_an_error() -> None:
    assert error_for_response("s", _resp(200, b"{}")) is None
    assert error_for_response("s", _resp(204)) is None


def test_429_carries_retry_after() -> None:
    err = error_for_response("s", _resp(429, b"", {"Retry-After": "12"}))
    assert isinstance(err, RateLimitedError)
    assert err.retry_after == 12.0


def test_403_says_it_may_be_a_bot_block() -> None:
    err = error_for_response("prizepicks", _resp(403, b"<html><body>Access denied</body></html>"))
    assert isinstance(err, UnauthorizedError)
    assert "bot protection" in str(err)


def test_retryability_of_non_status_errors() -> None:
    assert is_retryable(SourceTimeoutError("t", source="s"))
    assert is_retryable(SourceConnectionError("c", source="s"))
    assert not is_retryable(SourceDecodeError("d", source="s"))
    assert not is_retryable(ValueError("x"))


@pytest.mark.anyio
async def test_send_maps_transport_failures() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("read timed out", request=request)

    settings = default_source_settings("statsapi", base_url="https://statsapi.test")
    async with build_async_client(settings, transport=httpx.MockTransport(refuse)) as c:
        with pytest.raises(SourceConnectionError) as info:
            await send(c, "statsapi", "GET", "/api/v1/schedule")
        assert not isinstance(info.value, SourceTimeoutError)
        assert "GET https://statsapi.test/api/v1/schedule" in (info.value.request or "")
    async with build_async_client(settings, transport=httpx.MockTransport(slow)) as c:
        with pytest.raises(SourceTimeoutError):
            await send(c, "statsapi", "GET", "/api/v1/schedule")


@pytest.mark.anyio
async def test_send_total_deadline_is_enforced() -> None:
    import anyio

    async def hang(request: httpx.Request) -> httpx.Response:
        await anyio.sleep(30)
        return httpx.Response(200)

    settings = default_source_settings("statsapi", base_url="https://statsapi.test")
    async with build_async_client(settings, transport=httpx.MockTransport(hang)) as c:
        with pytest.raises(SourceTimeoutError, match=r"within 0\.05 s"):
            await send(c, "statsapi", "GET", "/x", total_timeout_s=0.05)


def test_client_timeouts_are_never_infinite() -> None:
    settings = default_source_settings("savant", timeout=Timeout(connect_s=2, read_s=3))
    client = build_async_client(settings)
    t = client.timeout
    assert (t.connect, t.read, t.write, t.pool) == (2.0, 3.0, 30.0, 10.0)
    assert "savantsdk/" in client.headers["user-agent"]


def _pool_tls(client: httpx.AsyncClient) -> ssl.SSLContext:
    # httpx internals (AsyncHTTPTransport -> httpcore pool): where the context actually ends up
    ctx = client._transport._pool._ssl_context  # type: ignore[attr-defined]
    assert isinstance(ctx, ssl.SSLContext)
    return ctx


@pytest.mark.anyio
async def test_tls_is_verified_and_one_context_is_shared_by_sources() -> None:
    async with AsyncClient() as client:
        contexts = [_pool_tls(client.http(s)) for s in ("savant", "statsapi", "odds_api")]
    assert contexts[0] is contexts[1] is contexts[2]  # one CA-bundle load per client
    assert contexts[0].verify_mode == ssl.CERT_REQUIRED
    assert contexts[0].check_hostname
    assert _pool_tls(build_async_client(default_source_settings("savant"))).verify_mode == (
        ssl.CERT_REQUIRED
    )


def test_build_async_client_refuses_a_non_verifying_context() -> None:
    with pytest.raises(ValueError, match="verifying TLS context"):
        build_async_client(default_source_settings("savant"), tls=ssl._create_unverified_context())
    assert tls_context().verify_mode == ssl.CERT_REQUIRED


@pytest.mark.anyio
async def test_a_given_transport_skips_the_ca_bundle_load() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200))
    async with AsyncClient(http_transport=transport) as client:
        client.http("savant")
        assert client._tls is None  # the mock never does TLS: no 30-40 ms context for it
