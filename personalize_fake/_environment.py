"""No credential search over the network while a mock is active.

botocore resolves credentials when a client is created. On a machine with
none, its last resort is the EC2 instance metadata service, reached over the
network, which costs a second or more per client wherever no such service
answers. The fake never signs anything, so while any mock is active it sets
``AWS_EC2_METADATA_DISABLED=true`` (unless the environment already says
otherwise); when the last such mock stops, what was added is removed. Nothing
is cached in botocore's sessions, so nothing of this outlives the mock.
"""

from __future__ import annotations

import os

from personalize_fake._shared import Shared

NAME = "AWS_EC2_METADATA_DISABLED"

_added = False


def _turn_off() -> None:
    global _added
    if NAME not in os.environ:
        os.environ[NAME] = "true"
        _added = True


def _restore() -> None:
    """Remove the variable if it was added, unless it was changed since."""
    global _added
    if _added and os.environ.get(NAME) == "true":
        del os.environ[NAME]
    _added = False


METADATA_OFF = Shared(_turn_off, _restore)
"""Held by every active mock whose settings keep the metadata lookup off."""
hold, release = METADATA_OFF.hold, METADATA_OFF.release
