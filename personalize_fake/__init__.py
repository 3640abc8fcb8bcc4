"""An in-process fake of Amazon Personalize for tests that call it through boto3.

>>> from personalize_fake import mock_personalize
>>> with mock_personalize() as fake:
...     ...
"""

from __future__ import annotations

from personalize_fake._activation import PersonalizeMock, mock_personalize
from personalize_fake._handle import PersonalizeFake
from personalize_fake._settings import Lifecycle, Settings
from personalize_fake._wire import hook as _hook  # noqa: F401  (installs the botocore handler)
from personalize_fake._wire.dispatch import WireRequest, WireResponse

__all__ = [
    "Lifecycle",
    "PersonalizeFake",
    "PersonalizeMock",
    "Settings",
    "WireRequest",
    "WireResponse",
    "mock_personalize",
]
