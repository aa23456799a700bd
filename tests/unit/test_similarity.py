"""Similarity levels on the labelled evaluation set, and the desk's distribution plan."""

from __future__ import annotations

from bench.similarity_eval import evaluate, load
from consult.comments.fingerprint import fingerprint_values
from consult.moderation.clustering import Item, cluster
from consult.moderation.desk import plan_distribution


def test_evaluation_set_is_large_enough_and_labelled_at_every_level():
    data = load()
    levels = {pair["level"] for pair in data["pairs"]}
    assert len(data["pairs"]) >= 150
    assert levels == {"identical", "near", "similar", "none"}
    assert {item["kind"] for item in data["items"]} >= {"paraphrase", "translation"}


def test_precision_meets_the_targets_on_the_labelled_pairs():
    result = evaluate()
    assert result["identical"]["precision"] >= 0.95
    assert result["near"]["precision"] >= 0.95
    assert result["similar"]["precision"] >= 0.8
    assert result["near"]["recall"] >= 0.9


def test_identical_text_shares_a_hash_whatever_the_spacing_and_case():
    a = fingerprint_values("We support Measure 1.2, fully.")
    b = fingerprint_values("  we SUPPORT measure 1.2 fully ")
    assert a[0] == b[0]
    assert a[0] != fingerprint_values("We oppose Measure 1.2, fully.")[0]


def test_levels_nest_and_unrelated_comments_stay_apart():
    groups = cluster(
        [
            Item(1, 1, "Publish the list of training datasets with sources and licences now."),
            Item(2, 1, "publish the list of training datasets with sources and licences now"),
            Item(3, 2, "Please fix the numbering of recital four in the next draft."),
        ]
    )
    assert groups["identical"] == [[1, 2]]
    assert groups["near"] == [[1, 2]]
    assert all(3 not in g for level in groups.values() for g in level)


def test_distribution_keeps_provisions_together_and_balances_shares():
    plan = plan_distribution({10: 0, 20: 0}, {1: [1, 2, 3, 4], 2: [5, 6], 3: [7, 8]})
    assert sorted(len(ids) for ids in plan.values()) == [4, 4]
    for ids in plan.values():
        provisions = {1 if i <= 4 else 2 if i <= 6 else 3 for i in ids}
        assert provisions in ({1}, {2, 3})


def test_distribution_gives_less_to_who_already_holds_more():
    plan = plan_distribution({10: 5, 20: 0}, {1: [1, 2], 2: [3]})
    assert plan == {20: [1, 2], 10: [3]} or plan[20] == [1, 2, 3]
