"""Action phrases as text: tidy form, length in opening words."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.text.phrases import normalize_phrase


@pytest.mark.parametrize(
    ("raw", "norm"),
    [(" 2.\u00a0Also  requests ,", "Also requests"), ("Recalling\tfurther:", "Recalling further"),
     ("(a) Decides;", "Decides"), ("The General Assembly,", "The General Assembly"),
     ("Notes\u200b with\u202fconcern", "Notes with concern"), ("", "")],
)
def test_normalize_phrase(raw: str, norm: str) -> None:
    assert normalize_phrase(raw) == norm


@given(st.text(max_size=60))
def test_normalize_phrase_is_idempotent(raw: str) -> None:
    once = normalize_phrase(raw)
    assert normalize_phrase(once) == once
