"""A small shop whose data makes every answer predictable, for the runtime's tests.

Six users clicked six items:

=====  =================
user   clicked
=====  =================
u1     a, b
u2     a, b
u3     a, b, c
u4     c, d
u5     d, e
u6     a
=====  =================

So ``a`` is the most clicked (4), then ``b`` (3), then ``c`` and ``d`` (2), ``e`` (1); ``f``
is in the Items dataset only. ``b`` co-occurs with ``a`` most; ``c`` and ``e`` with ``d``.
Items have a GENRE (``a``, ``c``, ``e``: ``x``; ``b``, ``d``, ``f``: ``y``) and a PRICE.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

CLICKS = {
    "u1": "ab",
    "u2": "ab",
    "u3": "abc",
    "u4": "cd",
    "u5": "de",
    "u6": "a",
}
GENRES = {"a": "x", "b": "y", "c": "x", "d": "y", "e": "x", "f": "y"}
RECIPE = "arn:aws:personalize:::recipe/"
START = 1_700_000_000


def _schema(name: str, fields: list[dict[str, Any]]) -> str:
    return json.dumps(
        {
            "type": "record",
            "name": name,
            "namespace": "com.amazonaws.personalize.schema",
            "fields": fields,
            "version": "1.0",
        }
    )


INTERACTIONS = _schema(
    "Interactions",
    [
        {"name": "USER_ID", "type": "string"},
        {"name": "ITEM_ID", "type": "string"},
        {"name": "EVENT_TYPE", "type": "string"},
        {"name": "TIMESTAMP", "type": "long"},
    ],
)
ITEMS = _schema(
    "Items",
    [
        {"name": "ITEM_ID", "type": "string"},
        {"name": "GENRE", "type": "string", "categorical": True},
        {"name": "PRICE", "type": "float"},
    ],
)
USERS = _schema(
    "Users",
    [{"name": "USER_ID", "type": "string"}, {"name": "AGE", "type": "int"}],
)


class Shop:
    """The shop's dataset group, datasets, tracker and data, in an instant-mode fake."""

    def __init__(self, name: str = "shop", domain: str | None = None, fake: Any = None) -> None:
        """``fake``: the handle, to settle each resource in a mode that does not itself."""
        self.settle = fake.settle if fake is not None else (lambda: None)
        self.personalize = boto3.client("personalize", region_name="us-east-1")
        self.events = boto3.client("personalize-events", region_name="us-east-1")
        self.runtime = boto3.client("personalize-runtime", region_name="us-east-1")
        extra = {"domain": domain} if domain else {}
        self.group = self.personalize.create_dataset_group(name=name, **extra)["datasetGroupArn"]
        self.settle()
        self.datasets = {
            kind: self._dataset(name, kind, schema, extra)
            for kind, schema in (("Interactions", INTERACTIONS), ("Items", ITEMS), ("Users", USERS))
        }
        self.tracking_id = self.personalize.create_event_tracker(
            name=name, datasetGroupArn=self.group
        )["trackingId"]
        self.settle()
        self.clock = START
        for user, items in CLICKS.items():
            self.click(user, *items)
        self.events.put_items(
            datasetArn=self.datasets["Items"],
            items=[
                {"itemId": i, "properties": json.dumps({"genre": g, "price": 10.0 + n})}
                for n, (i, g) in enumerate(GENRES.items())
            ],
        )
        self.events.put_users(
            datasetArn=self.datasets["Users"],
            users=[
                {"userId": u, "properties": json.dumps({"age": 20 + 10 * n})}
                for n, u in enumerate(CLICKS)
            ],
        )

    def _dataset(self, name: str, kind: str, schema: str, extra: dict[str, str]) -> str:
        arn = self.personalize.create_schema(name=f"{name}-{kind}", schema=schema, **extra)
        dataset: str = self.personalize.create_dataset(
            name=f"{name}-{kind}",
            schemaArn=arn["schemaArn"],
            datasetGroupArn=self.group,
            datasetType=kind,
        )["datasetArn"]
        return dataset

    def click(self, user: str, *items: str, event_type: str = "click") -> None:
        """Record ``user`` interacting with ``items``, in order, a second apart."""
        events = []
        for item in items:
            self.clock += 1
            events.append({"eventType": event_type, "itemId": item, "sentAt": self.clock})
        self.events.put_events(
            trackingId=self.tracking_id, userId=user, sessionId=user, eventList=events
        )

    def version(self, recipe: str, name: str | None = None, **solution: Any) -> str:
        """An ACTIVE solution version of ``recipe`` (a name such as ``aws-sims``)."""
        arn = self.personalize.create_solution(
            name=name or recipe.removeprefix("aws-"),
            datasetGroupArn=self.group,
            recipeArn=RECIPE + recipe,
            **solution,
        )["solutionArn"]
        self.settle()
        version: str = self.personalize.create_solution_version(solutionArn=arn)[
            "solutionVersionArn"
        ]
        self.settle()
        return version

    def campaign(self, recipe: str, name: str | None = None, **config: Any) -> str:
        """An ACTIVE campaign of a new version of ``recipe``."""
        version = self.version(recipe, name)
        extra = {"campaignConfig": config} if config else {}
        campaign: str = self.personalize.create_campaign(
            name=name or recipe.removeprefix("aws-"), solutionVersionArn=version, **extra
        )["campaignArn"]
        return campaign

    def filter(self, expression: str, name: str = "f") -> str:
        arn: str = self.personalize.create_filter(
            name=name, datasetGroupArn=self.group, filterExpression=expression
        )["filterArn"]
        return arn

    def recommend(self, campaign: str, **request: Any) -> list[str]:
        """The item ids GetRecommendations answers."""
        answer = self.runtime.get_recommendations(campaignArn=campaign, **request)
        return [item["itemId"] for item in answer["itemList"]]


def code(refused: pytest.ExceptionInfo[ClientError]) -> str:
    """The error code a refused call answered."""
    return str(refused.value.response["Error"]["Code"])
