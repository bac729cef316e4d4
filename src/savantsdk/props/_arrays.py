"""The numpy array aliases of the model (one home; a leaf module every ``props`` module may use)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ("BoolArray", "FloatArray", "IntArray")

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
