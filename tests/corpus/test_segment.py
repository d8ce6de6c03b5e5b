"""The plain-text segmenter: cleaning, debris removal, paragraph rules, properties, seed."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.corpus.markdown import clean_markup
from pipelines.corpus.page_furniture import is_page_number, strip_page_furniture
from pipelines.corpus.segment import join_hard_wraps, segment

SEED = Path(__file__).resolve().parents[3] / "shared/corpus/seed/000_602ffa9324dc4b2d.txt"


# --------------------------------------------------------------------------- characters


def test_soft_hyphen_at_line_end_joins_the_word() -> None:
    assert segment("co\u00adoper\u00ad\nation of States.") == ["cooperation of States."]


# --------------------------------------------------------------------------- markup


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("*Express support* for the plan", "Express support for the plan"),
        ("**Decides** to act", "Decides to act"),
        ("_Urges_ States", "Urges States"),
        ("__Calls upon__ all parties", "Calls upon all parties"),
        ("***Strongly condemns*** attacks", "Strongly condemns attacks"),
        ("**Requests *also* the Secretary-General**", "Requests also the Secretary-General"),
        (r"resolution [1234 \(2099\)](#) and [5678 (2099)](http://x.example/a)",
         "resolution 1234 (2099) and 5678 (2099)"),
        (r"see \[Original: French\] and 3 \* 4", "see [Original: French] and 3 * 4"),
        (r"1\. Decides", "1. Decides"),
        ("file A_RES_99_1 and snake_case_name stay", "file A_RES_99_1 and snake_case_name stay"),
        ("footnote marker 98/1* stays", "footnote marker 98/1* stays"),
        ("![logo](logo.png)Title", "Title"),
        ("`code` and <https://un.example/doc>", "code and https://un.example/doc"),
        ("## Annex II ##", "Annex II"),
    ],
)
def test_clean_markup(raw: str, clean: str) -> None:
    assert clean_markup(raw) == clean


def test_emphasis_spanning_a_wrapped_line_is_removed() -> None:
    text = "1. *Expresses its deep\nconcern* at the situation;"
    assert segment(text) == ["1. Expresses its deep concern at the situation;"]


def test_markdown_bullets_headings_and_rules() -> None:
    text = "# Annex I\nThe Conference,\n\n---\n\n* first item;\n+ second item.\n"
    assert segment(text) == ["Annex I", "The Conference,", "• first item;", "• second item."]


# --------------------------------------------------------------------------- debris


@pytest.mark.parametrize("line", ["3", "- 3 -", "— 12 —", "Page 3", "page 3 of 10", "3/10"])
def test_page_numbers_recognised(line: str) -> None:
    assert is_page_number(line)


@pytest.mark.parametrize("line", ["3.", "(3)", "1. Decides", "Page three", "2099 session"])
def test_not_page_numbers(line: str) -> None:
    assert not is_page_number(line)


def test_page_numbers_and_repeated_symbols_dropped() -> None:
    text = (
        "A/RES/99/7\n\nThe General Assembly,\n\nRecalling its resolution 98/1,\n\n- 2 -\n\n"
        "A/RES/99/7\n\n1. Decides to act;\n\nPage 3\n\nA/RES/99/7\n\n2. Requests a report.\n"
    )
    assert segment(text) == [
        "A/RES/99/7",
        "The General Assembly,",
        "Recalling its resolution 98/1,",
        "1. Decides to act;",
        "2. Requests a report.",
    ]


def test_running_headers_removed_and_paragraph_mended_across_pages() -> None:
    pages = [
        "S/RES/9999 (2099)\nUnited Nations Security Council\n\nThe Security Council,\n"
        "1. Decides that the mission shall\n\n- 1 -\n",
        "S/RES/9999 (2099)\nDraft text of the Council\n\ncontinue its work in the region;\n"
        "2. Requests a report.\n\n- 2 -\n",
        "S/RES/9999 (2099)\nDraft text of the Council\n\n3. Decides to remain seized.\n\n- 3 -\n",
    ]
    out = segment("\f".join(pages))
    assert out == [
        "S/RES/9999 (2099)",
        "United Nations Security Council",
        "The Security Council,",
        "1. Decides that the mission shall continue its work in the region;",
        "2. Requests a report.",
        "3. Decides to remain seized.",
    ]


def test_strip_page_furniture_keeps_first_page_masthead() -> None:
    pages = [["Header 1", "body a"], ["Header 2", "body b"], ["Header 3", "body c"]]
    assert strip_page_furniture(pages, depth=1) == [["Header 1", "body a"], ["body b"],
                                                    ["body c"]]
    assert strip_page_furniture([["only page"]]) == [["only page"]]


def test_paginated_false_keeps_number_lines() -> None:
    assert segment("In favour\n\n120", paginated=False) == ["In favour", "120"]
    assert segment("In favour\n\n120") == ["In favour"]


# --------------------------------------------------------------------------- paragraphs


def test_blank_lines_separate_and_hard_wraps_join() -> None:
    text = (
        "Recalling its earlier resolutions on the\nquestion, in particular resolution 98/1,\n\n"
        "Noting with appreciation the report\nof the Secretary-General,\n"
    )
    assert segment(text) == [
        "Recalling its earlier resolutions on the question, in particular resolution 98/1,",
        "Noting with appreciation the report of the Secretary-General,",
    ]


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (["promote inter-", "national cooperation."], "promote international cooperation."),
        (["with non-", "State actors."], "with non-State actors."),
        (["a well-", "known case."], "a well-known case."),
        (["country-", "based pooled funds."], "country-based pooled funds."),
        (["counter-terror-", "ism measures."], "counter-terror-ism measures."),
        (["the years 2090-", "2099 and after."], "the years 2090-2099 and after."),
    ],
)
def test_hyphenated_line_ends(lines: list[str], joined: str) -> None:
    assert join_hard_wraps(lines) == [joined]


def test_hyphen_kept_when_the_document_spells_the_compound_so() -> None:
    lines = ["The Chair-designate of the conference and the", "Vice-Chair-",
             "designate met on the matter of the multi-", "stakeholder forum; a multi-stakeholder",
             "approach and inter-", "national support."]
    assert join_hard_wraps(lines) == [
        "The Chair-designate of the conference and the Vice-Chair-designate met on the matter "
        "of the multi-stakeholder forum; a multi-stakeholder approach and international support."
    ]


def test_numbered_items_on_consecutive_lines_are_clauses() -> None:
    text = "Decide to:\n1. Hold a meeting;\n2. Adopt a plan;\n3. Report back.\n"
    assert segment(text) == ["Decide to:", "1. Hold a meeting;", "2. Adopt a plan;",
                             "3. Report back."]


def test_subitems_stay_with_numbered_parent() -> None:
    text = (
        "3. Requests the Secretary-General:\n(a) To submit a report;\n(b) To brief the "
        "Council;\n(i) in writing;\n4. Decides to remain seized.\n"
    )
    assert segment(text) == [
        "3. Requests the Secretary-General: (a) To submit a report; (b) To brief the Council; "
        "(i) in writing;",
        "4. Decides to remain seized.",
    ]


def test_subitems_attach_across_blank_lines_too() -> None:
    text = "5. Invites Member States:\n\n(a) To share data;\n\n(b) To cooperate.\n\n6. Decides."
    assert segment(text) == ["5. Invites Member States: (a) To share data; (b) To cooperate.",
                             "6. Decides."]


def test_subitems_after_a_bare_bridge_line_are_own_clauses() -> None:
    text = "Decide to:\n(a) Issue a statement;\n(b) Meet again next year.\n"
    assert segment(text) == ["Decide to:", "(a) Issue a statement;", "(b) Meet again next year."]


def test_subitems_in_an_annex_stand_alone() -> None:
    text = ("1. Adopts the terms of reference annexed to the present resolution.\n\nAnnex\n\n"
            "Terms of reference\n\n2. The Forum shall:\n\n(a) Meet once a year;\n\n"
            "(b) Report to the Council.\n")
    assert segment(text) == [
        "1. Adopts the terms of reference annexed to the present resolution.", "Annex",
        "Terms of reference", "2. The Forum shall:", "(a) Meet once a year;",
        "(b) Report to the Council.",
    ]


def test_roman_items_attach_to_lettered_item_ending_in_colon() -> None:
    text = "Recommends:\n(a) The following steps:\n(i) a survey;\n(ii) a plan;\n(b) A review.\n"
    assert segment(text) == ["Recommends:", "(a) The following steps: (i) a survey; (ii) a plan;",
                             "(b) A review."]


def test_list_after_colon_line_items_are_clauses() -> None:
    text = (
        "Taking into account:\nThe rise in violence;\nthe spread of hate speech;\n"
        "The needs of victims;\nDetermining as priorities:\n\nThe creation of a fund;\n\n"
        "A campaign of awareness,\n"
    )
    assert segment(text) == [
        "Taking into account:", "The rise in violence;", "the spread of hate speech;",
        "The needs of victims;", "Determining as priorities:", "The creation of a fund;",
        "A campaign of awareness,",
    ]


def test_bullets_and_dashes() -> None:
    text = "The Ministers agreed:\n• to meet;\n• to report;\n- to review;\n– to publish.\n"
    assert segment(text) == ["The Ministers agreed:", "• to meet;", "• to report;",
                             "- to review;", "– to publish."]


def test_dash_inside_a_wrapped_sentence_is_not_a_bullet() -> None:
    text = "four international organizations\n— the United Nations and others."
    assert segment(text) == ["four international organizations — the United Nations and others."]


def test_cover_page_lines_stay_apart() -> None:
    text = (
        "United Nations\nGeneral Assembly\nDistr.: General\n1 January 2099\nEnglish\n"
        "Original: French\nNinety-ninth session\nAgenda item 12\nAnnex I\n"
        "Measures to promote\nliteracy among adults\n"
        "The General Assembly,\nRecalling its resolution 98/1,\n"
    )
    assert segment(text) == [
        "United Nations", "General Assembly", "Distr.: General", "1 January 2099", "English",
        "Original: French", "Ninety-ninth session", "Agenda item 12", "Annex I",
        "Measures to promote literacy among adults", "The General Assembly,",
        "Recalling its resolution 98/1,",
    ]


def test_bracketed_notes_are_not_continuations() -> None:
    text = ("Resolution adopted by the General Assembly on 1 January 2099\n"
            "[without reference to a Main Committee (A/99/L.1)]\n"
            "99/1. Adult literacy\n"
            "“the framework” as it is called\n")
    assert segment(text) == [
        "Resolution adopted by the General Assembly on 1 January 2099",
        "[without reference to a Main Committee (A/99/L.1)]",
        "99/1. Adult literacy “the framework” as it is called",
    ]


def test_marker_alone_on_its_line_takes_the_next_line() -> None:
    assert segment("1.\nDecides to act;\n(a)\nin time.") == ["1. Decides to act; (a) in time."]


SC_TYPESCRIPT = """\
                         SECURITY COUNCIL
    The Security Council,
    Noting with concern the continuing deterioration of the situation in
the border region and the loss of life among the civilian population,
    Having heard the statements of the representatives of the parties
concerned,
    Welcoming the efforts of the Secretary-General and of his Special
Representative to bring about a peaceful settlement of the dispute,
    1. Calls upon the parties to cease all hostilities forthwith and to
withdraw their forces to the positions held before the outbreak;
    2. Requests the Secretary-General to keep the Council informed of the
implementation of the present resolution.
"""


def test_security_council_typescript_indentation_starts_paragraphs() -> None:
    assert segment(SC_TYPESCRIPT) == [
        "SECURITY COUNCIL",
        "The Security Council,",
        "Noting with concern the continuing deterioration of the situation in the border "
        "region and the loss of life among the civilian population,",
        "Having heard the statements of the representatives of the parties concerned,",
        "Welcoming the efforts of the Secretary-General and of his Special Representative to "
        "bring about a peaceful settlement of the dispute,",
        "1. Calls upon the parties to cease all hostilities forthwith and to withdraw their "
        "forces to the positions held before the outbreak;",
        "2. Requests the Secretary-General to keep the Council informed of the implementation "
        "of the present resolution.",
    ]


def test_wrapped_text_without_indentation_uses_punctuation_and_openers() -> None:
    text = (
        "Recalling the Declaration adopted by the Conference on the Rights of\n"
        "Persons with Disabilities, and the Programme of Action of the Summit,\n"
        "Convinced that education is a human right essential for the\n"
        "development of every person and of society as a whole,\n"
        "Recommends to the Ministries of Education:\n"
        "That national plans for inclusion be adopted and funded in every\n"
        "country before the next session of the Conference.\n"
    )
    assert segment(text) == [
        "Recalling the Declaration adopted by the Conference on the Rights of Persons with "
        "Disabilities, and the Programme of Action of the Summit,",
        "Convinced that education is a human right essential for the development of every "
        "person and of society as a whole,",
        "Recommends to the Ministries of Education:",
        "That national plans for inclusion be adopted and funded in every country before the "
        "next session of the Conference.",
    ]


WRAPPED_RESOLUTIONS = """\
Resolution adopted by the General Assembly on 1 January 2099
[on the report of the Second Committee (A/99/100, para. 12)]
99/17. Promotion of adult literacy and lifelong learning in rural and remote
areas
The General Assembly,
Recalling its resolution 98/1 of 1 January 2098 on adult literacy and its
resolution 98/2 of 2 January 2098 on lifelong learning in rural and remote
areas,
Noting with concern that the number of adults lacking basic literacy skills
remains high in many regions, in particular among women and older persons,
1. Decides to proclaim 2100 the International Year of Adult Literacy and
invites all Member States to observe it;
2. Requests the Secretary-General to report to it at its one hundredth
session on the implementation of the present resolution.
Resolution adopted by the General Assembly on 2 January 2099
[without reference to a Main Committee (A/99/L.5)]
99/18. Cooperation with regional organizations
The General Assembly,
Welcoming the cooperation between the United Nations and regional
organizations in the field of education and culture, and in other fields,
1. Encourages further cooperation in these fields.
"""


def test_wrapped_resolutions_without_blank_lines_or_indentation() -> None:
    assert segment(WRAPPED_RESOLUTIONS) == [
        "Resolution adopted by the General Assembly on 1 January 2099",
        "[on the report of the Second Committee (A/99/100, para. 12)]",
        "99/17. Promotion of adult literacy and lifelong learning in rural and remote areas",
        "The General Assembly,",
        "Recalling its resolution 98/1 of 1 January 2098 on adult literacy and its resolution "
        "98/2 of 2 January 2098 on lifelong learning in rural and remote areas,",
        "Noting with concern that the number of adults lacking basic literacy skills remains "
        "high in many regions, in particular among women and older persons,",
        "1. Decides to proclaim 2100 the International Year of Adult Literacy and invites all "
        "Member States to observe it;",
        "2. Requests the Secretary-General to report to it at its one hundredth session on the "
        "implementation of the present resolution.",
        "Resolution adopted by the General Assembly on 2 January 2099",
        "[without reference to a Main Committee (A/99/L.5)]",
        "99/18. Cooperation with regional organizations",
        "The General Assembly,",
        "Welcoming the cooperation between the United Nations and regional organizations in the "
        "field of education and culture, and in other fields,",
        "1. Encourages further cooperation in these fields.",
    ]


def test_crlf_tabs_and_space_runs() -> None:
    text = "The  General\tAssembly,\r\n\r\n\tRecalling   its resolution,\r\n"
    assert segment(text) == ["The General Assembly,", "Recalling its resolution,"]


def test_debris_only_clauses_dropped_and_empty_input() -> None:
    assert segment("") == []
    assert segment("   \n\n\t\n") == []
    assert segment("* * *\n\n***\n\n—\n\n(Signed) A. B.") == ["(Signed) A. B."]


def test_speed_is_reasonable() -> None:
    block = (
        "Recalling its resolution 98/1 of 1 January 2098,\n\n"
        "1. *Decides* to act on resolution [1234 \\(2099\\)](#);\n"
        "2. Requests the Secretary-General to report on the implementation of the\n"
        "present resolution at its next session.\n\n"
    )
    text = block * 5000
    start = time.perf_counter()
    out = segment(text)
    elapsed = time.perf_counter() - start
    assert len(out) == 15000
    assert elapsed < 5.0, f"{len(out) / elapsed:.0f} clauses/s is too slow"


# --------------------------------------------------------------------------- properties

_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1,
                max_size=8)
_SEP = st.sampled_from([" ", " ", " ", "\n", "\n\n", ", ", "; ", ". ", ":\n", ",\n    ", "\t"])


@st.composite
def _marked_up_text(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 25))):
        words = draw(st.lists(_WORD, min_size=1, max_size=3))
        mark = draw(st.sampled_from(["", "", "*", "**", "***", "_", "__"]))
        parts.append(f"{mark}{' '.join(words)}{mark}")
        parts.append(draw(_SEP))
    return "".join(parts)


def _letters(text: str) -> str:
    return re.sub(r"[^A-Za-z]", "", text)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(max_size=400))
def test_property_never_crashes_never_empty(text: str) -> None:
    out = segment(text)
    assert all(isinstance(c, str) and c and c == c.strip() for c in out)
    assert all("\n" not in c and "\f" not in c for c in out)


@settings(max_examples=120, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(_marked_up_text())
def test_property_emphasis_removed_words_preserved(text: str) -> None:
    out = segment(text)
    assert all(c for c in out)
    assert not any("*" in c for c in out)
    assert not any("_" in c for c in out)
    assert _letters("".join(out)) == _letters(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="abc XYZ,.;:-\n()", max_size=30), max_size=20))
def test_property_join_hard_wraps_keeps_letters(lines: list[str]) -> None:
    flat = [ln for chunk in lines for ln in chunk.split("\n")]
    out = join_hard_wraps(flat)
    assert all(p.strip() for p in out)
    assert _letters("".join(out)) == _letters("".join(flat))


# --------------------------------------------------------------------------- seed document


@pytest.mark.skipif(not SEED.exists(), reason="shared seed corpus not present")
def test_seed_document_segments_sensibly() -> None:
    clauses = segment(SEED.read_text(encoding="utf-8"))
    decide = clauses.index("Decide to:")
    numbered = clauses[decide + 1: decide + 8]
    assert [c.split(" ", 1)[0] for c in numbered] == [f"{i}." for i in range(1, 8)]
    assert numbered[0].startswith("1. Issue") and numbered[1].startswith("2. Enhance")
    taking = clauses.index("Taking into account:")
    items = clauses[taking + 1: taking + 9]
    assert len(items) == 8 and all(c.endswith(";") for c in items)
    assert clauses[taking + 9] == "Determining as priorities:"
    for c in clauses:
        assert "*" not in c and "](#)" not in c and "\\(" not in c
    assert any("resolution 2354 (2017)" in c for c in clauses)
    assert "Distr.: General" in clauses and "Original: Russian" in clauses
    assert any(c.startswith("1. Express comprehensive support for") for c in clauses)


# --------------------------------------------------------------------------- challenge-kind rules


_WRAPPED_NOTES = [
    "Having examined the memorandum of the Harbour Board on the state of the",
    "quays of the old port and on the cost of their repair, of 9 April 1962, 17",
    "Considering that the quays of the old port are unsafe for the larger",
    "vessels and that the Board has no funds of its own for their repair,3",
    "Taking note of the estimate prepared by the engineers of the Board in",
    "consultation with the shipping companies that call at the port,",
]


def test_footnote_digit_after_the_comma_ends_the_clause() -> None:
    out = segment("\n".join(_WRAPPED_NOTES))
    assert out == [" ".join(_WRAPPED_NOTES[0:2]), " ".join(_WRAPPED_NOTES[2:4]),
                   " ".join(_WRAPPED_NOTES[4:6])]


def test_masthead_heading_line_does_not_swallow_the_next_line() -> None:
    lines = ["Assembly of the Signatories to the Agreement on Mountain Glaciers",
             "Third session",
             "Valmora, 2–5 June 2025",
             "",
             "The Assembly,",
             "Noting that the glaciers of the northern range have lost a third of their mass",
             "since the first survey and that the loss is accelerating in every valley,",
             "Noting also that the survey stations in the southern range remain unstaffed and",
             "that their records for the past two years are incomplete and unreliable,"]
    out = segment("\n".join(lines))
    assert out[:3] == lines[:3]
    assert len(out) == 6


def test_all_caps_title_continued_by_a_link_word_is_one_clause() -> None:
    text = "RECOMMENDATION NO. 71\nON THE TEACHING OF SWIMMING IN COASTAL SCHOOLS\n\nThe Conference,\n"
    assert segment(text) == ["RECOMMENDATION NO. 71 ON THE TEACHING OF SWIMMING IN COASTAL SCHOOLS",
                             "The Conference,"]


def test_clause_cut_by_a_page_number_line_is_joined_again() -> None:
    text = ("Invites the riparian States to open the sluice gates of the upper dam\n"
            "for not less than six hours a day\n\n27\n\n"
            "and to inform the Commission of every closure;\n\n"
            "Decides to remain seized of the question.\n")
    assert segment(text) == [
        "Invites the riparian States to open the sluice gates of the upper dam for not less than "
        "six hours a day and to inform the Commission of every closure;",
        "Decides to remain seized of the question."]


def test_clause_cut_by_a_form_feed_moves_ahead_of_the_footnotes() -> None:
    text = ("Recalling its resolution 12/3 on the survey of river ferries,1\n"
            "Noting that many of the ferries inspected by the survey teams\n\n"
            "1 XRB/12/3.\n\n"
            "\fRiver Transport Board: ferries\n\n"
            "lack life jackets for their passengers,\n"
            "1. Requests the secretariat to publish the survey;\n")
    assert segment(text) == [
        "Recalling its resolution 12/3 on the survey of river ferries,1",
        "Noting that many of the ferries inspected by the survey teams lack life jackets for "
        "their passengers,",
        "1 XRB/12/3.",
        "1. Requests the secretariat to publish the survey;"]


def test_a_clause_opening_at_the_top_of_a_page_is_not_taken_for_furniture() -> None:
    text = ("Noting that many of the ferries inspected by the survey teams lack life jackets,\n"
            "\fRecalling its resolution 12/3 on the survey of river ferries and\n"
            "their passengers,\n"
            "1. Requests the secretariat to publish the survey;\n")
    assert segment(text) == [
        "Noting that many of the ferries inspected by the survey teams lack life jackets,",
        "Recalling its resolution 12/3 on the survey of river ferries and their passengers,",
        "1. Requests the secretariat to publish the survey;"]


def test_a_clause_cut_after_a_date_is_joined_again() -> None:
    text = ("Recalling its resolution 12/1 on the survey of river ferries and the reports\n"
            "of the survey teams on the state of the landing stages along the lower river,\n\n"
            "Noting with concern that the survey teams found many of the older ferries\n"
            "without life jackets for their passengers, as its resolution 12/3 of 17 November\n"
            "\fRiver Transport Board: ferries\n\n"
            "2031, on the safety of river ferries, had feared would be the case on most of\n"
            "the crossings of the lower river,\n\n"
            "1. Requests the secretariat to publish the survey;\n")
    assert segment(text)[1:] == [
        "Noting with concern that the survey teams found many of the older ferries without life "
        "jackets for their passengers, as its resolution 12/3 of 17 November 2031, on the safety "
        "of river ferries, had feared would be the case on most of the crossings of the lower "
        "river,",
        "1. Requests the secretariat to publish the survey;"]


def test_print_lines_are_never_clauses() -> None:
    text = ("XRB/12/4\n\n31-40517 (E) 020331\n\n*3140517*\n\nThe Board,\n"
            "\f2/2   31-40517\n\n1. Decides to meet again in 2032.\n\n31-40517 2/2\n")
    assert segment(text) == ["XRB/12/4", "The Board,", "1. Decides to meet again in 2032."]
