"""Each trained user's best candidates, precomputed at training, answer as the whole
computation for one user does: the same items in the same order with the same shares,
past the precomputed ones too."""

from __future__ import annotations

import itertools
import random

import pytest
from test_engine import training

from personalize_fake._domain.engine import Config, Query, train
from personalize_fake._domain.engine.personalization import PersonalizationModel
from personalize_fake._domain.engine.toplists import TOP


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_precomputed_candidates_answer_as_the_whole_computation(seed: int) -> None:
    """For every trained user, the first ``2 * TOP`` answers from the precomputed lists
    equal those computed for the user alone (ids exactly, shares to the 7th digit)."""
    rng = random.Random(seed)
    rows = [
        (f"u{rng.randrange(60)}", f"i{min(rng.randrange(200), rng.randrange(200))}", n)
        for n in range(3000)
    ]
    model = train(Config("aws-user-personalization"), training(rows))
    assert isinstance(model, PersonalizationModel)
    affinity = model.affinity
    for user in sorted({r[0] for r in rows}):
        query = Query(user=user)
        fast = list(itertools.islice(affinity.ranked(query, model.tops), 2 * TOP))
        whole = list(itertools.islice(affinity.ranked(query), 2 * TOP))
        assert [i for i, _ in fast] == [i for i, _ in whole], user
        for (_, a), (_, b) in zip(fast, whole, strict=True):
            assert a == pytest.approx(b, rel=1e-6, abs=1e-12)


def test_a_user_with_events_since_training_is_computed_whole() -> None:
    """Recent events change the answer: the precomputed lists are not used for them."""
    rows = [("u1", "a", 1), ("u1", "b", 2), ("u2", "c", 3), ("u2", "d", 4), ("u3", "a", 5)]
    model = train(Config("aws-user-personalization"), training(rows))
    before = [i for i, _ in itertools.islice(model.recommend(Query(user="u3")), 2)]
    after = model.recommend(Query(user="u3", recent=(("c", "click"),)))
    assert before[0] == "b"
    assert next(after)[0] == "d"
