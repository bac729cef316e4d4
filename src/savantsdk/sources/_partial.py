"""One rule for calls made of many parts (days of a Statcast range, ids of a batch).

With ``errors="warn"`` (the default) a call whose *every* part failed raises
:class:`~savantsdk.exceptions.AllFailedError` naming the root cause, and a call where only
*some* parts failed emits a :class:`~savantsdk.exceptions.PartialResultWarning` naming the
failed parts and the cause, and returns the rest.  ``errors="return"`` returns the result with
its errors and says nothing (for callers that report the errors themselves).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import Final, Literal, TypeVar

from .._redact import redact
from ..exceptions import (
    AllFailedError,
    CircuitOpenError,
    ConfigurationError,
    PartialResultWarning,
    describe_cause,
)

__all__ = ("ErrorMode", "check_errors", "check_mode", "describe_error", "root_cause")

#: ``"warn"``: all parts failed -> raise, some failed -> warn; ``"return"``: say nothing.
ErrorMode = Literal["warn", "return"]
_MODES: Final = ("warn", "return")
_SHOWN: Final = 5  # failed parts named in a message before "..."
K = TypeVar("K")


def check_mode(value: object) -> ErrorMode:
    if value not in _MODES:
        raise ConfigurationError(
            f"errors must be 'warn' or 'return', got {value!r}", setting="errors"
        )
    return value


def root_cause(errors: Iterable[Exception]) -> Exception:
    """The error that best explains a failure: the first that is not a ``CircuitOpenError``
    (the breaker only repeats an earlier failure), else the first breaker error."""
    errs = list(errors)
    if not errs:
        raise ValueError("root_cause() of no errors")
    return next((e for e in errs if not isinstance(e, CircuitOpenError)), errs[0])


def describe_error(exc: BaseException) -> str:
    """``"SourceConnectionError: [savant] ConnectError: ..."`` (redacted)."""
    return redact(f"{type(exc).__name__}: {exc}")


def check_errors(
    mode: ErrorMode,
    *,
    source: str,
    what: str,
    total: int,
    errors: Mapping[K, Exception],
    result: object,
    label: Callable[[K], str] = str,
    span: str = "",
    detail: str = "the typed errors are in .errors, errors='return' silences this",
) -> None:
    """Apply the rule to a finished call of ``total`` parts (``what``: ``"day"``, ``"id"``)."""
    if mode == "return" or not errors or total <= 0:
        return
    cause = root_cause(errors.values())
    kinds = sorted({type(e).__name__ for e in errors.values()})
    failed = [label(k) for k in errors]
    named = ", ".join(failed[:_SHOWN]) + (", ..." if len(failed) > _SHOWN else "")
    where = f" of {span}" if span else ""
    if len(errors) >= total:
        message = (
            f"every {what}{where} failed ({len(errors)} of {total}; {', '.join(kinds)}): "
            f"{describe_cause(cause)}"
        )
        raise AllFailedError(
            message, source=source, errors=errors, root_cause=cause, result=result
        ) from cause
    message = (
        f"{source}: {len(errors)} of {total} {what}s{where} failed and are missing from the "
        f"result ({named}): {describe_cause(cause)}; {detail}"
    )
    warnings.warn(message, PartialResultWarning, stacklevel=3)
