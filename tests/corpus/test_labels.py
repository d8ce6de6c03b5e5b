"""Gold phrase checks: is an italic opening really its clause's opening phrase?"""

from __future__ import annotations

import pytest

from pipelines.corpus.labels import (
    SLIP_EMPTY,
    SLIP_MID_WORD,
    SLIP_MISSING_FIRST_LETTER,
    SLIP_NOT_PREFIX,
    SLIP_TOO_LONG,
    check_phrase,
)
from pipelines.text.phrases import MAX_PHRASE_WORDS


@pytest.mark.parametrize(
    ("phrase", "text", "reason"),
    [("Decides", "4. Decides to review the question;", None),
     ("Also requests", "Also requests the Secretary-General to report;", None),
     ("Recalling", "(b) Recalling its resolution 1/1,", None),
     ("ecides", "4. Decides to review the question;", SLIP_MISSING_FIRST_LETTER),
     ("Also request", "5. Also requests the commissions to assist;", SLIP_MID_WORD),
     ("Encourages donors to provide long-term support to the hubs",
      "6. Encourages donors to provide long-term support to the hubs;", SLIP_TOO_LONG),
     ("Welcomes", "7. Urges Member States to act;", SLIP_NOT_PREFIX),
     ("", "8. Decides;", SLIP_EMPTY)],
)
def test_check_phrase(phrase: str, text: str, reason: str | None) -> None:
    got = check_phrase(phrase, text)
    assert got == reason or (reason is not None and got is not None and got.startswith(reason))


def test_check_phrase_counts_words() -> None:
    words = ["Word"] * MAX_PHRASE_WORDS
    text = " ".join(words) + " more text;"
    assert check_phrase(" ".join(words), text) is None
    assert check_phrase(" ".join(words + ["Word"]), " ".join(words + ["Word"]) + " x").startswith(
        SLIP_TOO_LONG)
