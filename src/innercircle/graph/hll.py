"""HyperLogLog sketches in vectorised numpy: count distinct accounts without holding the sets.

A sketch of precision ``p`` has ``m = 2**p`` one-byte registers. Each account index is hashed to
64 bits (splitmix64); the first ``p`` bits pick a register, and the register keeps the largest
"rank" seen (1 + the number of leading zeros of the remaining ``64 - p`` bits). Sketches merge by
taking the register-wise maximum, which is what lets reach be propagated over a graph.

The cardinality is read with Ertl's improved raw estimator (O. Ertl, "New cardinality estimation
algorithms for HyperLogLog sketches", 2017), which is nearly unbiased from 0 up to 2**64 without
the empirical bias tables of HLL++:

    E = alpha_inf * m**2 / (m * sigma(C_0 / m) + sum_{k=1..q} C_k * 2**-k),   alpha_inf = 1 / (2 ln 2)

where ``C_k`` counts registers holding ``k`` and ``sigma(x) = x + sum_{j>=1} x**(2**j) * 2**(j-1)``.
Its relative standard error is about ``1.04 / sqrt(m)``: 0.81% at p = 14, 3.25% at p = 10.
"""

from __future__ import annotations

import math

import numpy as np

ALPHA_INF = 1.0 / (2.0 * math.log(2.0))
_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)


def relative_error(p: int) -> float:
    """The relative standard error of a sketch of precision ``p``: 1.04 / sqrt(2**p)."""
    return 1.04 / math.sqrt(2 ** p)


def hash64(x: np.ndarray, *, seed: int = 0x1C) -> np.ndarray:
    """splitmix64 of integer items: a well-mixed uint64 per item (vectorised, wraps silently)."""
    z = np.asarray(x).astype(np.uint64) + np.uint64((0x9E3779B97F4A7C15 * (seed + 1)) & 0xFFFFFFFFFFFFFFFF)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _bit_length(w: np.ndarray) -> np.ndarray:
    """Number of significant bits of each uint64 (0 for 0), exactly, without floats."""
    w = w.copy()
    for s in (1, 2, 4, 8, 16, 32):
        w |= w >> np.uint64(s)
    return np.bitwise_count(w).astype(np.int64)


def registers(items: np.ndarray, p: int, *, seed: int = 0x1C) -> tuple[np.ndarray, np.ndarray]:
    """(register index int64, rank uint8) of each integer item for a sketch of precision ``p``."""
    return hash_registers(hash64(items, seed=seed), p)


def hash_registers(h: np.ndarray, p: int) -> tuple[np.ndarray, np.ndarray]:
    """(register index, rank) of 64-bit hashes (e.g. DuckDB's ``hash()`` of ids)."""
    h = np.asarray(h, dtype=np.uint64)
    q = 64 - p
    reg = (h >> np.uint64(q)).astype(np.int64)
    rest = h & np.uint64((1 << q) - 1)
    rank = (q - _bit_length(rest) + 1).astype(np.uint8)
    return reg, rank


def _sigma(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64).copy()
    out = np.full(x.shape, np.inf)
    ok = x < 1.0
    xs = x[ok]
    z, y = xs.copy(), 1.0
    for _ in range(64):
        xs = xs * xs
        dz = xs * y
        z += dz
        y += y
        if not np.any(dz > 0):
            break
    out[ok] = z
    return out


def estimate(sketches: np.ndarray, *, chunk_rows: int | None = None) -> np.ndarray:
    """Cardinality estimate of each sketch (rows of a 2-D uint8 array; a 1-D array is one sketch)."""
    regs = np.atleast_2d(sketches)
    m = regs.shape[1]
    lut = np.ldexp(1.0, -np.arange(256, dtype=np.int64).clip(max=1074)).astype(np.float64)
    lut[0] = 0.0
    step = chunk_rows or max(1, (32 << 20) // (8 * m))
    out = np.empty(regs.shape[0])
    for a in range(0, regs.shape[0], step):
        block = regs[a:a + step]
        c0 = (block == 0).sum(axis=1)
        tail = lut[block].sum(axis=1)
        z = m * _sigma(c0 / m) + tail
        out[a:a + step] = ALPHA_INF * m * m / z
    return out if np.ndim(sketches) == 2 else float(out[0])


class HyperLogLog:
    """One sketch over integer items (account indices), precision ``p`` (m = 2**p registers).

    >>> import numpy as np
    >>> sketch = HyperLogLog(14).add(np.arange(100_000))
    >>> abs(sketch.count() / 100_000 - 1) < 0.03
    True
    """

    def __init__(self, p: int = 14, *, seed: int = 0x1C):
        if not 4 <= p <= 18:
            raise ValueError("HyperLogLog precision p must be between 4 and 18")
        self.p, self.seed = p, seed
        self.registers_ = np.zeros(2 ** p, dtype=np.uint8)

    @property
    def relative_error(self) -> float:
        """Relative standard error of :meth:`count`: 1.04 / sqrt(m)."""
        return relative_error(self.p)

    def add(self, items: np.ndarray) -> "HyperLogLog":
        """Add integer items (duplicates are fine); returns self."""
        items = np.asarray(items)
        if items.size:
            reg, rank = registers(items.ravel(), self.p, seed=self.seed)
            np.maximum.at(self.registers_, reg, rank)
        return self

    def add_hashes(self, hashes: np.ndarray) -> "HyperLogLog":
        """Add items given as well-mixed 64-bit hashes (e.g. DuckDB's ``hash(id)``); returns self."""
        hashes = np.asarray(hashes, dtype=np.uint64)
        if hashes.size:
            reg, rank = hash_registers(hashes.ravel(), self.p)
            np.maximum.at(self.registers_, reg, rank)
        return self

    def merge(self, other: "HyperLogLog") -> "HyperLogLog":
        """Union with another sketch of the same precision and seed; returns self."""
        if (other.p, other.seed) != (self.p, self.seed):
            raise ValueError("can only merge HyperLogLog sketches of the same precision and seed")
        np.maximum(self.registers_, other.registers_, out=self.registers_)
        return self

    def count(self) -> float:
        """Estimated number of distinct items added."""
        return float(estimate(self.registers_))
