from __future__ import annotations

import logging

import httpx
import pytest

from savantsdk import ApiKeys, SourceStatusError
from savantsdk._config import CacheSettings, default_source_settings
from savantsdk._http import build_async_client, send
from savantsdk._redact import redact

KEY = "0123456789abcdef0123456789abcdef"


def test_query_and_url_secrets_are_masked() -> None:
    assert redact(f"GET https://x/v4/sports?apiKey={KEY}&regions=us") == (
        "GET https://x/v4/sports?apiKey=***&regions=us"
    )
    assert redact("redis://default:s3cr3t-pw@cache:6379/0") == "redis://default:***@cache:6379/0"
    assert redact('{"x-api-key": "abcdEFGH1234"}') == '{"x-api-key": "***"}'
    # ordinary text with "key:" stays readable (cache keys are logged)
    assert redact("cache key: savantsdk:v1:mlb:statcast:day:2024-06-10") == (
        "cache key: savantsdk:v1:mlb:statcast:day:2024-06-10"
    )


@pytest.mark.anyio
async def test_key_never_leaks_into_errors_or_logs(
    caplog: pytest.LogCaptureFixture, clean_env: pytest.MonkeyPatch
) -> None:
    """Use a real key through the HTTP seam against an upstream that echoes it back."""
    keys = ApiKeys(odds_api=KEY, sportradar="sr-" + KEY)
    CacheSettings(backend="redis", redis_url=f"redis://u:{KEY[::-1]}@localhost:1/0")

    def handler(request: httpx.Request) -> httpx.Response:
        # echo the key in the body and a header, as a careless upstream might
        return httpx.Response(
            401,
            json={
                "message": f"API key {request.url.params['apiKey']} is not valid",
                "error_code": "INVALID_KEY",
            },
            headers={"x-echo": request.url.params["apiKey"]},
        )

    caplog.set_level(logging.DEBUG)
    settings = default_source_settings("odds_api", base_url="https://api.example.test")
    async with build_async_client(settings, transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(SourceStatusError) as info:
            await send(
                client, "odds_api", "GET", "/v4/sports", params={"apiKey": keys.require("odds_api")}
            )
    err = info.value
    logging.getLogger("savantsdk").error("upstream failed: %s", err)
    logging.getLogger("savantsdk").error("failed request %s body %s", err.request, err.body)
    texts = [str(err), repr(err), err.body, err.request or "", caplog.text, repr(keys)]
    for text in texts:
        assert KEY not in text
        assert KEY[::-1] not in text
    assert "apiKey=***" in (err.request or "")
    assert err.error_code == "INVALID_KEY"
