"""Fixtures the API tests share."""

from __future__ import annotations

import pytest
from shop import Shop

from personalize_fake import PersonalizeFake


@pytest.fixture
def shop(personalize_fake: PersonalizeFake) -> Shop:
    """The predictable shop of tests/shop.py, in the test's fake."""
    return Shop()
