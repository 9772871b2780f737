"""Story merges and splits laid over a clustering: the pure constraint function."""

from __future__ import annotations

from dragoman.stories.cluster import story_id_for
from dragoman.stories.corrections import (
    MERGE,
    SPLIT,
    StoryConstraints,
    apply_story_corrections,
    merge_payload,
    new_story_id,
    split_payload,
)


def merge(n: int, source: str, articles: list[str], target: str, into: list[str]) -> dict:
    return {"id": n, "kind": MERGE, "payload": merge_payload(source, articles, target, into)}


def split(n: int, story: str, out: list[str], rest: list[str], new: str) -> dict:
    return {"id": n, "kind": SPLIT, "payload": split_payload(story, out, rest, new)}


def stories(mapping: dict[str, str]) -> set[frozenset[str]]:
    """The partition a mapping makes, without its ids."""
    by: dict[str, set[str]] = {}
    for aid, sid in mapping.items():
        by.setdefault(sid, set()).add(aid)
    return {frozenset(v) for v in by.values()}


def test_no_corrections_change_nothing() -> None:
    clustering = {"a1": "SA", "b1": "SB"}
    assert apply_story_corrections(clustering, []) == clustering
    other = [{"id": 1, "kind": "entity_merge", "payload": {}}]
    assert apply_story_corrections(clustering, other) == clustering


def test_merge_gathers_articles_in_the_target_story() -> None:
    clustering = {"a1": "SA", "a2": "SA", "b1": "SB", "n1": "SA", "c1": "SC"}
    rows = [merge(1, "SA", ["a1", "a2"], "SB", ["b1"])]
    out = apply_story_corrections(clustering, rows)
    assert out["a1"] == out["a2"] == out["b1"] == "SB"
    # what the clusterer put with the merged articles comes along; other stories stay
    assert out["n1"] == "SB" and out["c1"] == "SC"
    assert list(out) == list(clustering)


def test_merge_leaves_unnamed_articles_beside_other_corrected_ones() -> None:
    clustering = {"a1": "SA", "n1": "SA", "x1": "SA", "b1": "SB", "s1": "SX"}
    rows = [
        split(1, "SX", ["x1"], ["s1"], "SA"),  # x1 is corrected too, and stays in SA
        merge(2, "SA", ["a1"], "SB", ["b1"]),
    ]
    out = apply_story_corrections(clustering, rows)
    assert out["a1"] == out["b1"] == "SB"
    assert out["n1"] == out["x1"] == "SA" and out["s1"] == "SX"


def test_merged_story_takes_the_target_id_when_clustered_together() -> None:
    clustering = {"a1": "SA", "b1": "SA", "n1": "SA"}
    out = apply_story_corrections(clustering, [merge(1, "SA", ["a1"], "SB", ["b1"])])
    assert set(out.values()) == {"SB"}


def test_chained_merges_end_in_one_story() -> None:
    clustering = {"a1": "SA", "b1": "SB", "c1": "SC", "c2": "SC", "d1": "SD"}
    rows = [
        merge(1, "SA", ["a1"], "SB", ["b1"]),
        merge(2, "SB", ["a1", "b1"], "SC", ["c1", "c2"]),
        merge(3, "SD", ["d1"], "SB", ["a1"]),  # into a story merged away: lands where it went
    ]
    out = apply_story_corrections(clustering, rows)
    assert stories(out) == {frozenset(clustering)}
    # the last merge named SB as the target, and no clustered story holds that id
    assert set(out.values()) == {"SB"}


def test_split_keeps_articles_apart_after_reclustering() -> None:
    new = story_id_for("x1")
    clustering = {"s1": "S", "x1": "S", "s2": "S", "x2": "S"}
    out = apply_story_corrections(clustering, [split(1, "S", ["x1", "x2"], ["s1", "s2"], new)])
    assert out == {"s1": "S", "x1": new, "s2": "S", "x2": new}


def test_split_articles_clustered_elsewhere_stay_apart() -> None:
    clustering = {"s1": "S", "s2": "S", "x1": "T", "x2": "U"}
    out = apply_story_corrections(clustering, [split(1, "S", ["x1", "x2"], ["s1", "s2"], "N")])
    # the split-out articles belong together, in none of the rest's stories
    assert out["x1"] == out["x2"] != out["s1"] == out["s2"] == "S"


def test_split_inside_a_merged_story() -> None:
    clustering = {"a1": "SA", "a2": "SA", "b1": "SB", "b2": "SB"}
    rows = [
        merge(1, "SA", ["a1", "a2"], "SB", ["b1", "b2"]),
        split(2, "SB", ["a2"], ["a1", "b1", "b2"], "N"),
    ]
    out = apply_story_corrections(clustering, rows)
    assert out == {"a1": "SB", "a2": "N", "b1": "SB", "b2": "SB"}


def test_later_correction_wins() -> None:
    clustering = {"a": "S", "b": "S", "c": "T"}
    apart_then_together = [
        split(1, "S", ["b"], ["a"], "N"),
        merge(2, "N", ["b"], "S", ["a"]),
    ]
    assert stories(apply_story_corrections(clustering, apart_then_together)) == {
        frozenset({"a", "b"}),
        frozenset({"c"}),
    }
    together_then_apart = [
        merge(1, "T", ["c"], "S", ["a", "b"]),
        split(2, "S", ["a"], ["b", "c"], "N"),
    ]
    out = apply_story_corrections(clustering, together_then_apart)
    assert out["a"] == "N" and out["b"] == out["c"] == "S"


def test_merge_that_reunites_part_of_a_split() -> None:
    # split {x} from {a, b}; later x is merged with b only: x and a stay apart
    rules = StoryConstraints.from_rows(
        [split(1, "S", ["x"], ["a", "b"], "N"), merge(2, "N", ["x"], "S", ["b"])]
    )
    assert rules.kept_apart(["x"], ["a"]) and not rules.kept_apart(["x"], ["b"])
    out = apply_story_corrections({"a": "S", "b": "S", "x": "S"}, rules)
    assert out["x"] == out["b"] != out["a"]


def test_reprints_follow_their_original() -> None:
    clustering = {"s1": "S", "x1": "S", "r1": "S", "r2": "S"}
    dups = {"r1": "x1", "r2": "r1"}  # a reprint of a reprint
    out = apply_story_corrections(clustering, [split(1, "S", ["x1"], ["s1"], "N")], dups)
    assert out == {"s1": "S", "x1": "N", "r1": "N", "r2": "N"}


def test_only_assigned_articles_are_placed() -> None:
    clustering = {"a1": "SA", "b1": "SB"}
    rows = [merge(1, "SA", ["a1", "a9"], "SB", ["b1", "b9"])]
    assert apply_story_corrections(clustering, rows) == {"a1": "SB", "b1": "SB"}


def test_taken_home_id_gives_a_fresh_id() -> None:
    clustering = {"s1": "S", "x1": "S", "y1": "N"}
    out = apply_story_corrections(clustering, [split(1, "S", ["x1"], ["s1"], "N")])
    assert out["s1"] == "S" and out["y1"] == "N"
    assert out["x1"] not in {"S", "N"} and out["x1"] == story_id_for("x1")


def test_unusable_rows_are_skipped_with_a_reason() -> None:
    rows = [
        {"id": 1, "kind": MERGE, "payload": {"articles": "a1", "into": ["b1"], "target": "SB"}},
        {"id": 2, "kind": SPLIT, "payload": split_payload("S", ["a"], ["a"], "N")},
        split(3, "S", ["x"], ["s"], "N"),
    ]
    rules = StoryConstraints.from_rows(rows)
    assert len(rules.skipped) == 2
    assert "correction 1 (story_merge): ignored" in rules.skipped[0]
    assert "both leaves and stays" in rules.skipped[1]
    assert apply_story_corrections({"x": "S", "s": "S"}, rules) == {"x": "N", "s": "S"}


def test_new_story_id_avoids_taken_ids() -> None:
    first = story_id_for("a")
    assert new_story_id(["a", "b"]) == first
    assert new_story_id(["a", "b"], {first}) == story_id_for("b")
    both = {story_id_for("a"), story_id_for("b")}
    fresh = new_story_id(["a", "b"], both)
    assert fresh.startswith("s-") and fresh not in both
    assert new_story_id(["a", "b"], both | {fresh}) not in both | {fresh}


def test_reserved_ids_are_never_taken() -> None:
    clustering = {"a1": "SA", "b1": "SA", "s1": "S", "x1": "S"}
    rows = [merge(1, "SA", ["a1"], "SB", ["b1"]), split(2, "S", ["x1"], ["s1"], "N")]
    # SB and N name stored stories the clustering did not load
    out = apply_story_corrections(clustering, rows, reserved={"SB", "N"})
    assert out["a1"] == out["b1"] == "SA"
    assert out["x1"] == story_id_for("x1") and out["s1"] == "S"
