"""The recommendation engine: models trained from a dataset group's data, pure.

The runtime API, batch jobs and GetSolutionMetrics build a :class:`~.data.TrainingData`
from the store's rows and ask :func:`train` for a :class:`~.data.Model`; nothing here reads
the store or the wire. numpy and scipy are imported by this package, which the API imports
only when a version is first used, so ``import personalize_fake`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from personalize_fake._domain.engine.data import (
    Config,
    Interactions,
    Model,
    Query,
    Scored,
    TrainingData,
)

if TYPE_CHECKING:
    from personalize_fake._domain.engine.offline import metrics
    from personalize_fake._domain.engine.training import FAMILIES, family, train

_LAZY = {"metrics": "offline", "FAMILIES": "training", "family": "training", "train": "training"}


def __getattr__(name: str) -> Any:
    """``train``, ``metrics``, ``family`` and ``FAMILIES`` import numpy and scipy: they are
    loaded on first use, so the contract (``engine.data``) can be imported without them."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


__all__ = [
    "FAMILIES",
    "Config",
    "Interactions",
    "Model",
    "Query",
    "Scored",
    "TrainingData",
    "family",
    "metrics",
    "train",
]
