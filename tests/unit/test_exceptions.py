from __future__ import annotations

import inspect

import savantsdk.exceptions as ex


def test_tree_shape() -> None:
    assert issubclass(ex.ConfigurationError, ValueError)
    assert issubclass(ex.SourceTimeoutError, ex.SourceConnectionError)
    for name in (
        "NotFoundError",
        "RateLimitedError",
        "QuotaExceededError",
        "UnauthorizedError",
        "SourceServerError",
        "BadRequestError",
    ):
        assert issubclass(getattr(ex, name), ex.SourceStatusError)
    assert issubclass(ex.BatchError, ExceptionGroup)
    assert issubclass(ex.AllFailedError, ex.SourceError)
    assert issubclass(ex.PartialResultWarning, ex.SavantWarning)
    assert issubclass(ex.SavantWarning, UserWarning)
    for name in ex.__all__:
        obj = getattr(ex, name)
        if name.endswith("Warning"):
            assert issubclass(obj, ex.SavantWarning), name
            continue
        assert issubclass(obj, ex.SavantError), name
        assert name.endswith("Error")


def test_every_error_is_drawn_in_the_docstring() -> None:
    doc = inspect.getdoc(ex) or ""
    for name in ex.__all__:
        assert name in doc, f"{name} missing from the tree in the module docstring"


def test_messages_are_redacted_at_construction() -> None:
    e = ex.SourceServerError(
        "boom at https://h/x?apiKey=abcd1234efgh",
        source="odds_api",
        status_code=500,
        body="key=zzzz9999",
        request="GET https://h/x?apiKey=abcd1234efgh",
    )
    assert "abcd1234efgh" not in str(e)
    assert "zzzz9999" not in e.body
    assert str(e).startswith("[odds_api] ")
