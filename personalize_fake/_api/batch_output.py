"""What a batch job writes: each input line answered by the engine that answers the runtime.

For every input object, ``<output path>/<input file name>.out`` holds one JSON line per input
line, in order, as AWS documents them: ``{"input": ..., "output": {"recommendedItems": [...],
"scores": [...]}, "error": null}`` for recommendations (``scores`` only from recipes that
score), ``{"input": ..., "output": {"usersList": [...]}, "error": null}`` for segments. A line
that cannot be answered (not JSON, a missing id, a bad filter value) gets its ``error`` and
no ``output``; the job still succeeds.
"""

from __future__ import annotations

import json
from typing import Any

from personalize_fake._api.batch_resources import BatchInferenceJob, BatchJob
from personalize_fake._api.filters import Filter
from personalize_fake._api.group_data import GroupData
from personalize_fake._api.runtime import answer, rank
from personalize_fake._api.serving import Served, served_version
from personalize_fake._api.solution_versions import SolutionVersion
from personalize_fake._domain.recipes import PERSONALIZED_RANKING, USER_SEGMENTATION
from personalize_fake._errors import ServiceError
from personalize_fake._state import objects
from personalize_fake._state.objects import ObjectError
from personalize_fake._state.store import RegionState


class LineError(Exception):
    """Why one input line gets an ``error`` instead of an ``output``."""


def write(state: RegionState, job: BatchJob, inputs: list[tuple[str, bytes]]) -> str | None:
    """Answer every input line and write the output objects; a failure reason, or None."""
    version = state.resources.get(job.solution_version_arn)
    if not isinstance(version, SolutionVersion):
        return f"Solution version {job.solution_version_arn} no longer exists."
    config: dict[str, Any] = {}
    if isinstance(job, BatchInferenceJob):
        config = dict(job.batch_inference_job_config or {})
    served = served_version(state, version, config)
    destination = job.job_output["s3DataDestination"]["path"]
    for location, data in inputs:
        lines = [_line(state, served, job, text) for text in data.splitlines() if text.strip()]
        name = location.rsplit("/", 1)[-1]
        body = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
        target = f"{destination.rstrip('/')}/{name}.out"
        try:
            objects.write(state.store, target, body.encode(), state.region)
        except ObjectError as exc:
            return f"Failed to create the {job.LABEL}: cannot write its output. {exc}"
    return None


def _line(state: RegionState, served: Served, job: BatchJob, text: bytes) -> dict[str, Any]:
    try:
        record = json.loads(text)
    except ValueError:
        return {"input": text.decode("utf-8", "replace"), "error": "The line is not JSON."}
    try:
        if not isinstance(record, dict):
            raise LineError("The line is not a JSON object.")
        output = _answer(state, served, job, record)
    except LineError as exc:
        return {"input": record, "error": str(exc)}
    except ServiceError as exc:
        return {"input": record, "error": exc.message}
    return {"input": record, "output": output, "error": None}


def _text(record: dict[str, Any], name: str, required: bool) -> str | None:
    value = record.get(name)
    if value is None and required:
        raise LineError(f"The line has no {name}.")
    if value is not None and not isinstance(value, str):
        raise LineError(f"{name} must be a string.")
    return value


def _values(record: dict[str, Any]) -> dict[str, str] | None:
    values = record.get("filterValues")
    if values is None:
        return None
    if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
        raise LineError("filterValues must be an object of strings.")
    return values


def _answer(
    state: RegionState, served: Served, job: BatchJob, record: dict[str, Any]
) -> dict[str, Any]:
    kind = served.recipe.recipe_type
    if kind == USER_SEGMENTATION:
        return {"usersList": _segment(state, served, job, record)}
    if kind == PERSONALIZED_RANKING:
        items = record.get("itemList")
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise LineError("The line needs an itemList of item ids.")
        user = _text(record, "userId", True)
        assert user is not None
        found = rank(
            state,
            served,
            user_id=user,
            input_list=items,
            filter_arn=job.filter_arn,
            filter_values=_values(record),
        )
    else:
        recipe = served.recipe
        user = _text(record, "userId", recipe.user_id == "required")
        item = None  # an itemId the recipe does not use is ignored, whatever it holds
        if recipe.item_id != "not used":
            item = _text(record, "itemId", recipe.item_id == "required")
        found = answer(
            state,
            served,
            user_id=user,
            item_id=item,
            num_results=job.num_results,
            filter_arn=job.filter_arn,
            filter_values=_values(record),
        )
    output: dict[str, Any] = {"recommendedItems": [i["itemId"] for i in found]}
    if served.model(state).scored or kind == PERSONALIZED_RANKING:
        output["scores"] = [i.get("score") for i in found]
    return output


def _segment(
    state: RegionState, served: Served, job: BatchJob, record: dict[str, Any]
) -> list[str]:
    """Users for an item (Item-Affinity) or for the items an attribute query picks."""
    from personalize_fake._domain.filter_eval import compile_filter
    from personalize_fake._domain.filter_values import FilterValueError
    from personalize_fake._domain.item_attributes import item_attributes

    data = GroupData(state, served.group_arn)
    values = _values(record) or {}
    model = served.model(state)
    try:
        if "itemAttributes" in record:
            query = _text(record, "itemAttributes", True)
            assert query is not None
            picks = item_attributes(query, values, data)
            catalogue = data.ids("ITEMS") | model_items(model)
            items = sorted(i for i in catalogue if picks(i))
        else:
            item = _text(record, "itemId", True)
            assert item is not None
            items = [item]
        keep = None
        if job.filter_arn is not None:
            tree = state.get(Filter, job.filter_arn).tree
            keep = compile_filter(tree, values, data, user=None, item=None, action=None)
    except FilterValueError as exc:
        raise LineError(str(exc)) from None
    out: list[str] = []
    for user in model.segment(items):
        if keep is None or keep(user):
            out.append(user)
            if len(out) == job.num_results:
                break
    return out


def model_items(model: Any) -> set[str]:
    """The items a model knows (those it trained on), when it says."""
    known = getattr(model, "item_ids", None)
    return set(known) if known is not None else set()
