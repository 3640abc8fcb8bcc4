"""The AWS-owned catalogue through boto3: ListRecipes, DescribeRecipe, DescribeAlgorithm,
DescribeFeatureTransformation."""

from __future__ import annotations

from typing import Any

import pytest

from personalize_fake import PersonalizeFake

PREFIX = "arn:aws:personalize:::"
ECOMMERCE = [
    "aws-ecomm-customers-who-viewed-x-also-viewed",
    "aws-ecomm-frequently-bought-together",
    "aws-ecomm-popular-items-by-purchases",
    "aws-ecomm-popular-items-by-views",
    "aws-ecomm-recommended-for-you",
]


def all_recipes(personalize: Any, **filters: Any) -> list[dict[str, Any]]:
    """Every page of ListRecipes, through boto3's paginator."""
    pages = personalize.get_paginator("list_recipes").paginate(**filters)
    return [recipe for page in pages for recipe in page["recipes"]]


class TestListRecipes:
    def test_pages_of_eleven_sorted_by_name(self, personalize: Any) -> None:
        """Without maxResults a page holds 11 recipes and a nextToken, as real calls show;
        the paginator reaches every listed recipe, sorted by name."""
        first = personalize.list_recipes()
        assert len(first["recipes"]) == 11
        assert first["nextToken"]
        names = [r["name"] for r in all_recipes(personalize)]
        assert names == sorted(names)
        assert len(names) == len(set(names)) == 22
        assert "aws-user-personalization-v2" in names and "aws-vod-top-picks" in names

    def test_legacy_hrnn_is_not_listed(self, personalize: Any) -> None:
        """The HRNN recipes vanished from ListRecipes after 2021; they stay describable."""
        names = {r["name"] for r in all_recipes(personalize)}
        assert not {"aws-hrnn", "aws-hrnn-metadata", "aws-hrnn-coldstart"} & names
        recipe = personalize.describe_recipe(recipeArn=f"{PREFIX}recipe/aws-hrnn")["recipe"]
        assert recipe["recipeType"] == "USER_PERSONALIZATION"

    def test_domain_filter(self, personalize: Any) -> None:
        """domain=ECOMMERCE lists exactly the five aws-ecomm use cases, each with its domain."""
        listed = all_recipes(personalize, domain="ECOMMERCE")
        assert [r["name"] for r in listed] == ECOMMERCE
        assert {r["domain"] for r in listed} == {"ECOMMERCE"}
        vod = all_recipes(personalize, domain="VIDEO_ON_DEMAND")
        assert len(vod) == 5 and all(r["name"].startswith("aws-vod-") for r in vod)

    def test_summary_shape(self, personalize: Any) -> None:
        """A summary: name, ARN, ACTIVE, the creation day; domain only on domain recipes."""
        listed = {r["name"]: r for r in all_recipes(personalize, recipeProvider="SERVICE")}
        sims = listed["aws-sims"]
        assert sims["recipeArn"] == f"{PREFIX}recipe/aws-sims"
        assert sims["status"] == "ACTIVE"
        assert "domain" not in sims
        assert sims["creationDateTime"].date().isoformat() == "2019-06-10"
        assert listed["aws-vod-most-popular"]["domain"] == "VIDEO_ON_DEMAND"
        assert len({r["lastUpdatedDateTime"] for r in listed.values()}) == 1

    def test_max_results_and_token(self, personalize: Any) -> None:
        """maxResults sizes a page; the token continues that listing only."""
        page = personalize.list_recipes(maxResults=3)
        more = personalize.list_recipes(maxResults=3, nextToken=page["nextToken"])
        names = [r["name"] for r in page["recipes"] + more["recipes"]]
        assert names == [r["name"] for r in all_recipes(personalize)][:6]
        with pytest.raises(personalize.exceptions.InvalidNextTokenException):
            personalize.list_recipes(domain="ECOMMERCE", nextToken=page["nextToken"])

    def test_provider_other_than_service_is_refused(
        self, personalize_fake: PersonalizeFake
    ) -> None:
        """recipeProvider takes only SERVICE (the model's enum)."""
        import boto3
        from botocore.config import Config

        raw = boto3.client(
            "personalize", region_name="us-east-1", config=Config(parameter_validation=False)
        )
        with pytest.raises(raw.exceptions.InvalidInputException, match="recipeProvider"):
            raw.list_recipes(recipeProvider="CUSTOM")

    @pytest.mark.personalize_fake(list_recipes_page_size=100)
    def test_page_size_is_a_setting(self, personalize: Any) -> None:
        """list_recipes_page_size=100 lists every recipe in one page."""
        assert "nextToken" not in personalize.list_recipes()


class TestDescribe:
    def test_recipe(self, personalize: Any) -> None:
        """DescribeRecipe: its algorithm, feature transformation, type and description."""
        recipe = personalize.describe_recipe(recipeArn=f"{PREFIX}recipe/aws-popularity-count")[
            "recipe"
        ]
        assert recipe["algorithmArn"] == f"{PREFIX}algorithm/aws-popularity-count"
        assert recipe["featureTransformationArn"] == f"{PREFIX}feature-transformation/sims"
        assert recipe["recipeType"] == "USER_PERSONALIZATION"  # as its page says
        assert recipe["status"] == "ACTIVE" and recipe["description"]

    def test_recipe_without_feature_transformation(self, personalize: Any) -> None:
        """Trending-Now runs algorithm aws-trending-now-custom and lists no transformation."""
        arn = f"{PREFIX}recipe/aws-trending-now"
        recipe = personalize.describe_recipe(recipeArn=arn)["recipe"]
        assert recipe["algorithmArn"] == f"{PREFIX}algorithm/aws-trending-now-custom"
        assert "featureTransformationArn" not in recipe
        assert recipe["recipeType"] == "POPULAR_ITEMS"

    def test_every_listed_recipe_and_its_algorithm_are_describable(self, personalize: Any) -> None:
        """Each recipe's algorithm and feature transformation describe under the same ARNs."""
        for summary in all_recipes(personalize):
            recipe = personalize.describe_recipe(recipeArn=summary["recipeArn"])["recipe"]
            algorithm = personalize.describe_algorithm(algorithmArn=recipe["algorithmArn"])
            assert algorithm["algorithm"]["algorithmArn"] == recipe["algorithmArn"]
            if "featureTransformationArn" in recipe:
                arn = recipe["featureTransformationArn"]
                found = personalize.describe_feature_transformation(featureTransformationArn=arn)
                assert found["featureTransformation"]["featureTransformationArn"] == arn

    def test_algorithm_defaults_and_ranges(self, personalize: Any) -> None:
        """The documented hyperparameters: defaults, integer/continuous/categorical ranges."""
        arn = f"{PREFIX}algorithm/aws-user-personalization"
        algorithm = personalize.describe_algorithm(algorithmArn=arn)["algorithm"]
        assert algorithm["defaultHyperParameters"]["hidden_dimension"] == "149"
        ranges = algorithm["defaultHyperParameterRanges"]
        hidden = {r["name"]: r for r in ranges["integerHyperParameterRanges"]}["hidden_dimension"]
        assert hidden == {"name": "hidden_dimension", "minValue": 32, "maxValue": 256,
                          "isTunable": True}  # fmt: skip
        weight = {r["name"]: r for r in ranges["continuousHyperParameterRanges"]}
        assert weight["exploration_weight"]["maxValue"] == 1.0
        assert not weight["exploration_weight"]["isTunable"]
        (recency,) = ranges["categoricalHyperParameterRanges"]
        assert recency["values"] == ["true", "false"]
        assert algorithm["algorithmImage"]["dockerURI"]
        assert algorithm["trainingInputMode"] == "File"
        assert set(algorithm["defaultResourceConfig"]) == {
            "maxNumberOfTrainingJobs",
            "maxParallelTrainingJobs",
        }

    def test_feature_transformation(self, personalize: Any) -> None:
        """DescribeFeatureTransformation: its default parameters, ACTIVE."""
        arn = f"{PREFIX}feature-transformation/JSON-percentile-filtering"
        found = personalize.describe_feature_transformation(featureTransformationArn=arn)
        transformation = found["featureTransformation"]
        assert transformation["name"] == "JSON-percentile-filtering"
        assert transformation["defaultParameters"]["max_user_history_length_percentile"] == "0.99"
        assert transformation["status"] == "ACTIVE"

    @pytest.mark.parametrize(
        ("operation", "member", "arn"),
        [
            ("describe_recipe", "recipeArn", f"{PREFIX}recipe/aws-nope"),
            ("describe_recipe", "recipeArn", f"{PREFIX}algorithm/aws-sims"),
            ("describe_algorithm", "algorithmArn", f"{PREFIX}algorithm/aws-nope"),
            ("describe_feature_transformation", "featureTransformationArn",
             f"{PREFIX}feature-transformation/nope"),
        ],
    )  # fmt: skip
    def test_unknown_arn(self, personalize: Any, operation: str, member: str, arn: str) -> None:
        """An ARN the catalogue lacks (or of another kind) is ResourceNotFound naming it."""
        with pytest.raises(personalize.exceptions.ResourceNotFoundException, match=arn):
            getattr(personalize, operation)(**{member: arn})
