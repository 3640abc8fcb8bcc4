"""mock_personalize as decorator, context manager and start/stop: black-box through boto3."""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
import threading
import unittest
from typing import Any

import boto3
import botocore.endpoint
import botocore.handlers
import pytest
from botocore.exceptions import ClientError, NoCredentialsError
from botocore.stub import Stubber

from personalize_fake import Lifecycle, PersonalizeFake, PersonalizeMock, mock_personalize


def client(region: str = "us-east-1") -> Any:
    return boto3.client("personalize", region_name=region)


def group_names(personalize: Any) -> list[str]:
    return [g["name"] for g in personalize.list_dataset_groups()["datasetGroups"]]


def status(personalize: Any, arn: str) -> str:
    return str(personalize.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]["status"])


def assert_not_answered(personalize: Any) -> None:
    """The call went on to botocore, which stopped at signing: no fake, no network."""
    with pytest.raises(NoCredentialsError):
        personalize.list_dataset_groups()


def create_and_count() -> int:
    """Create the same group name each time: only fresh state lets this succeed twice."""
    personalize = client()
    personalize.create_dataset_group(name="g")
    return len(group_names(personalize))


class TestDecoratorOnFunctions:
    def test_bare_decorator(self) -> None:
        """@mock_personalize with no parentheses activates the fake for the call."""

        @mock_personalize
        def run() -> list[str]:
            client().create_dataset_group(name="g")
            return group_names(client())

        assert run() == ["g"]
        assert_not_answered(client())

    def test_decorator_with_options(self) -> None:
        """@mock_personalize(lifecycle=...) applies the options to the call's fake."""

        @mock_personalize(lifecycle="instant")
        def run() -> str:
            personalize = client()
            arn = personalize.create_dataset_group(name="g")["datasetGroupArn"]
            return status(personalize, arn)

        assert run() == "ACTIVE"

    def test_each_call_gets_fresh_state(self) -> None:
        """Every call of a decorated function starts from an empty fake."""
        run = mock_personalize(create_and_count)
        assert run() == 1
        assert run() == 1

    def test_keeps_name_docstring_and_return_value(self) -> None:
        """The decorated function still looks like itself and returns its value."""
        run = mock_personalize()(create_and_count)
        assert run.__name__ == "create_and_count"
        assert run.__doc__ == create_and_count.__doc__
        assert run.__wrapped__ is create_and_count  # type: ignore[attr-defined]
        assert run() == 1

    def test_exception_propagates_and_stops(self) -> None:
        """An exception leaves the decorated function unchanged and the fake stopped."""

        @mock_personalize
        def run() -> None:
            client().create_dataset_group(name="g")
            raise LookupError("boom")

        with pytest.raises(LookupError, match="boom"):
            run()
        assert_not_answered(client())

    @mock_personalize
    def test_decorated_test_still_gets_fixtures(self, tmp_path: Any) -> None:
        """A decorated pytest test keeps its signature, so fixtures are still injected."""
        assert tmp_path.is_dir()
        assert create_and_count() == 1

    def test_async_function(self) -> None:
        """A decorated coroutine function runs in the fake while awaited."""

        @mock_personalize(lifecycle="instant")
        async def run() -> list[str]:
            await asyncio.sleep(0)
            client().create_dataset_group(name="g")
            return group_names(client())

        assert inspect.iscoroutinefunction(run)
        assert asyncio.run(run()) == ["g"]
        assert asyncio.run(run()) == ["g"]
        assert_not_answered(client())

    def test_bare_decorator_on_async_function(self) -> None:
        """Bare @mock_personalize works on a coroutine function too."""

        @mock_personalize
        async def run() -> int:
            return create_and_count()

        assert asyncio.run(run()) == 1

    @pytest.mark.parametrize("target", ["instant", 42], ids=["str", "int"])
    def test_non_callable_target_is_refused(self, target: Any) -> None:
        """A positional option like mock_personalize("instant") fails with a hint."""
        with pytest.raises(TypeError, match=r"lifecycle='instant'"):
            mock_personalize(target)


@mock_personalize(lifecycle="instant")
class TestPlainClass:
    """Collected by pytest: each test method runs in a fake of its own."""

    def test_first(self) -> None:
        """A decorated class's test sees only what it created."""
        assert create_and_count() == 1

    def test_second(self) -> None:
        """A second test of the class does not see the first's group."""
        assert create_and_count() == 1

    async def helper(self) -> None:
        """Not a test: left as it is."""

    @staticmethod
    def test_static() -> None:
        """A staticmethod test is wrapped and stays static."""
        assert create_and_count() == 1

    def test_helpers_are_untouched(self) -> None:
        """Only test* methods are wrapped."""
        assert not hasattr(TestPlainClass.helper, "__wrapped__")


@mock_personalize(lifecycle="instant")
class TestPlainClassWithSetupMethod:
    """setup_method, the test and teardown_method share one fresh fake."""

    def setup_method(self, method: Any) -> None:
        self.personalize = client()
        self.arn = self.personalize.create_dataset_group(name="g")["datasetGroupArn"]

    def teardown_method(self) -> None:
        self.personalize.delete_dataset_group(datasetGroupArn=self.arn)

    def test_sees_setup_state(self) -> None:
        """What setup_method created is there in the test."""
        assert group_names(self.personalize) == ["g"]
        assert status(self.personalize, self.arn) == "ACTIVE"

    def test_state_is_fresh(self) -> None:
        """Each test's setup_method starts from an empty fake."""
        self.personalize.create_dataset_group(name="other")
        assert sorted(group_names(self.personalize)) == ["g", "other"]


class InheritedTests:
    """A mixin of tests, itself undecorated."""

    def test_inherited(self) -> None:
        """A test inherited from an undecorated base is wrapped in the decorated subclass."""
        assert create_and_count() == 1


@mock_personalize
class TestInheritsTests(InheritedTests):
    pass


@mock_personalize(lifecycle="instant")
class TestUnitTestCase(unittest.TestCase):
    """Run by pytest as a unittest.TestCase."""

    def setUp(self) -> None:
        self.personalize = client()
        self.resource = self.personalize.create_dataset_group(name="g")["datasetGroupArn"]

    def test_sees_setup_state(self) -> None:
        """setUp runs in the test's fake, so what it created is there."""
        self.assertEqual(group_names(self.personalize), ["g"])
        self.assertEqual(status(self.personalize, self.resource), "ACTIVE")

    def test_state_is_fresh(self) -> None:
        """Each test's setUp starts from an empty fake."""
        self.personalize.create_dataset_group(name="other")
        self.assertEqual(sorted(group_names(self.personalize)), ["g", "other"])


class TestClassDecoration:
    def test_test_case_under_unittest_runner(self) -> None:
        """A decorated TestCase works under unittest's own runner, cleanups included."""
        seen: list[list[str]] = []

        @mock_personalize(lifecycle="instant")
        class Case(unittest.TestCase):
            def setUp(self) -> None:
                self.personalize = client()
                self.personalize.create_dataset_group(name="g")
                self.addCleanup(self.personalize.list_dataset_groups)  # runs inside the fake

            def test_a(self) -> None:
                seen.append(group_names(self.personalize))

            def test_b(self) -> None:
                seen.append(group_names(self.personalize))

        result = unittest.TestResult()
        unittest.defaultTestLoader.loadTestsFromTestCase(Case).run(result)
        assert (result.testsRun, result.errors, result.failures) == (2, [], [])
        assert seen == [["g"], ["g"]]
        assert_not_answered(client())

    def test_isolated_asyncio_test_case(self) -> None:
        """An IsolatedAsyncioTestCase's asyncSetUp and async tests run in the fake."""
        seen: list[list[str]] = []

        @mock_personalize(lifecycle="instant")
        class Case(unittest.IsolatedAsyncioTestCase):
            async def asyncSetUp(self) -> None:
                client().create_dataset_group(name="g")

            async def test_a(self) -> None:
                await asyncio.sleep(0)
                seen.append(group_names(client()))

            async def test_b(self) -> None:
                seen.append(group_names(client()))

        result = unittest.TestResult()
        unittest.defaultTestLoader.loadTestsFromTestCase(Case).run(result)
        assert (result.testsRun, result.errors, result.failures) == (2, [], [])
        assert seen == [["g"], ["g"]]

    def test_failing_setup_still_stops(self) -> None:
        """A setUp that raises does not leave the fake running."""

        @mock_personalize
        class Case(unittest.TestCase):
            def setUp(self) -> None:
                raise RuntimeError("setup failed")

            def test_a(self) -> None:
                pass  # pragma: no cover

        result = unittest.TestResult()
        unittest.defaultTestLoader.loadTestsFromTestCase(Case).run(result)
        assert len(result.errors) == 1
        assert_not_answered(client())

    def test_subclass_options_win_over_base(self) -> None:
        """Decorating a subclass of a decorated class replaces the base's mock, not nests in it."""
        statuses: list[str] = []

        @mock_personalize(lifecycle="manual")
        class Base(unittest.TestCase):
            def setUp(self) -> None:
                self.personalize = client()

            def test_status(self) -> None:
                arn = self.personalize.create_dataset_group(name="g")["datasetGroupArn"]
                statuses.append(status(self.personalize, arn))

        @mock_personalize(lifecycle="instant")
        class Sub(Base):
            pass

        for case in (Base, Sub):
            result = unittest.TestResult()
            unittest.defaultTestLoader.loadTestsFromTestCase(case).run(result)
            assert (result.testsRun, result.errors, result.failures) == (1, [], [])
        assert statuses == ["CREATE PENDING", "ACTIVE"]

    def test_plain_class_methods_called_directly(self) -> None:
        """A decorated plain class's test methods are mocked however they are called."""

        @mock_personalize
        class Tests:
            def test_one(self) -> int:
                return create_and_count()

        assert Tests().test_one() == 1
        assert Tests().test_one() == 1

    def test_subclass_of_decorated_plain_class(self) -> None:
        """Decorating a subclass of a decorated plain class gives one fake per test, its own."""

        @mock_personalize(lifecycle="manual")
        class Base:
            def setup_method(self) -> None:
                self.arn = client().create_dataset_group(name="g")["datasetGroupArn"]

            def test_status(self) -> str:
                return status(client(), self.arn)

        @mock_personalize(lifecycle="instant")
        class Sub(Base):
            pass

        for cls, expected in ((Base, "CREATE PENDING"), (Sub, "ACTIVE")):
            tests = cls()
            tests.setup_method()
            try:
                assert tests.test_status() == expected
            finally:
                tests.teardown_method()  # type: ignore[attr-defined]
            assert_not_answered(client())

    def test_setup_method_failure_stops_the_fake(self) -> None:
        """A setup_method that raises does not leave the fake running."""

        @mock_personalize
        class Tests:
            def setup_method(self, method: Any) -> None:
                raise RuntimeError("setup failed")

        with pytest.raises(RuntimeError):
            Tests().setup_method(None)
        assert_not_answered(client())


class TestContextManager:
    def test_with_yields_the_handle(self) -> None:
        """`with mock_personalize() as fake` answers inside and hands over the fake's handle."""
        personalize = client()
        with mock_personalize(lifecycle="manual") as fake:
            assert isinstance(fake, PersonalizeFake)
            arn = personalize.create_dataset_group(name="g")["datasetGroupArn"]
            assert fake.status(arn) == "CREATE PENDING"
        assert_not_answered(personalize)

    def test_exception_inside_with_stops(self) -> None:
        """An exception in the block propagates and the fake stops."""
        with pytest.raises(LookupError), mock_personalize():
            raise LookupError
        assert_not_answered(client())

    def test_async_with(self) -> None:
        """`async with mock_personalize() as fake` works like `with`."""

        async def run() -> list[str]:
            async with mock_personalize(lifecycle="instant") as fake:
                assert isinstance(fake, PersonalizeFake)
                client().create_dataset_group(name="g")
                return group_names(client())

        assert asyncio.run(run()) == ["g"]
        assert_not_answered(client())

    def test_reusing_a_mock_starts_fresh(self) -> None:
        """The same mock object used twice gives fresh state each time."""
        mock = mock_personalize()
        with mock:
            assert create_and_count() == 1
        with mock:
            assert create_and_count() == 1


class TestStartStop:
    def test_start_and_stop(self) -> None:
        """start() activates and returns the handle; stop() ends answering."""
        mock = mock_personalize()
        assert isinstance(mock, PersonalizeMock)
        fake = mock.start()
        try:
            assert isinstance(fake, PersonalizeFake)
            assert mock.fake is fake
            assert create_and_count() == 1
        finally:
            mock.stop()
        assert_not_answered(client())

    def test_start_twice_is_a_no_op(self) -> None:
        """A second start() keeps the state and handle; one stop() ends it."""
        mock = mock_personalize()
        fake = mock.start()
        try:
            client().create_dataset_group(name="g")
            assert mock.start() is fake
            assert group_names(client()) == ["g"]
        finally:
            mock.stop()
        assert_not_answered(client())

    def test_stop_when_stopped_is_a_no_op(self) -> None:
        """stop() before start() or after stop() does nothing, even to other mocks."""
        other = mock_personalize()
        other.start()
        try:
            mock = mock_personalize()
            mock.stop()
            mock.start()
            mock.stop()
            mock.stop()
            assert create_and_count() == 1  # `other` still answers
        finally:
            other.stop()

    def test_stop_restores_botocore(self) -> None:
        """start() and stop() leave botocore's handler table exactly as they found it."""
        before = list(botocore.handlers.BUILTIN_HANDLERS)
        mock = mock_personalize()
        mock.start()
        mock.stop()
        assert before == botocore.handlers.BUILTIN_HANDLERS

    def test_fake_of_a_stopped_mock(self) -> None:
        """Asking a stopped mock for its handle says it is not started."""
        mock = mock_personalize()
        with pytest.raises(RuntimeError, match="not started"):
            _ = mock.fake
        assert not mock.active
        assert "stopped" in repr(mock)

    def test_client_created_before_start(self) -> None:
        """A client made before the fake started is answered by it."""
        personalize = client()
        assert_not_answered(personalize)
        with mock_personalize():
            personalize.create_dataset_group(name="g")
            assert group_names(personalize) == ["g"]
        assert_not_answered(personalize)

    def test_inactive_passes_through_to_stubber(self) -> None:
        """While no fake is active, botocore's own Stubber still answers the client."""
        personalize = client()
        with Stubber(personalize) as stub:
            stub.add_response("list_dataset_groups", {"datasetGroups": []})
            assert personalize.list_dataset_groups()["datasetGroups"] == []
            stub.assert_no_pending_responses()

    def test_no_network_while_active(self) -> None:
        """An answered call never reaches botocore's sender."""
        with mock_personalize():
            assert create_and_count() == 1


class TestNesting:
    def test_inner_state_is_separate(self) -> None:
        """An inner mock starts empty; after it stops, the outer one answers with its state."""
        with mock_personalize():
            client().create_dataset_group(name="outer")
            with mock_personalize():
                assert group_names(client()) == []
                client().create_dataset_group(name="inner")
            assert group_names(client()) == ["outer"]
        assert_not_answered(client())

    def test_innermost_options_apply(self) -> None:
        """The innermost active mock's options decide the answers."""
        personalize = client()
        with mock_personalize(lifecycle="manual"), mock_personalize(lifecycle="instant"):
            arn = personalize.create_dataset_group(name="g")["datasetGroupArn"]
            assert status(personalize, arn) == "ACTIVE"

    def test_out_of_order_stop(self) -> None:
        """Stopping the outer mock first leaves the inner one answering, then nothing."""
        outer, inner = mock_personalize(), mock_personalize()
        outer.start()
        inner.start()
        client().create_dataset_group(name="inner")
        outer.stop()
        assert group_names(client()) == ["inner"]
        inner.stop()
        assert_not_answered(client())

    def test_restart_of_outer_becomes_innermost(self) -> None:
        """A mock started again after an inner one answers, with fresh state."""
        first, second = mock_personalize(), mock_personalize()
        first.start()
        second.start()
        client().create_dataset_group(name="second")
        first.stop()
        first.start()
        try:
            assert group_names(client()) == []
        finally:
            first.stop()
            second.stop()

    def test_decorator_inside_context_manager(self) -> None:
        """A decorated function called inside `with` gets its own fake."""
        with mock_personalize():
            client().create_dataset_group(name="outer")
            assert mock_personalize(create_and_count)() == 1
            assert group_names(client()) == ["outer"]


class TestOptions:
    @pytest.mark.parametrize("lifecycle", ["instant", Lifecycle.INSTANT], ids=["str", "enum"])
    def test_instant(self, lifecycle: Any) -> None:
        """lifecycle="instant": a new resource is ACTIVE at once."""
        with mock_personalize(lifecycle=lifecycle):
            personalize = client()
            arn = personalize.create_dataset_group(name="g")["datasetGroupArn"]
            assert group_names(personalize) == ["g"]
            assert status(personalize, arn) == "ACTIVE"

    def test_stepwise_is_the_default(self) -> None:
        """By default each Describe moves a resource one step towards ACTIVE."""
        with mock_personalize():
            personalize = client()
            arn = personalize.create_dataset_group(name="g")["datasetGroupArn"]
            seen = [status(personalize, arn) for _ in range(4)]
        assert seen == ["CREATE PENDING", "CREATE IN_PROGRESS", "ACTIVE", "ACTIVE"]

    def test_manual(self) -> None:
        """lifecycle="manual": nothing moves until the test calls fake.advance(arn)."""
        with mock_personalize(lifecycle="manual") as fake:
            personalize = client()
            arn = personalize.create_dataset_group(name="g")["datasetGroupArn"]
            assert [status(personalize, arn) for _ in range(3)] == ["CREATE PENDING"] * 3
            assert fake.advance(arn) == "CREATE IN_PROGRESS"
            assert status(personalize, arn) == "CREATE IN_PROGRESS"
            assert fake.advance(arn) == "ACTIVE"
            assert status(personalize, arn) == "ACTIVE"

    def test_account_id_in_arns(self) -> None:
        """account_id= is the account in every ARN the fake makes."""
        with mock_personalize(account_id="111122223333"):
            arn = client().create_dataset_group(name="g")["datasetGroupArn"]
        assert arn == "arn:aws:personalize:us-east-1:111122223333:dataset-group/g"

    @pytest.mark.parametrize(
        ("region", "partition"),
        [("us-east-1", "aws"), ("eu-west-1", "aws"), ("cn-north-1", "aws-cn")],
    )
    def test_region_comes_from_the_client(self, region: str, partition: str) -> None:
        """The client's region (and its partition) is the one in the ARN."""
        with mock_personalize():
            arn = client(region).create_dataset_group(name="g")["datasetGroupArn"]
        assert arn == f"arn:{partition}:personalize:{region}:123456789012:dataset-group/g"

    def test_regions_are_separate(self) -> None:
        """What one region holds is invisible from another."""
        with mock_personalize():
            east, west = client("us-east-1"), client("eu-west-1")
            arn = east.create_dataset_group(name="g")["datasetGroupArn"]
            assert group_names(west) == []
            with pytest.raises(ClientError) as info:
                west.describe_dataset_group(datasetGroupArn=arn)
            assert info.value.response["Error"]["Code"] == "ResourceNotFoundException"
            west.create_dataset_group(name="g")  # the same name is free there
            assert group_names(east) == ["g"]

    def test_accounts_are_separate(self) -> None:
        """Mocks for different accounts share nothing, even by ARN."""
        with mock_personalize(account_id="111111111111"):
            arn = client().create_dataset_group(name="g")["datasetGroupArn"]
            with mock_personalize(account_id="222222222222"):
                assert group_names(client()) == []
                with pytest.raises(ClientError) as info:
                    client().describe_dataset_group(datasetGroupArn=arn)
                assert info.value.response["Error"]["Code"] == "ResourceNotFoundException"

    @pytest.mark.parametrize(
        "use",
        [
            lambda: mock_personalize(lifecyle="instant"),
            lambda: mock_personalize(lifecyle="instant")(create_and_count),
        ],
        ids=["call", "decorator"],
    )
    def test_unknown_option_is_named(self, use: Any) -> None:
        """A misspelt option fails at once with a TypeError naming it."""
        with pytest.raises(TypeError, match="lifecyle"):
            use()

    def test_bad_lifecycle_lists_the_choices(self) -> None:
        """A lifecycle value that does not exist fails naming the ones that do."""
        with pytest.raises(ValueError, match="stepwise, instant, manual"):
            mock_personalize(lifecycle="eventually")

    def test_bad_account_id(self) -> None:
        """An account_id that is not 12 digits is refused."""
        with pytest.raises(ValueError, match="12 digits"):
            mock_personalize(account_id="42")


def own_client() -> Any:
    """A client of a session of its own, as code in another thread makes one (boto3's advice)."""
    return boto3.session.Session().client("personalize", region_name="us-east-1")


class TestProcessWide:
    def test_worker_threads_see_the_tests_mock(self) -> None:
        """Code under test calling from a thread pool is answered by the test's mock."""
        with mock_personalize():
            client().create_dataset_group(name="from-test")
            with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
                seen = pool.submit(lambda: group_names(own_client())).result()
                pool.submit(lambda: own_client().create_dataset_group(name="from-worker")).result()
            assert seen == ["from-test"]
            assert group_names(client()) == ["from-test", "from-worker"]

    def test_two_threads_with_their_own_mocks_share_the_later_one(self) -> None:
        """Mocks are not per thread: while both are active, the one started last answers both."""
        first_started, second_started, first_listed, second_stopped = (
            threading.Event() for _ in range(4)
        )
        seen: dict[str, list[str]] = {}

        def first() -> None:
            with mock_personalize():
                own_client().create_dataset_group(name="first")
                first_started.set()
                second_started.wait(10)
                seen["first, while both run"] = group_names(own_client())
                first_listed.set()
                second_stopped.wait(10)
                seen["first, alone again"] = group_names(own_client())

        def second() -> None:
            first_started.wait(10)
            with mock_personalize():
                own_client().create_dataset_group(name="second")
                second_started.set()
                seen["second"] = group_names(own_client())
                first_listed.wait(10)
            second_stopped.set()

        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert seen == {
            "second": ["second"],
            "first, while both run": ["second"],
            "first, alone again": ["first"],
        }
        assert_not_answered(client())

    def test_two_coroutines_with_their_own_mocks_share_the_later_one(self) -> None:
        """Under asyncio.gather, too, the mock started last answers both coroutines."""

        async def first(started: asyncio.Event, other: asyncio.Event) -> list[str]:
            async with mock_personalize():
                client().create_dataset_group(name="first")
                started.set()
                await other.wait()
                return group_names(client())

        async def second(started: asyncio.Event, other: asyncio.Event) -> list[str]:
            await other.wait()
            async with mock_personalize():
                client().create_dataset_group(name="second")
                started.set()
                await asyncio.sleep(0)  # let the first one list while this mock is active
                return group_names(client())

        async def both() -> list[list[str]]:
            one, two = asyncio.Event(), asyncio.Event()
            return list(await asyncio.gather(first(one, two), second(two, one)))

        assert asyncio.run(both()) == [["second"], ["second"]]
        assert_not_answered(client())
