"""Status chains declared as data: every chain moves the same way in every mode, and the handle
steers each one.

The chains of kinds not implemented yet (a recommender's stop and start, a version's stopped
creation, an update summary, a job that loads its rows) are checked with small test-only
classes declared as those kinds will be; the real kinds are checked through boto3.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs
import pytest

from personalize_fake import PersonalizeFake
from personalize_fake._errors import ResourceInUse
from personalize_fake._settings import Settings
from personalize_fake._state import lifecycle
from personalize_fake._state.resource import (
    ACTIVE,
    CREATE,
    CREATE_FAILED,
    CREATE_IN_PROGRESS,
    CREATE_PENDING,
    DELETE,
    KINDS,
    Resource,
)
from personalize_fake._state.store import RegionState
from personalize_fake._state.transitions import GONE, Chain, Transitions

INACTIVE = "INACTIVE"
STOP = Chain(
    "stop",
    ("STOP PENDING", "STOP IN_PROGRESS", INACTIVE),
    begins_from=(ACTIVE,),
    purpose="be stopped",
)
START = Chain(
    "start",
    ("START PENDING", "START IN_PROGRESS", ACTIVE),
    begins_from=(INACTIVE,),
    purpose="be started",
)


@attrs.define(eq=False, kw_only=True)
class Stoppable(Resource):
    """Stops and starts again (a recommender)."""

    KIND: ClassVar[str] = "test-stoppable"
    LABEL: ClassVar[str] = "stoppable"
    TRANSITIONS: ClassVar[Transitions] = Transitions(
        CREATE, attrs.evolve(DELETE, begins_from=(ACTIVE, CREATE_FAILED, INACTIVE)), STOP, START
    )


@attrs.define(eq=False, kw_only=True)
class Version(Resource):
    """Its creation can be stopped (a solution version)."""

    KIND: ClassVar[str] = "test-version"
    LABEL: ClassVar[str] = "version"
    TRANSITIONS: ClassVar[Transitions] = Transitions(
        CREATE,
        Chain(
            "stop-creation",
            ("CREATE STOPPING", "CREATE STOPPED"),
            begins_from=(CREATE_PENDING, CREATE_IN_PROGRESS),
            purpose="stop being created",
            enters_at={CREATE_PENDING: "CREATE STOPPED"},
        ),
    )


def _note(status: str) -> Any:
    def effect(state: RegionState, resource: Job) -> None:
        resource.entered.append(status)

    return effect


def _load(state: RegionState, resource: Job) -> str | None:
    if resource.bad_row is not None:
        return f"Invalid row at line {resource.bad_row}."
    resource.entered.append("loaded")
    return None


@attrs.define(eq=False, kw_only=True)
class Job(Resource):
    """Notes every status it enters, loads on ACTIVE, which fails on a bad row (an import)."""

    KIND: ClassVar[str] = "test-job"
    LABEL: ClassVar[str] = "job"
    TRANSITIONS: ClassVar[Transitions] = Transitions(
        attrs.evolve(
            CREATE,
            on_enter={
                CREATE_PENDING: _note(CREATE_PENDING),
                CREATE_IN_PROGRESS: _note(CREATE_IN_PROGRESS),
                ACTIVE: _load,
                CREATE_FAILED: _note(CREATE_FAILED),
            },
        ),
        attrs.evolve(DELETE, on_enter={**DELETE.on_enter, "DELETE PENDING": _note("deleting")}),
    )
    entered: list[str] = attrs.Factory(list)
    bad_row: int | None = None


@attrs.define(eq=False, kw_only=True)
class Deployed(Resource):
    """Its updates move a summary's status of their own (a campaign's latestCampaignUpdate)."""

    KIND: ClassVar[str] = "test-deployed"
    LABEL: ClassVar[str] = "deployed"
    TRANSITIONS: ClassVar[Transitions] = Transitions(
        CREATE,
        DELETE,
        Chain(
            "update",
            (CREATE_PENDING, CREATE_IN_PROGRESS, ACTIVE),
            begins_from=(ACTIVE, CREATE_FAILED),
            purpose="be updated",
            failed=CREATE_FAILED,
            field="update_status",
            reason_field="update_reason",
        ),
    )
    update_status: str | None = None
    update_reason: str | None = None


@attrs.define(eq=False, kw_only=True)
class Deletion(Resource):
    """A job with no CREATE prefix, ending COMPLETED or FAILED (a data deletion job)."""

    KIND: ClassVar[str] = "test-deletion"
    LABEL: ClassVar[str] = "deletion job"
    TRANSITIONS: ClassVar[Transitions] = Transitions(
        Chain("create", ("PENDING", "IN_PROGRESS", "COMPLETED"), failed="FAILED"), DELETE
    )


TEST_KINDS = (Stoppable, Version, Job, Deployed, Deletion)
for _cls in TEST_KINDS:  # kept out of the registry (fail_next lists KINDS)
    del KINDS[_cls.KIND]

MODES = ("stepwise", "instant", "manual")


def make_fake(mode: str = "manual") -> tuple[PersonalizeFake, RegionState]:
    fake = PersonalizeFake(Settings(lifecycle=mode))
    return fake, fake.store.region("us-east-1")


def create(state: RegionState, cls: type[Any], name: str = "r", **fields: Any) -> Any:
    """Create as a handler does: begin the create chain, then store."""
    resource = cls(arn=state.arn(cls.KIND, name), name=name, **fields)
    lifecycle.begin_create(state, resource)
    return state.add(resource)


def polled(state: RegionState, resource: Resource, field: str = "status") -> list[str]:
    """What a Describe polling loop sees until nothing is under way (at most 6 polls)."""
    seen = []
    for _ in range(6):
        if state.resources.get(resource.arn) is not resource:
            seen.append(GONE)
            break
        seen.append(getattr(resource, field))
        if lifecycle.settled(resource):
            break
        lifecycle.observed(state, resource)  # a Describe has answered
    return seen


def active(mode: str, cls: type[Any], **fields: Any) -> tuple[PersonalizeFake, RegionState, Any]:
    fake, state = make_fake(mode)
    resource = create(state, cls, **fields)
    fake.settle()
    return fake, state, resource


class TestModes:
    @pytest.mark.parametrize("mode", MODES)
    def test_stop_then_start(self, mode: str) -> None:
        """A stop runs STOP PENDING > STOP IN_PROGRESS > INACTIVE, a start back to ACTIVE."""
        fake, state, resource = active(mode, Stoppable)
        for name, chain in (("stop", STOP), ("start", START)):
            lifecycle.begin(state, resource, name)
            if mode == "stepwise":
                assert polled(state, resource) == list(chain.statuses)
            elif mode == "instant":
                assert polled(state, resource) == [chain.end]
            else:
                assert polled(state, resource) == [chain.statuses[0]] * 6  # nothing moves it
                assert fake.advance(resource.arn) == chain.statuses[1]
                assert fake.advance(resource.arn) == chain.end
                assert fake.advance(resource.arn) == chain.end  # nowhere further to go

    @pytest.mark.parametrize("mode", MODES)
    def test_delete_after_stop(self, mode: str) -> None:
        """A stopped resource can be deleted, where its class allows INACTIVE; it ends gone."""
        fake, state, resource = active(mode, Stoppable)
        lifecycle.begin(state, resource, "stop")
        fake.settle(resource.arn)
        lifecycle.begin_delete(state, resource)
        fake.settle()
        assert state.resources == {}

    def test_stop_creation_from_pending_and_in_progress(self) -> None:
        """Stopped while pending it is CREATE STOPPED at once; in progress, via CREATE STOPPING."""
        _, state = make_fake("stepwise")
        pending = create(state, Version, "pending")
        lifecycle.begin(state, pending, "stop-creation")
        assert polled(state, pending) == ["CREATE STOPPED"]
        running = create(state, Version, "running")
        lifecycle.observed(state, running)
        lifecycle.begin(state, running, "stop-creation")
        assert polled(state, running) == ["CREATE STOPPING", "CREATE STOPPED"]
        with pytest.raises(ResourceInUse, match="current status: CREATE STOPPED"):
            lifecycle.begin(state, running, "stop-creation")


class TestRefusals:
    @pytest.mark.parametrize(
        ("chain", "status", "expected"),
        [
            ("stop", INACTIVE, "must be ACTIVE to be stopped (current status: INACTIVE)."),
            ("start", ACTIVE, "must be INACTIVE to be started (current status: ACTIVE)."),
            (
                "stop",
                CREATE_PENDING,
                "must be ACTIVE to be stopped (current status: CREATE PENDING).",
            ),
            (
                "delete",
                "STOP IN_PROGRESS",
                "must be ACTIVE or CREATE FAILED or INACTIVE to be deleted "
                "(current status: STOP IN_PROGRESS).",
            ),
        ],
    )
    def test_wrong_status_is_resource_in_use(self, chain: str, status: str, expected: str) -> None:
        """A chain begun from a status it does not begin from is ResourceInUse naming both."""
        _, state = make_fake()
        resource = create(state, Stoppable, status=status)
        resource.status = status
        with pytest.raises(ResourceInUse) as caught:
            if chain == "delete":
                lifecycle.begin_delete(state, resource)
            else:
                lifecycle.begin(state, resource, chain)
        assert caught.value.message == f"The stoppable {resource.arn} {expected}"
        assert resource.status == status  # nothing changed

    def test_update_while_updating(self) -> None:
        """A chain of another field cannot begin again while it runs."""
        _, state, resource = active("manual", Deployed)
        lifecycle.begin(state, resource, "update")
        with pytest.raises(ResourceInUse, match="while its last update is CREATE PENDING"):
            lifecycle.begin(state, resource, "update")

    def test_ambiguous_table_is_refused(self) -> None:
        """Two chains under way in one status of one field cannot be declared."""
        twin = Chain("twin", (CREATE_PENDING, ACTIVE))
        with pytest.raises(ValueError, match="under way in both 'create' and 'twin'"):
            Transitions(CREATE, twin)
        Transitions(CREATE, attrs.evolve(twin, field="update_status"))  # another field is fine

    def test_unknown_chain(self) -> None:
        """Beginning a chain the class lacks is a KeyError naming the ones it has."""
        _, state, resource = active("manual", Deployed)
        with pytest.raises(KeyError, match="create, delete, update"):
            lifecycle.begin(state, resource, "stop")


class TestEffects:
    @pytest.mark.parametrize("mode", MODES)
    def test_each_runs_once_in_order(self, mode: str) -> None:
        """Create and delete run each status's effect once, in order, whatever moves them."""
        fake, state = make_fake(mode)
        job = create(state, Job)
        polled(state, job)
        fake.settle()
        fake.settle()
        assert job.entered == [CREATE_PENDING, CREATE_IN_PROGRESS, "loaded"]
        lifecycle.begin_delete(state, job)
        polled(state, job)
        fake.settle()
        assert job.entered[3:] == ["deleting"]
        assert job.arn not in state.resources

    @pytest.mark.parametrize("mode", MODES)
    def test_a_failing_effect_fails_the_chain(self, mode: str) -> None:
        """An effect that returns a reason ends the chain in its failure status with it."""
        fake, state = make_fake(mode)
        job = create(state, Job, bad_row=3)
        fake.settle()
        assert (job.status, job.failure_reason) == (CREATE_FAILED, "Invalid row at line 3.")
        assert job.entered == [CREATE_PENDING, CREATE_IN_PROGRESS, CREATE_FAILED]


class TestOtherField:
    @pytest.mark.parametrize("mode", MODES)
    def test_update_moves_its_own_field(self, mode: str) -> None:
        """An update summary runs its chain while the resource's status stays ACTIVE."""
        fake, state, resource = active(mode, Deployed)
        lifecycle.begin(state, resource, "update")
        seen = polled(state, resource, "update_status")
        if mode == "manual":
            assert fake.advance(resource.arn) == ACTIVE  # the status; the summary moved
            assert resource.update_status == CREATE_IN_PROGRESS
        fake.settle(resource.arn)
        expected = {"stepwise": list(CREATE.statuses), "instant": [ACTIVE]}
        assert seen == expected.get(mode, [CREATE_PENDING] * 6)
        assert (resource.status, resource.update_status) == (ACTIVE, ACTIVE)

    def test_fail_writes_its_own_reason(self) -> None:
        """Failing an update fails the summary, with its reason, and leaves the status."""
        fake, state, resource = active("manual", Deployed)
        lifecycle.begin(state, resource, "update")
        fake.fail(resource.arn, "Bad config.")
        assert (resource.status, resource.failure_reason) == (ACTIVE, None)
        assert (resource.update_status, resource.update_reason) == (CREATE_FAILED, "Bad config.")
        lifecycle.begin(state, resource, "update")  # a new update may follow a failed one
        assert resource.update_status == CREATE_PENDING


class TestHandle:
    @pytest.mark.parametrize(
        ("cls", "chain", "failed"),
        [
            (Stoppable, "stop", None),
            (Stoppable, "delete", None),
            (Version, "stop-creation", None),
            (Deployed, "update", CREATE_FAILED),
        ],
    )
    def test_advance_settle_fail_on_each_chain(
        self, cls: type[Any], chain: str, failed: str | None
    ) -> None:
        """advance moves one step, settle to the end, fail ends it or is a ValueError."""
        fake, state = make_fake("manual")
        resource = create(state, cls)
        if cls is Version:
            fake.advance(resource.arn)  # CREATE IN_PROGRESS: stopping passes CREATE STOPPING
        else:
            fake.settle()
        table = cls.TRANSITIONS.chain(chain)
        begin = lifecycle.begin_delete if chain == "delete" else lifecycle.begin
        args = () if chain == "delete" else (chain,)
        begin(state, resource, *args)
        first = getattr(resource, table.field)
        if failed is None:
            with pytest.raises(ValueError, match=f"its {chain} chain has no failure status"):
                fake.fail(resource.arn)
        else:
            fake.fail(resource.arn, "Injected.")
            assert getattr(resource, table.field) == failed
            begin(state, resource, *args)
        assert first == table.statuses[0]
        fake.advance(resource.arn)
        assert getattr(resource, table.field) == table.statuses[1]
        fake.settle(resource.arn)
        if table.end == GONE:
            assert resource.arn not in state.resources
        else:
            assert getattr(resource, table.field) == table.end
            with pytest.raises(ValueError, match="only a resource being created or changed"):
                fake.fail(resource.arn)

    @pytest.mark.parametrize("mode", MODES)
    def test_fail_next_on_any_create_chain(self, mode: str, monkeypatch: Any) -> None:
        """fail_next dooms the next creation of a kind where its chain would end: FAILED here."""
        monkeypatch.setitem(KINDS, Deletion.KIND, Deletion)
        fake, state = make_fake(mode)
        fake.fail_next(Deletion.KIND, "No such users file.")
        doomed = create(state, Deletion, "doomed")
        fine = create(state, Deletion, "fine")
        polled(state, doomed)
        fake.settle()
        assert (doomed.status, doomed.failure_reason) == ("FAILED", "No such users file.")
        assert (fine.status, fine.failure_reason) == ("COMPLETED", None)

    def test_fail_next_needs_a_failure_status(self, monkeypatch: Any) -> None:
        """A kind whose creation cannot fail (created at once) is not one fail_next takes."""
        monkeypatch.setitem(KINDS, Deletion.KIND, Deletion)
        fake, _ = make_fake()
        fake.fail_next(Deletion.KIND)
        with pytest.raises(ValueError, match="unknown resource kind 'schema'"):
            fake.fail_next("schema")


def test_test_kinds_stay_out_of_the_registry() -> None:
    """The test-only classes are not kinds a user's fail_next could name."""
    assert not {cls.KIND for cls in TEST_KINDS} & set(KINDS)
