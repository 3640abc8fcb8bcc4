"""The recommendation engine: models trained from a dataset group's data, pure.

The runtime API, batch jobs and GetSolutionMetrics build a :class:`~.data.TrainingData`
from the store's rows and ask :func:`train` for a :class:`~.data.Model`; nothing here reads
the store or the wire. numpy and scipy are imported by this package, which the API imports
only when a version is first used, so ``import personalize_fake`` stays fast.
"""
