"""GetSolutionMetrics: offline metrics computed honestly on a held-out split of the data.

As AWS describes its evaluation (``_domain/evaluation.py``): 10% of users are held out, a
model of the same recipe trains on the rest and on the oldest 90% of each held-out user's
interactions, and its rankings are scored against their newest 10%. The numbers follow from
the version's training data alone, so the same data gives the same metrics; they are
computed on first request and kept with the version's model.
"""

from __future__ import annotations

from typing import Any

from personalize_fake._api.answers import training_data
from personalize_fake._api.registry import operation
from personalize_fake._api.serving import version_source
from personalize_fake._api.solution_versions import SolutionVersion
from personalize_fake._state import lifecycle
from personalize_fake._state.store import RegionState


@operation
def get_solution_metrics(state: RegionState, *, solution_version_arn: str) -> dict[str, Any]:
    version = state.get(SolutionVersion, solution_version_arn)
    lifecycle.require_active(version)
    source = version_source(version)
    key = f"metrics:{version.arn}"
    found = state.store.engine.get(key)
    if found is None or found[0] != source:
        from personalize_fake._domain.engine import metrics  # numpy: only when asked

        found = state.store.engine[key] = (
            source,
            metrics(source.config, training_data(state, source)),
        )
    return {"solutionVersionArn": version.arn, "metrics": dict(found[1])}
