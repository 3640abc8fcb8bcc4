"""Handlers of the operations, one module per resource family.

Importing this package registers every handler (see ``_registry``).
"""

from personalize_fake.resources import (  # noqa: F401
    dataset_groups,
    datasets,
    event_trackers,
    events,
    schemas,
    tagging,
)
