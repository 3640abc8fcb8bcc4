"""GetSolutionMetrics' numbers: the engine's array split is evaluation's split, and the
metrics of a small case are the hand-computed ones."""

from __future__ import annotations

import hashlib
import math
import random

import numpy as np
import pytest
from test_engine import SHOP, training

from personalize_fake._domain import evaluation
from personalize_fake._domain.engine import FAMILIES, Config, metrics
from personalize_fake._domain.engine.offline import split


def test_the_array_split_is_evaluations_split() -> None:
    """Same held-out users, same kept history (oldest first), same items to find."""
    rand = random.Random(7)
    rows = [
        (f"u{rand.randrange(40)}", f"i{rand.randrange(15)}", float(rand.randrange(30)))
        for _ in range(400)
    ]
    data = training(rows)
    parts = split(data, np.ones(len(rows), dtype=bool))
    expected = evaluation.split(evaluation.Interaction(*row) for row in rows)
    assert parts.held_out == expected.held_out
    assert parts.history == {u: [r.item for r in h] for u, h in expected.history.items()}
    assert int((~parts.train).sum()) == len(rows) - len(expected.train)


def test_popularity_metrics_match_a_hand_computation() -> None:
    """The held-out user's newest item is third most popular in training, of 30 items: MRR
    1/3, precision 1/K, NDCG (1/log 4)/(1/log 2) = 0.5, coverage 25/30."""
    held, other = sorted(["p", "q"], key=lambda u: hashlib.sha256(u.encode()).digest())
    rows = [(other, f"i{k:02}", float(k)) for k in range(30) for _ in range(30 - k)]
    rows += [(held, "i05", 100.0), (held, "i02", 101.0)]
    found = metrics(Config("aws-popularity-count"), training(rows))
    assert found == {
        "coverage": 0.8333,
        "mean_reciprocal_rank_at_25": 0.3333,
        "normalized_discounted_cumulative_gain_at_5": 0.5,
        "normalized_discounted_cumulative_gain_at_10": 0.5,
        "normalized_discounted_cumulative_gain_at_25": 0.5,
        "precision_at_5": 0.2,
        "precision_at_10": 0.1,
        "precision_at_25": 0.04,
    }


def test_user_personalization_metrics_find_what_co_occurs() -> None:
    """Ten users who all go x then y: the held-out user's y is found first (MRR 1)."""
    rows = [(f"u{k}", item, float(t)) for k in range(10) for t, item in enumerate("xy")]
    rows += [("u0", "z", 0.5)]
    found = metrics(Config("aws-user-personalization"), training(rows))
    assert found["mean_reciprocal_rank_at_25"] == 1.0
    assert found["normalized_discounted_cumulative_gain_at_5"] == 1.0
    assert math.isclose(found["precision_at_5"], 0.2)


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_every_recipe_reports_its_metrics_the_same_each_time(name: str) -> None:
    """The documented metric names for the recipe type, each a rounded number in [0, 25],
    and the same data gives the same numbers."""
    data = training(SHOP * 3)
    found = metrics(Config(name), data)
    if FAMILIES[name] == "segments":
        assert set(found) == {"coverage", "hits_at_1_percent", "recall_at_1_percent"}
    else:
        assert "precision_at_25" in found and "coverage" in found and len(found) == 8
    assert all(0 <= v <= 25 and round(v, 4) == v for v in found.values())
    assert metrics(Config(name), data) == found
