"""The circuit-breaker seam, and its pybreaker implementation made safe for async code.

pybreaker's own ``call``/``calling`` cannot guard an ``await`` correctly (it counts an
un-awaited coroutine as a success, a cancellation as a failure, lets every concurrent caller
through in half-open, and reads the wall clock).  So :class:`PyBreakerGate` keeps pybreaker as
the *state machine and storage* (counters, states, listeners, a swappable storage) and decides
the rest itself:

- **Timing** is read from the injected clock: open -> half-open once ``reset_timeout_s`` has
  passed on *our* clock, through pybreaker's public ``half_open()``.
- **One probe**: in half-open, one permit is handed out; every other caller fails fast with
  :class:`CircuitOpenError` until the probe reports.
- **Outcomes** are classified by the executor (see :func:`classify_outcome`) and fed to pybreaker
  through its synchronous ``call()`` with a function that returns or raises at once, so no
  coroutine ever passes through pybreaker.  ``NEUTRAL`` outcomes (cancellation, 429, errors
  that are not the upstream's) are never reported.
- **Stale outcomes**: every permit carries the breaker *generation* (bumped on each state
  change); an outcome from a permit of an older generation is ignored, so a slow request that
  started before the breaker opened cannot close or re-open it.
"""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

import pybreaker

from ..exceptions import CircuitOpenError, describe_cause
from ..typing import Clock

__all__ = (
    "BreakerGate",
    "NullBreakerGate",
    "Outcome3",
    "Permit",
    "PyBreakerGate",
)


class Outcome3(enum.Enum):
    """How one attempt counts for the breaker."""

    SUCCESS = "success"
    FAILURE = "failure"
    NEUTRAL = "neutral"


class Permit:
    """Proof that the breaker let one attempt through."""

    __slots__ = ("generation", "probe")

    def __init__(self, generation: int, probe: bool) -> None:
        self.generation: int = generation
        self.probe: bool = probe


class BreakerGate(Protocol):
    """What the executor needs from a circuit breaker."""

    @property
    def state(self) -> str:
        """``"closed"``, ``"open"`` or ``"half-open"``."""
        ...

    @property
    def transitions(self) -> int: ...

    def acquire(self) -> Permit:
        """A permit for one attempt, or :class:`CircuitOpenError` (fail fast)."""
        ...

    def release(
        self, permit: Permit, outcome: Outcome3, error: BaseException | None = None
    ) -> None:
        """Report one attempt; ``error`` is what a failed attempt raised (it may open the
        breaker, and is then the ``opened_by`` of every ``CircuitOpenError`` after)."""
        ...


class NullBreakerGate:
    """``BreakerPolicy(enabled=False)``: always closed."""

    __slots__ = ()
    _PERMIT = Permit(0, False)
    state = "closed"
    transitions = 0

    def acquire(self) -> Permit:
        return self._PERMIT

    def release(
        self, permit: Permit, outcome: Outcome3, error: BaseException | None = None
    ) -> None:
        return None

    def __repr__(self) -> str:
        return "NullBreakerGate()"


def open_error(
    source: str,
    state: str,
    clock: Clock,
    seconds_left: float,
    opened_by: BaseException | None,
    *,
    unknown: str = "",
) -> CircuitOpenError:
    """The fail-fast error, naming the failure that opened the breaker::

    circuit breaker for 'savant' is open (opened by SourceConnectionError: [savant]
    ConnectError: ...); retry after 12.3s (at 2024-07-01T00:00:12.300000+00:00)
    """
    left = max(0.0, seconds_left)
    retry_at = datetime.fromtimestamp(clock.time() + left, tz=UTC)
    cause = f" (opened by {describe_cause(opened_by)})" if opened_by is not None else unknown
    return CircuitOpenError(
        f"circuit breaker for {source!r} is {state}{cause}; retry after {left:.1f}s "
        f"(at {retry_at.isoformat()})",
        source=source,
        retry_at=retry_at,
        opened_by=opened_by,
    )


class _UpstreamFailureError(Exception):
    """Raised inside pybreaker's ``call()`` to report one failure."""


def _succeed() -> None:
    return None


def _fail() -> None:
    raise _UpstreamFailureError


class _Listener(pybreaker.CircuitBreakerListener):
    def __init__(self, gate: PyBreakerGate) -> None:
        self._gate = gate

    def state_change(
        self,
        cb: pybreaker.CircuitBreaker,
        old_state: pybreaker.CircuitBreakerState | None,
        new_state: pybreaker.CircuitBreakerState,
    ) -> None:
        self._gate._on_state_change(
            old_state.name if old_state is not None else "closed", new_state.name
        )


class PyBreakerGate:
    """pybreaker's state machine, driven safely from async code on an injectable clock."""

    def __init__(
        self,
        *,
        source: str,
        fail_max: int,
        reset_timeout_s: float,
        success_threshold: int,
        clock: Clock,
        on_transition: Callable[[str, str], None] | None = None,
        storage: pybreaker.CircuitBreakerStorage | None = None,
    ) -> None:
        self._source = source
        self._clock = clock
        self._reset_timeout_s = reset_timeout_s
        self._on_transition = on_transition
        self._generation = 0
        self._transitions = 0
        self._opened_at = clock.monotonic()
        self._probe: Permit | None = None
        self._closed_permit = Permit(0, False)
        self._last_failure: BaseException | None = None
        self._opened_by: BaseException | None = None
        self._cb = pybreaker.CircuitBreaker(
            fail_max=fail_max,
            reset_timeout=reset_timeout_s,
            success_threshold=success_threshold,
            listeners=[_Listener(self)],
            state_storage=storage,
            name=source,
        )

    def __repr__(self) -> str:
        return f"PyBreakerGate(source={self._source!r}, state={self.state!r})"

    @property
    def state(self) -> str:
        return str(self._cb.current_state)

    @property
    def transitions(self) -> int:
        return self._transitions

    @property
    def fail_counter(self) -> int:
        return int(self._cb.fail_counter)

    def _on_state_change(self, old: str, new: str) -> None:
        self._generation += 1
        self._transitions += 1
        self._probe = None
        if new == pybreaker.STATE_OPEN:
            self._opened_at = self._clock.monotonic()
            self._opened_by = self._last_failure
        elif new == pybreaker.STATE_CLOSED:
            self._closed_permit = Permit(self._generation, False)
        if self._on_transition is not None:
            self._on_transition(old, new)

    @property
    def opened_by(self) -> BaseException | None:
        """The failure that last opened the breaker (None if it never opened)."""
        return self._opened_by

    def _open_error(self, message: str, seconds_left: float) -> CircuitOpenError:
        return open_error(self._source, message, self._clock, seconds_left, self._opened_by)

    def acquire(self) -> Permit:
        state = self._cb.current_state
        if state == pybreaker.STATE_CLOSED:
            return self._closed_permit
        if state == pybreaker.STATE_OPEN:
            left = self._opened_at + self._reset_timeout_s - self._clock.monotonic()
            if left > 0:
                raise self._open_error("open", left)
            self._cb.half_open()
        if self._probe is not None:
            raise self._open_error("half-open with its probe in flight", 0.0)
        self._probe = Permit(self._generation, True)
        return self._probe

    def release(
        self, permit: Permit, outcome: Outcome3, error: BaseException | None = None
    ) -> None:
        if permit.probe and self._probe is permit:
            self._probe = None
        if permit.generation != self._generation or outcome is Outcome3.NEUTRAL:
            return
        if outcome is Outcome3.SUCCESS:
            # A success only resets the failure counter in "closed": skip the call when it is 0.
            if permit.probe or self._cb.fail_counter:
                self._cb.call(_succeed)
            return
        self._last_failure = error
        with contextlib.suppress(_UpstreamFailureError, pybreaker.CircuitBreakerError):
            self._cb.call(_fail)
