"""The words of a clause's opening: tokens, spans, and how many of them a gold phrase covers."""

from __future__ import annotations

from pipelines.text.phrases import phrase_length
from pipelines.text.tokens import opening_spans, opening_tokens, span_words


def test_opening_tokens_ignore_numbering_case_and_wraps() -> None:
    assert opening_tokens("3. ALSO\nREQUESTS the Secretary-General", 3) == [
        "also", "requests", "the"]
    assert opening_tokens("(b) “Deeply concerned by", 2) == ["deeply", "concerned"]
    assert opening_tokens("") == []


def test_opening_spans_and_phrase_length() -> None:
    text = "2. Also\nrequests, the Secretary-General"
    offset, spans = opening_spans(text, 4)
    assert offset == 3
    assert [s[2] for s in spans] == ["also", "requests", "the", "secretary-general"]
    assert text[spans[0][0]:spans[1][1]] == "Also\nrequests"
    assert phrase_length(text, "Also requests", spans) == 2
    assert phrase_length(text, None, spans) == 0
    assert phrase_length(text, "Decides", spans) is None
    assert span_words("Also, in this regard, calls upon") == (
        "also", "in", "this", "regard", "calls", "upon")


def test_chinese_openings_read_as_two_character_words() -> None:
    from pipelines.text.tokens import first_words

    assert first_words("请秘书长提交报告；", 3) == ["请秘", "书长", "提交"]
    assert first_words("又请 秘书长", 3) == ["又请", "秘书", "长"]
    assert first_words("Requests the Secretary-General", 2) == ["requests", "the"]


def test_ascii_words_read_as_the_general_pattern_reads_them() -> None:
    """ASCII text takes a pattern of its own (faster): the words are those of the general one."""
    from pipelines.text.tokens import _WORD_RE, first_words

    texts = ["Requests the Secretary-General's office to report;", "12.5 million, 3/4 and 1:2",
             "co-operation -- e.g. _under_ state's 2030 Agenda", "(a) ALSO REQUESTS x2y9 A-1",
             "we're--not 'quoted' ones", "", "  ;;  ", "Résumé d’activité"]
    for text in texts:
        for n in (1, 3, 6, 12):
            assert first_words(text, n) == [w.lower() for w in _WORD_RE.findall(text)[:n]], text


def test_chinese_spans_are_characters_and_punctuation_trails() -> None:
    from pipelines.text.tokens import opening_spans, opening_word_tokens, span_words

    text = "2. 又请秘书长，提交报告；"
    offset, spans = opening_spans(text, 6)
    assert offset == 3 and [s[2] for s in spans] == ["又", "请", "秘", "书", "长", "提"]
    assert spans[4][3] == "，" and text[spans[0][0]:spans[1][1]] == "又请"
    assert opening_word_tokens(text, 4) is None  # callers fall back to opening_spans
    assert span_words("又请") == ("又", "请")


def test_arabic_punctuation_trails_its_word() -> None:
    from pipelines.text.tokens import opening_spans

    _, spans = opening_spans("إذ تشير إلى قرارها، وإذ", 4)
    assert spans[3][2:] == ("قرارها", "،")
