"""Test helpers: a fake upstream server for all five sources, a simulated league, a fake clock,
retries without waiting (``no_backoff``).

Library code never imports it (only the demo does, lazily).  ``FakeUpstream`` needs the
``savantsdk[testing]`` extra (uvicorn, starlette); importing this package does not.
"""

from typing import TYPE_CHECKING

from .._clock import FakeClock as FakeClock
from .._deprecated import renamed
from ._faults import (
    FaultConfig as FaultConfig,
    Latency as Latency,
    RecordedRequest as RecordedRequest,
    RouteFaults as RouteFaults,
)
from ._league import SimulatedLeague as SimulatedLeague
from ._oracle import TrueLine as TrueLine
from ._retry import no_backoff as no_backoff
from ._server import FakeUpstream as FakeUpstream, Saturation as Saturation

__all__ = (
    "FakeClock",
    "FakeUpstream",
    "FaultConfig",
    "Latency",
    "RecordedRequest",
    "RouteFaults",
    "Saturation",
    "SimulatedLeague",
    "TrueLine",
    "no_backoff",
)

if not TYPE_CHECKING:  # renamed: ``props.PropLine`` is the engine's priced line
    __getattr__ = renamed(__name__, {"PropLine": "TrueLine"}, globals())
