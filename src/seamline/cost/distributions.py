"""Draws for every input range: PERT or triangular, sampled by inverse-CDF tables.

Each input gets a quantile table (its inverse CDF on an evenly spaced grid of probabilities), built once
per plan; a draw is then one uniform number and a linear interpolation in the table, the same for every
input, so all inputs of all models are drawn in one vectorised step. PERT tables are built from the Beta
density by numerical integration (exact up to the grid); triangular tables from the closed form.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

TABLE_POINTS = 2049  # knots of each quantile table
DENSITY_POINTS = 16385  # grid used to integrate the PERT density


class RangeLike(Protocol):
    @property
    def low(self) -> float: ...
    @property
    def likely(self) -> float: ...
    @property
    def high(self) -> float: ...
    @property
    def distribution(self) -> str: ...


def quantile_table(item: RangeLike, points: int = TABLE_POINTS) -> NDArray[np.float64]:
    """Values of the inverse CDF of ``item`` at ``points`` evenly spaced probabilities from 0 to 1."""
    import numpy as np

    low, mode, high = item.low, item.likely, item.high
    q = np.linspace(0.0, 1.0, points)
    if high <= low:
        return np.full(points, low, dtype=np.float64)
    width = high - low
    if item.distribution == "triangular":
        split = (mode - low) / width
        left = low + np.sqrt(q * width * (mode - low))
        right = high - np.sqrt((1 - q) * width * (high - mode))
        return np.where(q < split, left, right)
    alpha = 1 + 4 * (mode - low) / width
    beta = 1 + 4 * (high - mode) / width
    x = np.linspace(0.0, 1.0, DENSITY_POINTS)
    density = x ** (alpha - 1) * (1 - x) ** (beta - 1)
    cdf = np.concatenate(([0.0], np.cumsum((density[1:] + density[:-1]) / 2)))
    cdf /= cdf[-1]
    return low + width * np.interp(q, cdf, x)


def pert_mean(item: RangeLike) -> float:
    """The analytic mean of the input's distribution (used by tests and documentation)."""
    if item.distribution == "triangular":
        return (item.low + item.likely + item.high) / 3
    return (item.low + 4 * item.likely + item.high) / 6


class Sampler:
    """Draws a (inputs x trials) matrix for a fixed list of inputs; fixed inputs cost no random numbers."""

    def __init__(self, items: Sequence[RangeLike], points: int = TABLE_POINTS) -> None:
        import numpy as np

        self.size = len(items)
        self.points = points
        random = [i for i, it in enumerate(items) if it.high > it.low]
        fixed = [i for i, it in enumerate(items) if not it.high > it.low]
        self.random_rows = np.array(random, dtype=np.intp)
        self.fixed_rows = np.array(fixed, dtype=np.intp)
        self.fixed_values = np.array([items[i].likely for i in fixed], dtype=np.float64)
        tables = [quantile_table(items[i], points) for i in random]
        self.tables = np.concatenate(tables) if tables else np.zeros(0)
        self.offsets = (np.arange(len(random), dtype=np.intp) * points)[:, None]

    @property
    def random_count(self) -> int:
        return len(self.random_rows)

    def draw(
        self, rng: np.random.Generator, n: int, out: NDArray[np.float64] | None = None
    ) -> NDArray[np.float64]:
        """A fresh (inputs, n) matrix of draws (written into ``out`` when given)."""
        import numpy as np

        if out is None:
            out = np.empty((self.size, n), dtype=np.float64)
        if self.fixed_rows.size:
            out[self.fixed_rows] = self.fixed_values[:, None]
        if self.random_rows.size:
            t = rng.random((self.random_rows.size, n))
            t *= self.points - 1
            idx = t.astype(np.intp)
            t -= idx
            idx += self.offsets
            lo = self.tables.take(idx)
            hi = self.tables.take(idx + 1)
            hi -= lo
            hi *= t
            hi += lo
            out[self.random_rows] = hi
        return out
