"""Where handler modules register the handler of each operation.

A handler is named for its operation (``create_event_tracker`` answers
CreateEventTracker), takes the caller's :class:`RegionState` and the request's
members as snake_case keywords, and returns the response members.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

Handler = Callable[..., dict[str, Any] | None]
H = TypeVar("H", bound=Handler)

HANDLERS: dict[str, Handler] = {}


def operation(fn: H) -> H:
    """Register ``fn`` as the handler of the operation its name spells."""
    known = HANDLERS.get(fn.__name__)
    if known is not None and known.__module__ != fn.__module__:  # a reload may re-register
        raise RuntimeError(f"two handlers for {fn.__name__}: {known.__module__}, {fn.__module__}")
    HANDLERS[fn.__name__] = fn
    return fn


def load_handlers() -> dict[str, Handler]:
    """Import every handler module so its handlers register, then return them all."""
    from personalize_fake._api import (  # noqa: F401  (they register on import)
        batch_jobs,
        campaigns,
        data_deletion,
        data_jobs,
        dataset_groups,
        datasets,
        event_trackers,
        events,
        filters,
        metric_attributions,
        recipes,
        recommenders,
        runtime,
        schemas,
        solution_metrics,
        solution_versions,
        solutions,
        tagging,
    )

    return HANDLERS
