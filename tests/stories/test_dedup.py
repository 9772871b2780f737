"""Near-duplicate detection with MinHash."""

import pytest

from dragoman.stories.dedup import DuplicateIndex, shingles, words

ORIGINAL = """\
Iraq and Iran signed an agreement at the end of July to widen economic cooperation between
the two neighbours, the Iranian trade attaché in Baghdad told the state news agency on Tuesday.

The agreement was signed while a delegation led by the head of Iran's trade promotion
organisation was visiting Iraq. Under its terms the two countries will build a joint
industrial city near the border, make it easier for business people to travel in both
directions, and hold Iranian trade fairs in Iraqi cities more often than in past years.

Officials on both sides also promised to remove the paperwork that has slowed the export of
Iranian goods to Iraq, a market that already takes a large share of Iran's non-oil exports.
Traders have long complained that lorries wait for days at the crossings while customs
forms are checked and stamped by several different offices.

The two governments further agreed to set up joint investment funds that would finance
projects in both countries. The attaché said the funds would give priority to housing,
roads and power stations, sectors in which Iranian contractors say they have experience.

The head of a joint chamber of commerce estimated separately that Iranian companies could
take part in Iraqi reconstruction projects worth as much as three hundred billion dollars
over the coming decade, a quarter of them in construction and housing. He added that
private firms were waiting for clearer rules on payments before they committed money.

Observers in Baghdad noted that the deal comes at a time of rising tension between Tehran
and Washington, and that the United States has pressed Iraq to reduce its dependence on
Iranian electricity and gas. Iraqi officials have answered that their economy cannot do
without trade with its eastern neighbour, and that they intend to keep both relationships.
"""

# A reprint: another outlet swaps the first line for its own lead and keeps the rest.
REPRINT = ORIGINAL.replace(
    "Iraq and Iran signed an agreement at the end of July to widen economic cooperation between",
    "BAGHDAD (agencies) - In a move welcomed by traders, Tehran and Baghdad agreed last week on",
)

DIFFERENT = """\
A delegation of an Iraqi armed group visited Tehran in early August and met senior clerics,
members of parliament and security officials. Its leader said the group would answer any
American move against its members and called for foreign troops to leave the country.
The visitors also attended a conference on the presence of the United States in the region.
"""


def test_reprint_with_changed_first_line_is_found() -> None:
    index = DuplicateIndex()
    index.add("a1", ORIGINAL)
    assert index.check("a2", REPRINT) == "a1"
    assert "a2" not in index  # check never adds
    assert len(index) == 1


def test_different_article_is_not_a_duplicate() -> None:
    index = DuplicateIndex()
    index.add("a1", ORIGINAL)
    assert index.check("b1", DIFFERENT) is None
    assert index.check("b2", "") is None


def test_earliest_added_original_is_returned() -> None:
    index = DuplicateIndex()
    assert index.check_and_add("first", ORIGINAL) is None
    assert index.check_and_add("second", ORIGINAL.upper()) == "first"  # case is ignored
    assert index.check_and_add("third", REPRINT) == "first"
    assert index.check_and_add("other", DIFFERENT) is None
    assert len(index) == 4
    assert index.check("first", ORIGINAL) is None  # never a copy of itself or of its reprints


def test_copy_of_a_reprint_points_to_the_original() -> None:
    # "mid" is close to both; "late" is close only to "mid", so it is a copy of "orig".
    base = " ".join(f"w{i}" for i in range(200))
    mid = base.replace("w0 w1 w2 w3 w4 w5 w6 w7", "x0 x1 x2 x3 x4 x5 x6 x7")
    late = mid.replace("w190 w191 w192 w193 w194 w195", "y0 y1 y2 y3 y4 y5")
    index = DuplicateIndex(threshold=0.9)
    index.check_and_add("orig", base)
    assert index.check_and_add("mid", mid) == "orig"
    assert index.check_and_add("late", late) == "orig"


def test_reprint_with_dateline_and_credit_line_is_found() -> None:
    short = ORIGINAL.split("\n\n")[1]  # one paragraph, about 55 words
    reprint = (
        "ISTANBUL - " + short.replace("Under its terms", "Under the deal") + "\n\nSource: agencies"
    )
    index = DuplicateIndex()
    index.add("p1", short)
    assert index.check("p3", reprint) == "p1"


def test_long_report_quoting_a_short_post_is_not_its_reprint() -> None:
    post = ORIGINAL.split("\n\n")[1]
    index = DuplicateIndex()
    index.add("post", post)
    assert index.check("report", DIFFERENT + "\n\n" + post + "\n\n" + ORIGINAL) is None


def test_short_texts() -> None:
    index = DuplicateIndex()
    index.add("s1", "Breaking: explosion reported.")
    assert index.check("s2", "breaking  explosion reported") == "s1"
    assert index.check("s3", "Breaking: fire reported.") is None
    index.add("empty", "  ...  ")
    assert "empty" not in index


def test_re_adding_an_id_is_harmless_and_results_are_deterministic() -> None:
    results = []
    for _ in range(2):
        index = DuplicateIndex()
        index.add("a1", ORIGINAL)
        index.add("a1", DIFFERENT)
        results.append((index.check("x", REPRINT), index.signature(ORIGINAL).hashvalues.tolist()))
    assert results[0] == results[1]
    assert results[0][0] == "a1"


def test_threshold_is_validated_and_shingles() -> None:
    with pytest.raises(ValueError):
        DuplicateIndex(threshold=0)
    assert words("Al-Qaim, IRAQ\u200b!") == ["al", "qaim", "iraq"]
    assert shingles("a b c", size=5) == {"a b c"}
    assert shingles("a b c d", size=3) == {"a b c", "b c d"}
    assert shingles("", size=3) == set()
