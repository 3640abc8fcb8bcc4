"""pytest plugin: the ``personalize_fake`` fixture, marker and ini option.

Registered through the ``pytest11`` entry point, so installing the package
is enough: a test asks for ``personalize_fake`` and gets an active mock's
handle, fresh for each test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from personalize_fake._activation import mock_personalize
from personalize_fake._handle import PersonalizeFake

MARKER = "personalize_fake"
INI_LIFECYCLE = "personalize_fake_lifecycle"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        INI_LIFECYCLE,
        "Default lifecycle of the personalize_fake fixture: stepwise, instant or manual.",
        default="stepwise",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**options): run the test with an active personalize-fake mock "
        "started with these options (e.g. lifecycle='instant').",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test carrying the marker gets the fixture even without asking for it."""
    for item in items:
        names = getattr(item, "fixturenames", None)
        if names is not None and item.get_closest_marker(MARKER) and MARKER not in names:
            names.append(MARKER)


def _options(request: pytest.FixtureRequest) -> dict[str, Any]:
    options: dict[str, Any] = {"lifecycle": request.config.getini(INI_LIFECYCLE)}
    marker = request.node.get_closest_marker(MARKER)
    if marker is not None:
        if marker.args:
            raise TypeError(f"@pytest.mark.{MARKER} takes keyword options only, got {marker.args!r}")
        options.update(marker.kwargs)
    return options


@pytest.fixture
def personalize_fake(request: pytest.FixtureRequest) -> Iterator[PersonalizeFake]:
    """An active personalize-fake mock for this test; yields its handle."""
    with mock_personalize(**_options(request)) as fake:
        yield fake
