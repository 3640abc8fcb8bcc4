"""The AWS-owned catalogue: recipes, their algorithms and feature transformations, as data.

Every ARN here is AWS's (``arn:aws:personalize:::recipe/<name>``), the same in every
region and account. What public sources show is used as seen (names, ARNs, recipe types,
domains, creation dates, documented hyperparameter defaults and ranges); what they do not
show (descriptions, docker URIs, resource configurations, the domain recipes' algorithms)
is filled in plainly and said to be the fake's. ``aws-popularity-count`` is
USER_PERSONALIZATION, as every version of its recipe page says, although the developer
guide groups it under popular items. The legacy HRNN recipes stay describable and usable
but are not listed, as ListRecipes stopped listing them after 2021.

Built once, on first use: ``catalogue()`` is what handlers read.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Mapping
from typing import Any

import attrs

USER_PERSONALIZATION = "USER_PERSONALIZATION"
PERSONALIZED_RANKING = "PERSONALIZED_RANKING"
RELATED_ITEMS = "RELATED_ITEMS"
POPULAR_ITEMS = "POPULAR_ITEMS"
USER_SEGMENTATION = "USER_SEGMENTATION"
PERSONALIZED_ACTIONS = "PERSONALIZED_ACTIONS"

ECOMMERCE = "ECOMMERCE"
VIDEO_ON_DEMAND = "VIDEO_ON_DEMAND"

PREFIX = "arn:aws:personalize:::"


def _epoch(day: str) -> float:
    return datetime.datetime.fromisoformat(day).replace(tzinfo=datetime.timezone.utc).timestamp()


LAST_UPDATED = _epoch("2024-06-19")
"""Every real ListRecipes entry shares one ``lastUpdatedDateTime`` (2024-06-19 in the newest)."""


@attrs.frozen
class Hyperparameter:
    """One documented hyperparameter: its default, and its range when it has one."""

    name: str
    default: str
    kind: str = ""
    """``integer``, ``continuous`` or ``categorical`` for a ranged one; empty: fixed."""
    low: float | None = None
    high: float | None = None
    values: tuple[str, ...] = ()
    tunable: bool = False


@attrs.frozen
class Recipe:
    name: str
    recipe_type: str
    created: float
    description: str
    algorithm: str
    """The algorithm's name (``algorithm/<name>``)."""
    feature_transformation: str | None = None
    domain: str | None = None
    listed: bool = True
    """Whether ListRecipes shows it (the legacy HRNN recipes are only describable)."""
    hyperparameters: tuple[Hyperparameter, ...] = ()
    user_id: str = "required"
    """Whether the runtime needs a ``userId``: ``required``, ``not used`` or ``optional``."""
    item_id: str = "not used"
    """Whether the runtime needs an ``itemId``."""
    event_type: str | None = None
    """The event type a domain use case trains on (``View``, ``Purchase``, ``Watch``)."""
    auto_filter: str | None = None
    """The event type whose items a domain use case drops for the user (purchased, watched)."""
    updatable: bool = False
    """Whether a version may train with ``trainingMode`` UPDATE on its solution's last FULL
    one (User-Personalization, and the legacy HRNN-Coldstart)."""
    explores: bool = False
    """Whether a batch inference job takes ``itemExplorationConfig`` for its versions (the
    exploration of new items User-Personalization alone does)."""
    themes: bool = False
    """Whether a batch inference job may run in THEME_GENERATION mode on its versions
    (Similar-Items alone)."""
    incremental: bool = False
    """Whether its solutions take ``performIncrementalUpdate`` (Semantic-Similarity alone)."""

    @property
    def arn(self) -> str:
        return f"{PREFIX}recipe/{self.name}"

    @property
    def algorithm_arn(self) -> str:
        return f"{PREFIX}algorithm/{self.algorithm}"

    @property
    def feature_transformation_arn(self) -> str | None:
        if self.feature_transformation is None:
            return None
        return f"{PREFIX}feature-transformation/{self.feature_transformation}"


TRAINING_INPUT_MODE = "File"
"""DescribeAlgorithm's ``trainingInputMode`` (the fake's: no printed output is public)."""
RESOURCE_CONFIG: Mapping[str, str] = {
    "maxNumberOfTrainingJobs": "20",
    "maxParallelTrainingJobs": "5",
}
"""DescribeAlgorithm's ``defaultResourceConfig`` ("the maximum number of training jobs and
parallel training jobs"): the fake's values, within the model's HPO bounds of 40 and 10."""


@attrs.frozen
class Algorithm:
    name: str
    created: float
    hyperparameters: tuple[Hyperparameter, ...]

    @property
    def arn(self) -> str:
        return f"{PREFIX}algorithm/{self.name}"

    @property
    def docker_uri(self) -> str:
        """The algorithm image's ``dockerURI``: the fake's, plainly not a real registry's."""
        return f"personalize-fake/algorithm/{self.name}:latest"


AUTO_ML_DEFAULT = f"{PREFIX}recipe/aws-user-personalization"
"""The recipe AutoML settles on when ``autoMLConfig`` gives no ``recipeList`` (its default
list is aws-user-personalization alone)."""


@attrs.frozen
class FeatureTransformation:
    name: str
    created: float
    parameters: Mapping[str, str]

    @property
    def arn(self) -> str:
        return f"{PREFIX}feature-transformation/{self.name}"


def _hp(name: str, default: str, kind: str = "", *bounds: float, tunable: bool = False) -> Any:
    low, high = (bounds[0], bounds[1]) if bounds else (None, None)
    return Hyperparameter(name, default, kind, low, high, tunable=tunable)


_USER_PERSONALIZATION_HP = (
    _hp("hidden_dimension", "149", "integer", 32, 256, tunable=True),
    _hp("bptt", "32", "integer", 2, 32, tunable=True),
    Hyperparameter("recency_mask", "true", "categorical", values=("true", "false"), tunable=True),
    _hp("min_user_history_length_percentile", "0.0", "continuous", 0, 1),
    _hp("max_user_history_length_percentile", "0.99", "continuous", 0, 1),
    _hp("exploration_weight", "0.3", "continuous", 0, 1),
    _hp("exploration_item_age_cut_off", "30.0", "continuous", 1, 1000),
)
_HRNN_HP = (
    _hp("hidden_dimension", "43", "integer", 32, 256, tunable=True),
    *_USER_PERSONALIZATION_HP[1:5],
)
_SIMS_HP = (
    _hp("popularity_discount_factor", "0.5", "continuous", 0, 1, tunable=True),
    _hp("min_cointeraction_count", "3", "integer", 0, 10, tunable=True),
    _hp("min_user_history_length_percentile", "0.005"),
    _hp("max_user_history_length_percentile", "0.995"),
    _hp("min_item_interaction_count_percentile", "0.01"),
    _hp("max_item_interaction_count_percentile", "0.9"),
)
_SIMILAR_ITEMS_HP = (
    _hp("item_id_hidden_dim", "100", "integer", 30, 200, tunable=True),
    _hp("item_metadata_hidden_dim", "100", "integer", 30, 200, tunable=True),
)
_AFFINITY_HP = (_hp("hidden_dimension", "149", "integer", 32, 256),)

_Y2019 = _epoch("2019-06-10")

_CUSTOM = (
    Recipe(
        "aws-user-personalization",
        USER_PERSONALIZATION,
        _epoch("2019-06-10"),
        "Predicts the items a user will interact with, exploring new items.",
        "aws-user-personalization",
        hyperparameters=_USER_PERSONALIZATION_HP,
        updatable=True,
        explores=True,
    ),
    Recipe(
        "aws-user-personalization-v2",
        USER_PERSONALIZATION,
        _epoch("2024-01-01"),
        "Predicts the items a user will interact with; trains on up to 5 million items.",
        "aws-user-personalization-v2",
        hyperparameters=(
            Hyperparameter("apply_recency_bias", "true", "categorical", values=("true", "false")),
        ),
    ),
    Recipe(
        "aws-personalized-ranking",
        PERSONALIZED_RANKING,
        _Y2019,
        "Ranks a list of items for a user.",
        "aws-personalized-ranking",
        "JSON-percentile-filtering",
        hyperparameters=_USER_PERSONALIZATION_HP[:5],
        item_id="not used",
    ),
    Recipe(
        "aws-personalized-ranking-v2",
        PERSONALIZED_RANKING,
        _epoch("2024-01-01"),
        "Ranks a list of items for a user; trains on up to 5 million items.",
        "aws-personalized-ranking-v2",
        hyperparameters=(
            Hyperparameter("apply_recency_bias", "true", "categorical", values=("true", "false")),
        ),
    ),
    Recipe(
        "aws-popularity-count",
        USER_PERSONALIZATION,
        _Y2019,
        "Recommends the items with the most events, the same for every user.",
        "aws-popularity-count",
        "sims",
    ),
    Recipe(
        "aws-trending-now",
        POPULAR_ITEMS,
        _epoch("2022-10-01"),
        "Recommends the items whose popularity grows fastest.",
        "aws-trending-now-custom",
        user_id="optional",
    ),
    Recipe(
        "aws-sims",
        RELATED_ITEMS,
        _Y2019,
        "Recommends items that users interact with together (item-to-item similarity).",
        "aws-sims",
        "sims",
        hyperparameters=_SIMS_HP,
        user_id="optional",
        item_id="required",
    ),
    Recipe(
        "aws-similar-items",
        RELATED_ITEMS,
        _Y2019,
        "Recommends items similar to an item, by co-occurrence and item metadata.",
        "aws-similar-items",
        hyperparameters=_SIMILAR_ITEMS_HP,
        user_id="optional",
        item_id="required",
        themes=True,
    ),
    Recipe(
        "aws-semantic-similarity",
        RELATED_ITEMS,
        _epoch("2024-09-01"),
        "Recommends items whose text metadata is semantically similar to an item's.",
        "aws-semantic-similarity",
        "aws-semantic-similarity",
        user_id="optional",
        item_id="required",
        incremental=True,
    ),
    Recipe(
        "aws-next-best-action",
        PERSONALIZED_ACTIONS,
        _epoch("2023-08-11"),
        "Recommends the actions a user is most likely to take.",
        "aws-next-best-action",
        hyperparameters=(_hp("action_optimization_period", "14", "integer", 7, 28),),
    ),
    Recipe(
        "aws-item-affinity",
        USER_SEGMENTATION,
        _epoch("2021-07-15"),
        "Finds the users most likely to interact with each item (batch segment jobs).",
        "aws-item-affinity",
        "item-affinity",
        hyperparameters=_AFFINITY_HP,
        user_id="not used",
    ),
    Recipe(
        "aws-item-attribute-affinity",
        USER_SEGMENTATION,
        _epoch("2021-08-25"),
        "Finds the users most likely to interact with items of given attributes.",
        "aws-item-attribute-affinity",
        "item-attribute-affinity",
        hyperparameters=_AFFINITY_HP,
        user_id="not used",
    ),
    Recipe(
        "aws-hrnn",
        USER_PERSONALIZATION,
        _Y2019,
        "Legacy: predicts the items a user will interact with (hierarchical RNN).",
        "aws-hrnn",
        "JSON-percentile-filtering",
        listed=False,
        hyperparameters=_HRNN_HP,
    ),
    Recipe(
        "aws-hrnn-metadata",
        USER_PERSONALIZATION,
        _Y2019,
        "Legacy: HRNN with user and item metadata.",
        "aws-hrnn-metadata",
        "featurize_metadata",
        listed=False,
        hyperparameters=_HRNN_HP,
    ),
    Recipe(
        "aws-hrnn-coldstart",
        USER_PERSONALIZATION,
        _Y2019,
        "Legacy: HRNN with metadata and new-item exploration.",
        "aws-hrnn-coldstart",
        "featurize_coldstart",
        listed=False,
        hyperparameters=_HRNN_HP,
        updatable=True,
    ),
)


def _use_case(
    name: str,
    recipe_type: str,
    description: str,
    *,
    domain: str,
    item_id: str = "not used",
    user_id: str = "required",
    event_type: str | None = None,
    auto_filter: str | None = None,
) -> Recipe:
    """A domain use case: the algorithm behind it is not public, so it is named for the
    use case itself (the fake's choice)."""
    return Recipe(
        name,
        recipe_type,
        _Y2019,
        description,
        name,
        domain=domain,
        user_id=user_id,
        item_id=item_id,
        event_type=event_type,
        auto_filter=auto_filter,
    )


_DOMAIN = (
    _use_case(
        "aws-ecomm-customers-who-viewed-x-also-viewed",
        RELATED_ITEMS,
        "Customers who viewed X also viewed.",
        domain=ECOMMERCE,
        item_id="required",
        event_type="View",
        auto_filter="Purchase",
    ),
    _use_case(
        "aws-ecomm-frequently-bought-together",
        RELATED_ITEMS,
        "Frequently bought together.",
        domain=ECOMMERCE,
        item_id="required",
        user_id="optional",
        event_type="Purchase",
    ),
    _use_case(
        "aws-ecomm-popular-items-by-purchases",
        POPULAR_ITEMS,
        "Best sellers.",
        domain=ECOMMERCE,
        event_type="Purchase",
    ),
    _use_case(
        "aws-ecomm-popular-items-by-views",
        POPULAR_ITEMS,
        "Most viewed.",
        domain=ECOMMERCE,
        event_type="View",
    ),
    _use_case(
        "aws-ecomm-recommended-for-you",
        USER_PERSONALIZATION,
        "Recommended for you.",
        domain=ECOMMERCE,
        auto_filter="Purchase",
    ),
    _use_case(
        "aws-vod-because-you-watched-x",
        RELATED_ITEMS,
        "Because you watched X.",
        domain=VIDEO_ON_DEMAND,
        item_id="required",
        event_type="Watch",
        auto_filter="Watch",
    ),
    _use_case(
        "aws-vod-more-like-x",
        RELATED_ITEMS,
        "More like X.",
        domain=VIDEO_ON_DEMAND,
        item_id="required",
        auto_filter="Watch",
    ),
    _use_case(
        "aws-vod-most-popular",
        POPULAR_ITEMS,
        "Most popular.",
        domain=VIDEO_ON_DEMAND,
        event_type="Watch",
    ),
    _use_case(
        "aws-vod-top-picks",
        USER_PERSONALIZATION,
        "Top picks for you.",
        domain=VIDEO_ON_DEMAND,
        auto_filter="Watch",
    ),
    _use_case(
        "aws-vod-trending-now",
        POPULAR_ITEMS,
        "Trending now.",
        domain=VIDEO_ON_DEMAND,
        user_id="optional",
    ),
)

_FEATURE_TRANSFORMATIONS: dict[str, dict[str, str]] = {
    "JSON-percentile-filtering": {
        "min_user_history_length_percentile": "0.0",
        "max_user_history_length_percentile": "0.99",
    },
    "sims": {
        "min_user_history_length_percentile": "0.005",
        "max_user_history_length_percentile": "0.995",
        "min_item_interaction_count_percentile": "0.01",
        "max_item_interaction_count_percentile": "0.9",
    },
    "aws-semantic-similarity": {},
    "item-affinity": {},
    "item-attribute-affinity": {},
    "featurize_metadata": {},
    "featurize_coldstart": {},
}


@attrs.frozen
class Catalogue:
    """The catalogue, indexed by ARN."""

    recipes: Mapping[str, Recipe]
    algorithms: Mapping[str, Algorithm]
    feature_transformations: Mapping[str, FeatureTransformation]

    def listed(self, domain: str | None = None) -> list[Recipe]:
        """What ListRecipes shows, sorted by name: only ``domain``'s use cases when given."""
        found = (r for r in self.recipes.values() if r.listed)
        if domain is not None:
            found = (r for r in found if r.domain == domain)
        return sorted(found, key=lambda r: r.name)

    def arns(self, predicate: Callable[[Recipe], bool]) -> str:
        """The ARNs of the recipes ``predicate`` picks, for a message naming them."""
        return ", ".join(arn for arn, r in self.recipes.items() if predicate(r))


@functools.cache
def catalogue() -> Catalogue:
    recipes = {r.arn: r for r in (*_CUSTOM, *_DOMAIN)}
    algorithms: dict[str, Algorithm] = {}
    for recipe in recipes.values():
        algorithm = Algorithm(recipe.algorithm, recipe.created, recipe.hyperparameters)
        algorithms.setdefault(algorithm.arn, algorithm)
    transformations = {
        f"{PREFIX}feature-transformation/{name}": FeatureTransformation(name, _Y2019, params)
        for name, params in _FEATURE_TRANSFORMATIONS.items()
    }
    return Catalogue(recipes, algorithms, transformations)


def recipe(arn: str) -> Recipe | None:
    """The recipe at ``arn``, or None."""
    return catalogue().recipes.get(arn)
