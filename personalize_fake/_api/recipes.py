"""The AWS-owned catalogue: ListRecipes, DescribeRecipe, DescribeAlgorithm,
DescribeFeatureTransformation.

Read from the data in ``_domain.recipes`` (built on first use): these resources are
AWS's, the same in every account and region, never stored in a region and never
changed by a call, so every answer is a view of that data.
"""

from __future__ import annotations

from typing import Any

from personalize_fake._api.registry import operation
from personalize_fake._domain.recipes import (
    LAST_UPDATED,
    RESOURCE_CONFIG,
    TRAINING_INPUT_MODE,
    Algorithm,
    FeatureTransformation,
    Hyperparameter,
    Recipe,
    catalogue,
)
from personalize_fake._errors import ResourceNotFound
from personalize_fake._state.pagination import page
from personalize_fake._state.resource import ACTIVE
from personalize_fake._state.store import RegionState


def _times(created: float) -> dict[str, Any]:
    return {"creationDateTime": created, "lastUpdatedDateTime": LAST_UPDATED}


def _summary(recipe: Recipe) -> dict[str, Any]:
    out = {
        "name": recipe.name,
        "recipeArn": recipe.arn,
        "status": ACTIVE,
        **_times(recipe.created),
    }
    if recipe.domain is not None:
        out["domain"] = recipe.domain
    return out


def _ranges(hyperparameters: tuple[Hyperparameter, ...]) -> dict[str, Any]:
    """``defaultHyperParameterRanges``: each ranged hyperparameter under its kind's key."""
    ranges: dict[str, list[dict[str, Any]]] = {}
    for hp in hyperparameters:
        if hp.kind == "categorical":
            entry: dict[str, Any] = {"name": hp.name, "values": list(hp.values)}
        elif hp.kind == "integer":
            entry = {"name": hp.name, "minValue": int(hp.low or 0), "maxValue": int(hp.high or 0)}
        elif hp.kind == "continuous":
            entry = {
                "name": hp.name,
                "minValue": float(hp.low or 0),
                "maxValue": float(hp.high or 0),
            }
        else:  # a fixed default: no range
            continue
        entry["isTunable"] = hp.tunable
        ranges.setdefault(f"{hp.kind}HyperParameterRanges", []).append(entry)
    return ranges


@operation
def list_recipes(
    state: RegionState,
    *,
    recipe_provider: str | None = None,  # SERVICE, the only value the model allows
    domain: str | None = None,
    next_token: str | None = None,
    max_results: int | None = None,
) -> dict[str, Any]:
    recipes = catalogue().listed(domain)
    size = max_results or state.settings.list_recipes_page_size
    found, extra = page(state, f"ListRecipes:{domain}", recipes, size, next_token)
    return {"recipes": [_summary(r) for r in found], **extra}


@operation
def describe_recipe(state: RegionState, *, recipe_arn: str) -> dict[str, Any]:
    recipe = catalogue().recipes.get(recipe_arn)
    if recipe is None:
        raise ResourceNotFound.for_arn(recipe_arn)
    out = {
        **_summary(recipe),
        "algorithmArn": recipe.algorithm_arn,
        "description": recipe.description,
        "recipeType": recipe.recipe_type,
    }
    out.pop("domain", None)  # the Recipe shape has no domain member
    if recipe.feature_transformation_arn is not None:
        out["featureTransformationArn"] = recipe.feature_transformation_arn
    return {"recipe": out}


@operation
def describe_algorithm(state: RegionState, *, algorithm_arn: str) -> dict[str, Any]:
    algorithm: Algorithm | None = catalogue().algorithms.get(algorithm_arn)
    if algorithm is None:
        raise ResourceNotFound.for_arn(algorithm_arn)
    return {
        "algorithm": {
            "name": algorithm.name,
            "algorithmArn": algorithm.arn,
            "algorithmImage": {"name": algorithm.name, "dockerURI": algorithm.docker_uri},
            "defaultHyperParameters": {hp.name: hp.default for hp in algorithm.hyperparameters},
            "defaultHyperParameterRanges": _ranges(algorithm.hyperparameters),
            "defaultResourceConfig": dict(RESOURCE_CONFIG),
            "trainingInputMode": TRAINING_INPUT_MODE,
            **_times(algorithm.created),
        }
    }


@operation
def describe_feature_transformation(
    state: RegionState, *, feature_transformation_arn: str
) -> dict[str, Any]:
    found: FeatureTransformation | None = catalogue().feature_transformations.get(
        feature_transformation_arn
    )
    if found is None:
        raise ResourceNotFound.for_arn(feature_transformation_arn)
    return {
        "featureTransformation": {
            "name": found.name,
            "featureTransformationArn": found.arn,
            "defaultParameters": dict(found.parameters),
            "status": ACTIVE,
            **_times(found.created),
        }
    }
