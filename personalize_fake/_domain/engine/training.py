"""Which recipe trains which way, and :func:`train`.

Every recipe and domain use case of the catalogue (:mod:`.._domain.recipes`) belongs to
one family of model. A domain use case trains on the event type the catalogue gives it
(``View``, ``Purchase``, ``Watch``; all events where it gives none); a custom solution on
its ``eventType`` when it has one. Scores are given only where AWS gives them: the custom
user-personalization and personalized-ranking recipes and Next-Best-Action.
"""

from __future__ import annotations

import scipy.sparse as sp

from personalize_fake._domain.engine.actions import ActionModel
from personalize_fake._domain.engine.data import Config, Model, TrainingData
from personalize_fake._domain.engine.neighbours import neighbours, user_features
from personalize_fake._domain.engine.personalization import (
    Affinity,
    PersonalizationModel,
    RankingModel,
)
from personalize_fake._domain.engine.popularity import (
    PopularityModel,
    trend_period,
    trending_weights,
)
from personalize_fake._domain.engine.prepare import hyperparameter, keep_mask, prepare
from personalize_fake._domain.engine.related import RelatedModel, metadata_tokens, token_features
from personalize_fake._domain.engine.segments import SegmentModel
from personalize_fake._domain.recipes import PREFIX, recipe

POPULARITY = "popularity"
TRENDING = "trending"
PERSONALIZATION = "personalization"
RANKING = "ranking"
RELATED = "related"
SIMILAR = "similar"
SEMANTIC = "semantic"
ACTIONS = "actions"
SEGMENTS = "segments"

FAMILIES = {
    "aws-popularity-count": POPULARITY,
    "aws-ecomm-popular-items-by-purchases": POPULARITY,
    "aws-ecomm-popular-items-by-views": POPULARITY,
    "aws-vod-most-popular": POPULARITY,
    "aws-trending-now": TRENDING,
    "aws-vod-trending-now": TRENDING,
    "aws-user-personalization": PERSONALIZATION,
    "aws-user-personalization-v2": PERSONALIZATION,
    "aws-hrnn": PERSONALIZATION,
    "aws-hrnn-metadata": PERSONALIZATION,
    "aws-hrnn-coldstart": PERSONALIZATION,
    "aws-ecomm-recommended-for-you": PERSONALIZATION,
    "aws-vod-top-picks": PERSONALIZATION,
    "aws-personalized-ranking": RANKING,
    "aws-personalized-ranking-v2": RANKING,
    "aws-sims": RELATED,
    "aws-ecomm-customers-who-viewed-x-also-viewed": RELATED,
    "aws-ecomm-frequently-bought-together": RELATED,
    "aws-vod-because-you-watched-x": RELATED,
    "aws-similar-items": SIMILAR,
    "aws-vod-more-like-x": SIMILAR,
    "aws-semantic-similarity": SEMANTIC,
    "aws-next-best-action": ACTIONS,
    "aws-item-affinity": SEGMENTS,
    "aws-item-attribute-affinity": SEGMENTS,
}
"""Each recipe's model family, by recipe name."""


def family(name: str) -> str:
    """The model family of the recipe ``name``; ValueError for a name the engine lacks."""
    found = FAMILIES.get(name)
    if found is None:
        raise ValueError(f"no model for the recipe {name!r}")
    return found


def event_type(config: Config) -> str | None:
    """The event type a training reads: the domain use case's, else the solution's."""
    found = recipe(f"{PREFIX}recipe/{config.recipe}")
    if found is not None and found.domain is not None:
        return found.event_type
    return config.event_type


def train(config: Config, data: TrainingData) -> Model:
    """A model of ``config``'s recipe trained on ``data`` (see the module docstring)."""
    kind = family(config.recipe)
    if kind == ACTIONS:
        return ActionModel(data)
    events = event_type(config)
    keep = keep_mask(data, events, config.event_value_threshold)
    domain = config.recipe.startswith(("aws-ecomm-", "aws-vod-"))
    if kind in (POPULARITY, TRENDING):
        prepared = prepare(data, keep, history=0)
        if kind == POPULARITY:
            return PopularityModel(prepared, prepared.counts)
        period = trend_period(config.hyperparameters.get("trend_discovery_frequency"))
        return PopularityModel(prepared, trending_weights(prepared, period))
    extra = data.items.keys() if kind in (SIMILAR, SEMANTIC) else ()
    prepared = prepare(data, keep, extra)
    features = user_features(prepared)
    if kind in (SIMILAR, SEMANTIC):
        tokens = metadata_tokens(data.items, words=kind == SEMANTIC)
        features = sp.vstack([features, token_features(prepared, tokens)]).tocsr()
    similar = neighbours(
        features,
        alpha=hyperparameter(config, "popularity_discount_factor", 0.5),
        min_count=hyperparameter(config, "min_cointeraction_count", 1.0),
    )
    if kind in (RELATED, SIMILAR, SEMANTIC):
        return RelatedModel(prepared, similar, prepared.counts)
    if kind == SEGMENTS:
        return SegmentModel(prepared, similar)
    affinity = Affinity(prepared, similar, events)
    if kind == RANKING:
        return RankingModel(affinity)
    return PersonalizationModel(affinity, scored=not domain)
