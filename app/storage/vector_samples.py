"""A vector of 32-bit floats as 16-bit integer samples, for scoring without numpy.

Each vector is scaled so its largest component is ±32767 and rounded; ``unit`` turns a sample
back into the float (``sample * unit``). The knowledge store keeps these samples beside each
vector, made once when the vector is stored, since rounding 1,536 floats in Python costs about
0.2 ms a vector: far too slow to do for every passage when a search needs them.
"""

from __future__ import annotations

from array import array

SAMPLE_MAX = 32767


def to_samples(vector: bytes) -> tuple[bytes, float]:
    """The 16-bit samples of a float32 ``vector``, and the float one sample stands for."""
    values = array("f")
    values.frombytes(vector)
    scale = SAMPLE_MAX / (max(map(abs, values), default=0.0) or 1.0)
    return array("h", [round(value * scale) for value in values]).tobytes(), 1.0 / scale
