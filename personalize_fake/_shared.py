"""Process-wide changes the active mocks share: made by the first, undone by the last.

Mocks nest and overlap (threads, out-of-order stops), so a change such as an
environment variable or a patched ``requests`` method must outlive every mock
but the last. One lock-guarded count per change keeps that rule in one place.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class Shared:
    """A change the active mocks hold: ``make`` at the first hold, ``undo`` at the last release."""

    def __init__(self, make: Callable[[], None], undo: Callable[[], None]) -> None:
        self._make = make
        self._undo = undo
        self._lock = threading.Lock()
        self._holders = 0

    def hold(self) -> None:
        with self._lock:
            self._holders += 1
            if self._holders == 1:
                self._make()

    def release(self) -> None:
        with self._lock:
            self._holders -= 1
            if self._holders == 0:
                self._undo()
