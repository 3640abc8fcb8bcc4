"""pytest plugin: the ``personalize_fake`` fixture, marker and ini option.

Registered through the ``pytest11`` entry point, so installing the package
is enough: a test asks for ``personalize_fake`` and gets an active mock's
handle, fresh for each test. ``@pytest.mark.personalize_fake(**options)``
sets that mock's options, and activates it for a test that does not ask for
the fixture; the ini option ``personalize_fake_lifecycle`` sets the default
lifecycle of every such mock.

Loading the plugin imports no handler module: a session whose tests never start
a mock never pays for them (see :func:`pytest_runtest_setup` for the one exception).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from personalize_fake._activation import mock_personalize
from personalize_fake._api.registry import load_handlers
from personalize_fake._handle import PersonalizeFake
from personalize_fake._settings import Settings

MARKER = "personalize_fake"
FIXTURE = "personalize_fake"
INI_LIFECYCLE = "personalize_fake_lifecycle"

PYTESTER_FIXTURES = frozenset({"pytester", "testdir"})


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        INI_LIFECYCLE,
        "Default lifecycle of the personalize_fake fixture and marker: "
        "stepwise (the default), instant or manual.",
        default="",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**options): run the test with an active personalize-fake mock "
        "started with these options (e.g. lifecycle='instant').",
    )
    try:
        _ini_options(config)
    except (TypeError, ValueError) as exc:
        raise pytest.UsageError(f"{INI_LIFECYCLE}: {exc}") from None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Import the handler modules before a test using ``pytester`` sets up its fixtures.

    pytester drops from ``sys.modules`` every module first imported during its test (and
    during each inline run), but the registries keep what those modules defined: a later
    ``import`` by dotted name would then make a second class for each resource kind,
    which the fake's state does not recognise. Imported before pytester's snapshot, they
    stay. Only sessions that test with pytester (plugin authors) load them early.
    """
    if not PYTESTER_FIXTURES.isdisjoint(getattr(item, "fixturenames", ())):
        load_handlers()


def _ini_options(config: pytest.Config) -> dict[str, Any]:
    """The options the ini file sets, checked."""
    value = str(config.getini(INI_LIFECYCLE)).strip()
    options: dict[str, Any] = {"lifecycle": value} if value else {}
    Settings.from_options(options)
    return options


def _options(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The ini file's options, overridden by the closest marker's."""
    options = _ini_options(request.config)
    marker = request.node.get_closest_marker(MARKER)
    if marker is not None:
        if marker.args:
            pytest.fail(
                f"@pytest.mark.{MARKER} takes keyword options only, "
                f"e.g. @pytest.mark.{MARKER}(lifecycle='instant'); got {marker.args!r}",
                pytrace=False,
            )
        options.update(marker.kwargs)
    return options


@pytest.fixture(name=FIXTURE)
def personalize_fake(request: pytest.FixtureRequest) -> Iterator[PersonalizeFake]:
    """An active personalize-fake mock for this test; yields its handle.

    Options come from ``@pytest.mark.personalize_fake(**options)`` and the
    ``personalize_fake_lifecycle`` ini option.
    """
    try:
        mock = mock_personalize(**_options(request))
    except (TypeError, ValueError) as exc:
        pytest.fail(f"@pytest.mark.{MARKER}: {exc}", pytrace=False)
    with mock as fake:
        yield fake


@pytest.fixture(autouse=True)
def _personalize_fake_marker(request: pytest.FixtureRequest) -> None:
    """A test carrying the marker gets the fixture even without asking for it.

    Being autouse, this runs before the fixtures the test asks for, so they
    too run inside the mock.
    """
    if request.node.get_closest_marker(MARKER) is not None:
        request.getfixturevalue(FIXTURE)
