"""The compiled loop of :func:`pipelines.models.sparse_scorer.feature_matrix` (``_feature_rows.c``)."""

from collections.abc import Iterable, Mapping
from typing import Any

def rows(vocabulary: Mapping[str, int], split: Mapping[str, Mapping[str, int]],
         X: Iterable[Mapping[str, Any] | list[str]], /) -> tuple[bytearray, bytearray, bytearray]:
    """CSR buffers ``(data, indices, indptr)``: float64, int32, int64, native byte order.
    ``vocabulary`` and ``split`` must be dicts (a TypeError otherwise)."""
