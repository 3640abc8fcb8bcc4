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
import threading

NAME = "AWS_EC2_METADATA_DISABLED"

_lock = threading.Lock()
_holders = 0
_added = False


def hold() -> None:
    """One more active mock: turn the metadata lookup off if nobody has said otherwise."""
    global _holders, _added
    with _lock:
        _holders += 1
        if _holders == 1 and NAME not in os.environ:
            os.environ[NAME] = "true"
            _added = True


def release() -> None:
    """One mock fewer: after the last, remove the variable, unless it was changed since."""
    global _holders, _added
    with _lock:
        _holders -= 1
        if _holders == 0 and _added:
            if os.environ.get(NAME) == "true":
                del os.environ[NAME]
            _added = False
