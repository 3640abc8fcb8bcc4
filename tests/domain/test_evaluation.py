"""Offline evaluation by itself: the held-out split and each metric against a case worked
by hand (the developer guide's NDCG example among them)."""

from __future__ import annotations

import pytest

from personalize_fake._domain.evaluation import (
    Interaction,
    coverage,
    held_out_users,
    ndcg_at,
    precision_at,
    ranking_metrics,
    reciprocal_rank_at,
    segmentation_metrics,
    split,
)

RANKED = ["a", "x", "b", "c", "y", "d"]


def test_ndcg_is_the_guides_worked_example() -> None:
    """Relevant items at positions 2 and 5 of 5: (1/log 3 + 1/log 6) / (1/log 2 + 1/log 3)."""
    assert round(ndcg_at(RANKED, frozenset({"x", "y"}), 5), 4) == 0.6241


def test_ndcg_of_a_perfect_ranking_is_one_and_of_none_zero() -> None:
    """All relevant items first scores 1; no relevant item in the top K scores 0."""
    assert ndcg_at(RANKED, frozenset({"a", "x"}), 5) == pytest.approx(1.0)
    assert ndcg_at(RANKED, frozenset({"d"}), 5) == 0.0
    assert ndcg_at(RANKED, frozenset(), 5) == 0.0


def test_ndcg_ideal_counts_only_what_fits_in_k() -> None:
    """With more relevant items than K, the best ranking fills all K places."""
    relevant = frozenset(RANKED)
    assert ndcg_at(RANKED, relevant, 2) == pytest.approx(1.0)


def test_precision_counts_relevant_items_in_the_top_k_over_k() -> None:
    assert precision_at(RANKED, frozenset({"x", "y", "d"}), 5) == pytest.approx(2 / 5)
    assert precision_at(RANKED, frozenset({"x"}), 10) == pytest.approx(1 / 10)


def test_reciprocal_rank_is_of_the_first_relevant_item_within_the_cutoff() -> None:
    assert reciprocal_rank_at(RANKED, frozenset({"b", "d"})) == pytest.approx(1 / 3)
    assert reciprocal_rank_at(RANKED, frozenset({"d"}), k=5) == 0.0
    assert reciprocal_rank_at(RANKED, frozenset({"zzz"})) == 0.0


def test_coverage_is_the_share_of_the_catalogue_recommended() -> None:
    assert coverage(["a", "b", "a", "q"], ["a", "b", "c", "d"]) == pytest.approx(2 / 4)
    assert coverage(["a"], []) == 0.0


def test_a_tenth_of_users_held_out_by_their_ids_alone() -> None:
    """10% of 100 users, the same set whatever the order they come in; none of one user."""
    users = [f"u{n}" for n in range(100)]
    chosen = held_out_users(users)
    assert len(chosen) == 10 and chosen <= set(users)
    assert held_out_users(reversed(users)) == chosen
    assert held_out_users(["only"]) == frozenset()
    assert len(held_out_users(["a", "b", "c"])) == 1  # at least one of two or more


def test_split_holds_out_the_newest_tenth_of_a_held_out_users_interactions() -> None:
    """A held-out user's oldest 90% train and are their history; their newest 10% are what
    a recommendation should find; everyone else trains whole."""
    rows = [
        Interaction(f"u{u}", f"i{n}", float(1000 * u + n)) for u in range(20) for n in range(10)
    ]
    result = split(rows)
    assert len(result.held_out) == 2  # 10% of 20 users
    for user in result.held_out:
        assert result.held_out[user] == frozenset({"i9"})
        assert [r.item for r in result.history[user]] == [f"i{n}" for n in range(9)]
    assert len(result.train) == 200 - 2
    assert all(r.item != "i9" or r.user not in result.held_out for r in result.train)
    again = split(reversed(rows))  # the order rows come in changes nothing
    assert (set(again.train), again.held_out) == (set(result.train), result.held_out)


def test_ranking_metrics_average_over_held_out_users() -> None:
    """Two users worked by hand: one finds its item first, one never does."""
    rankings = {"u1": ["i1", "i2", "i3"], "u2": ["i2", "i3", "i4"]}
    held = {"u1": frozenset({"i1"}), "u2": frozenset({"i9"})}
    out = ranking_metrics(rankings, held, ["i1", "i2", "i3", "i4", "i5", "i9"])
    assert out["mean_reciprocal_rank_at_25"] == pytest.approx(0.5)
    assert out["precision_at_5"] == pytest.approx((1 / 5 + 0) / 2)
    assert out["precision_at_25"] == pytest.approx((1 / 25) / 2)
    assert out["normalized_discounted_cumulative_gain_at_10"] == pytest.approx(0.5)
    assert out["coverage"] == pytest.approx(4 / 6)
    assert set(out) == {
        "coverage",
        "mean_reciprocal_rank_at_25",
        *(f"normalized_discounted_cumulative_gain_at_{k}" for k in (5, 10, 25)),
        *(f"precision_at_{k}" for k in (5, 10, 25)),
    }


def test_segmentation_hits_and_recall_at_one_percent() -> None:
    """250 users: K is 3; an item whose top 3 holds 2 of its 4 relevant users scores 2 hits
    and recall 0.5; averaged with an item that finds none."""
    rankings = {"i1": ["u1", "u7", "u2", "u3"], "i2": ["u5", "u6", "u8"]}
    relevant = {"i1": frozenset({"u1", "u2", "u3", "u4"}), "i2": frozenset({"u9"})}
    out = segmentation_metrics(rankings, relevant, population=250, catalogue=["i1", "i2"])
    assert out["hits_at_1_percent"] == pytest.approx((2 + 0) / 2)
    assert out["recall_at_1_percent"] == pytest.approx((0.5 + 0) / 2)
    assert out["coverage"] == 1.0
