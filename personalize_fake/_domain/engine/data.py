"""What a model is trained from and asked, and what it answers: the engine's contract.

Kept free of numpy so the API layer can build these without importing it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any, Protocol

import attrs

Scored = tuple[str, float | None]
"""An id and its score (None: the recipe does not score, or the id was not in training)."""


@attrs.frozen
class Interactions:
    """Interactions (or action interactions) as parallel columns, one element per
    interaction, in the order they were recorded. ``users``/``items``/``event_types`` are
    indexes into the id tables (any sequence of ints: an ``array('I')``, a numpy array);
    ``items`` index ``item_ids`` (action ids for action interactions)."""

    users: Sequence[int]
    items: Sequence[int]
    times: Sequence[float]
    """Epoch seconds."""
    event_types: Sequence[int]
    values: Sequence[float]
    """EVENT_VALUE, NaN where an interaction has none."""
    user_ids: Sequence[str]
    item_ids: Sequence[str]
    event_type_names: Sequence[str]
    """Event types as recorded ("" for an interaction without one)."""


@attrs.frozen
class TrainingData:
    """Everything one training may read, as it was when training ended."""

    interactions: Interactions
    """The Interactions dataset (Action_Interactions for Next-Best-Action)."""
    items: Mapping[str, Mapping[str, Any]] = {}
    """The newest record of each item (Items dataset), by item id; fields by column name."""
    users: Mapping[str, Mapping[str, Any]] = {}
    """The newest record of each user (Users dataset), by user id."""
    actions: Mapping[str, Mapping[str, Any]] = {}
    """The newest record of each action (Actions dataset), by action id."""
    now: float = 0.0
    """When training ended (epoch seconds)."""


@attrs.frozen
class Config:
    """What to train: the recipe (custom or domain use case) and the solution's settings."""

    recipe: str
    """The recipe's name: ``aws-user-personalization``, ``aws-sims``,
    ``aws-ecomm-recommended-for-you``..."""
    event_type: str | None = None
    """The solution's ``eventType``: train on interactions of that type only (None: all)."""
    event_value_threshold: float | None = None
    """``solutionConfig.eventValueThreshold``: drop interactions whose value is below it."""
    hyperparameters: Mapping[str, str] = {}
    """The solution's algorithm hyperparameters and feature-transformation parameters, as
    strings; the engine reads ``popularity_discount_factor`` and ``min_cointeraction_count``
    (related items, personalization) and ``trend_discovery_frequency`` (trending)."""


@attrs.frozen
class Query:
    """One request to a model."""

    user: str | None = None
    item: str | None = None
    items: Sequence[str] | None = None
    """GetPersonalizedRanking's ``inputList``."""
    recent: Sequence[tuple[str, str]] = ()
    """(item id, event type) the user did after training ended, oldest first: the events
    real-time recipes use at once."""
    now: float = 0.0
    """The request's time (an action's expiry, trending's recency)."""


class Model(Protocol):
    """A trained model."""

    scored: bool
    """Whether its answers carry scores (not for popularity-count, SIMS, similar-items,
    trending-now, semantic-similarity or the domain use cases)."""

    def recommend(self, query: Query) -> Iterator[Scored]:
        """Ids best first, each once, as many as it can rank (the caller stops when it has
        enough after filtering)."""
        ...

    def segment(self, items: Collection[str]) -> list[str]:
        """USER_SEGMENTATION: users ranked by their affinity to ``items``, best first."""
        ...
