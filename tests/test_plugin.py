"""The pytest plugin, run on generated test files with pytester."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

HELPERS = """
import boto3
import pytest
from botocore.exceptions import NoCredentialsError


def client():
    return boto3.client("personalize", region_name="us-east-1")


def names():
    return [g["name"] for g in client().list_dataset_groups()["datasetGroups"]]


def status(arn):
    return client().describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]["status"]
"""


# Plugins the inner runs do without: hypothesis's would import hypothesis afresh each run.
QUIET = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest")


def run(pytester: pytest.Pytester, tests: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(HELPERS + tests)
    return pytester.runpytest(*QUIET, *args)


class TestFixture:
    def test_fixture_gives_an_active_fake_with_fresh_state(self, pytester: pytest.Pytester) -> None:
        """Each test asking for `personalize_fake` gets an active fake of its own."""
        result = run(
            pytester,
            """
from personalize_fake import PersonalizeFake

@pytest.mark.parametrize("n", [1, 2])
def test_fresh(personalize_fake, n):
    assert isinstance(personalize_fake, PersonalizeFake)
    client().create_dataset_group(name="g")
    assert names() == ["g"]
""",
        )
        result.assert_outcomes(passed=2)

    def test_fixture_stops_after_the_test(self, pytester: pytest.Pytester) -> None:
        """Once a test using the fixture ends, later tests are not answered."""
        result = run(
            pytester,
            """
def test_uses(personalize_fake):
    client().create_dataset_group(name="g")

def test_after():
    with pytest.raises(NoCredentialsError):
        names()
""",
        )
        result.assert_outcomes(passed=2)

    def test_default_lifecycle_is_stepwise(self, pytester: pytest.Pytester) -> None:
        """Without options the fixture's resources step towards ACTIVE on each Describe."""
        result = run(
            pytester,
            """
def test_steps(personalize_fake):
    arn = client().create_dataset_group(name="g")["datasetGroupArn"]
    assert [status(arn) for _ in range(3)] == ["CREATE PENDING", "CREATE IN_PROGRESS", "ACTIVE"]
""",
        )
        result.assert_outcomes(passed=1)

    def test_fixture_is_listed(self, pytester: pytest.Pytester) -> None:
        """`pytest --fixtures` shows the fixture with its docstring."""
        pytester.makepyfile("def test_nothing(): pass")
        result = pytester.runpytest(*QUIET, "--fixtures")
        result.stdout.fnmatch_lines(["personalize_fake*", "*active personalize-fake mock*"])


class TestMarker:
    def test_marker_options(self, pytester: pytest.Pytester) -> None:
        """@pytest.mark.personalize_fake(lifecycle="instant") sets the fixture's options."""
        result = run(
            pytester,
            """
@pytest.mark.personalize_fake(lifecycle="instant", account_id="111122223333")
def test_instant(personalize_fake):
    arn = client().create_dataset_group(name="g")["datasetGroupArn"]
    assert ":111122223333:" in arn
    assert status(arn) == "ACTIVE"
""",
        )
        result.assert_outcomes(passed=1)

    def test_marker_without_fixture_activates(self, pytester: pytest.Pytester) -> None:
        """A marked test that does not ask for the fixture still runs in an active fake."""
        result = run(
            pytester,
            """
@pytest.mark.personalize_fake
def test_bare_marker():
    client().create_dataset_group(name="g")
    assert names() == ["g"]

@pytest.mark.personalize_fake(lifecycle="manual")
def test_marker_with_options():
    arn = client().create_dataset_group(name="g")["datasetGroupArn"]
    assert status(arn) == "CREATE PENDING"
    assert status(arn) == "CREATE PENDING"
""",
        )
        result.assert_outcomes(passed=2)

    def test_marked_tests_fixtures_run_inside(self, pytester: pytest.Pytester) -> None:
        """Fixtures a marked test asks for already see the active fake."""
        result = run(
            pytester,
            """
@pytest.fixture
def group():
    return client().create_dataset_group(name="g")["datasetGroupArn"]

@pytest.mark.personalize_fake(lifecycle="instant")
def test_uses_group(group):
    assert status(group) == "ACTIVE"
""",
        )
        result.assert_outcomes(passed=1)

    def test_marker_on_class_and_module(self, pytester: pytest.Pytester) -> None:
        """The marker on a class or module applies to each of its tests, each fresh."""
        result = run(
            pytester,
            """
pytestmark = pytest.mark.personalize_fake(lifecycle="manual")

def test_module_level():
    arn = client().create_dataset_group(name="g")["datasetGroupArn"]
    assert status(arn) == "CREATE PENDING"

@pytest.mark.personalize_fake(lifecycle="instant")
class TestClass:
    def test_one(self):
        arn = client().create_dataset_group(name="g")["datasetGroupArn"]
        assert status(arn) == "ACTIVE"

    def test_two(self):
        client().create_dataset_group(name="g")
""",
        )
        result.assert_outcomes(passed=3)

    def test_positional_arguments_are_an_error(self, pytester: pytest.Pytester) -> None:
        """A positional marker argument errors the test with a message showing the keyword form."""
        result = run(
            pytester,
            """
@pytest.mark.personalize_fake("instant")
def test_positional():
    pass
""",
        )
        result.assert_outcomes(errors=1)
        result.stdout.fnmatch_lines(["*takes keyword options only*lifecycle='instant'*"])

    def test_unknown_option_is_named(self, pytester: pytest.Pytester) -> None:
        """A misspelt marker option errors the test, naming the option."""
        result = run(
            pytester,
            """
@pytest.mark.personalize_fake(lifecyle="instant")
def test_misspelt(personalize_fake):
    pass
""",
        )
        result.assert_outcomes(errors=1)
        result.stdout.fnmatch_lines(["*unknown personalize-fake option(s) lifecyle*"])

    def test_marker_is_registered(self, pytester: pytest.Pytester) -> None:
        """The marker passes --strict-markers and is listed by `pytest --markers`."""
        result = run(
            pytester,
            """
@pytest.mark.personalize_fake
def test_marked():
    pass
""",
            "--strict-markers",
        )
        result.assert_outcomes(passed=1)
        result = pytester.runpytest(*QUIET, "--markers")
        result.stdout.fnmatch_lines(["@pytest.mark.personalize_fake(**options):*"])


class TestIniOption:
    def test_ini_lifecycle(self, pytester: pytest.Pytester) -> None:
        """`personalize_fake_lifecycle = instant` in the ini file sets the default lifecycle."""
        pytester.makeini("[pytest]\npersonalize_fake_lifecycle = instant\n")
        result = run(
            pytester,
            """
def test_fixture(personalize_fake):
    assert status(client().create_dataset_group(name="g")["datasetGroupArn"]) == "ACTIVE"

@pytest.mark.personalize_fake
def test_marker():
    assert status(client().create_dataset_group(name="g")["datasetGroupArn"]) == "ACTIVE"

@pytest.mark.personalize_fake(lifecycle="manual")
def test_marker_overrides_ini():
    assert status(client().create_dataset_group(name="g")["datasetGroupArn"]) == "CREATE PENDING"
""",
        )
        result.assert_outcomes(passed=3)

    def test_bad_ini_value_is_a_usage_error(self, pytester: pytest.Pytester) -> None:
        """A lifecycle the fake does not know stops the run at start, naming the choices."""
        pytester.makeini("[pytest]\npersonalize_fake_lifecycle = eventually\n")
        result = run(pytester, "def test_nothing(): pass")
        assert result.ret == pytest.ExitCode.USAGE_ERROR
        result.stderr.fnmatch_lines(["*personalize_fake_lifecycle*stepwise, instant, manual*"])


class TestRegistration:
    def test_entry_point(self) -> None:
        """Installing the package registers the plugin under pytest11."""
        found = {ep.name: ep.value for ep in entry_points(group="pytest11")}
        assert found.get("personalize_fake") == "personalize_fake.pytest_plugin"

    def test_no_import_needed_and_can_be_disabled(self, pytester: pytest.Pytester) -> None:
        """The fixture needs no import; `-p no:personalize_fake` turns the plugin off."""
        tests = """
def test_uses(personalize_fake):
    client().create_dataset_group(name="g")
"""
        run(pytester, tests).assert_outcomes(passed=1)
        result = pytester.runpytest(*QUIET, "-p", "no:personalize_fake")
        result.assert_outcomes(errors=1)
        result.stdout.fnmatch_lines(["*fixture 'personalize_fake' not found*"])


REPORT_HANDLER_MODULES = """
import sys

def pytest_sessionfinish(session):
    plugin = "personalize_fake.pytest_plugin" in sys.modules
    handlers = sorted(
        name for name in sys.modules
        if name.startswith("personalize_fake._api.") and name != "personalize_fake._api.registry"
    )
    print(f"\\nplugin loaded: {plugin}; handler modules: {handlers}")
"""


class TestLazyHandlers:
    """Run in a fresh interpreter each: this session has long imported every handler."""

    def test_a_session_without_a_mock_imports_no_handler_module(
        self, pytester: pytest.Pytester
    ) -> None:
        """With the plugin installed, a session that starts no mock imports no handler module."""
        pytester.makeconftest(REPORT_HANDLER_MODULES)
        pytester.makepyfile("def test_plain():\n    assert True\n")
        result = pytester.runpytest_subprocess(*QUIET, "-s")
        result.assert_outcomes(passed=1)
        result.stdout.fnmatch_lines(["plugin loaded: True; handler modules: []"])

    def test_a_session_with_a_mock_imports_them(self, pytester: pytest.Pytester) -> None:
        """The report above would see handler modules: a test that starts a mock loads them."""
        pytester.makeconftest(REPORT_HANDLER_MODULES)
        run(pytester, "def test_uses(personalize_fake):\n    names()\n")
        result = pytester.runpytest_subprocess(*QUIET, "-s")
        result.assert_outcomes(passed=1)
        result.stdout.fnmatch_lines(["plugin loaded: True; handler modules: [[]'personalize_fake*"])

    def test_a_pytester_run_leaves_the_fake_whole(self, pytester: pytest.Pytester) -> None:
        """A mock first started inside a pytester run leaves no stale handler module behind.

        pytester drops the modules first imported during its test; a later import of one by
        name must find the module the fake's state was built with, not a second copy.
        """
        pytester.makepyfile(
            HELPERS
            + '''
pytest_plugins = ["pytester"]

INNER = """
def test_inner(personalize_fake):
    import boto3
    boto3.client("personalize", region_name="us-east-1").create_dataset_group(name="g")
"""


def test_first(pytester):
    pytester.makepyfile(INNER)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


@pytest.mark.personalize_fake(lifecycle="instant")
def test_after(personalize_fake):
    import personalize_fake._api.dataset_groups  # by name, as any module of the package may

    arn = client().create_dataset_group(name="g")["datasetGroupArn"]
    assert status(arn) == "ACTIVE"
'''
        )
        result = pytester.runpytest_subprocess(*QUIET)
        result.assert_outcomes(passed=2)
