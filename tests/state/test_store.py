"""The store's indexes (kinds, who refers to whom) and the delete rules declared with them.

The rules of kinds not implemented yet (a solution's versions deleted with it, an import
job blocking its dataset only while it runs) are checked with small test-only classes
declared as those kinds will be; the real kinds are checked through boto3.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import attrs
import pytest
from botocore.exceptions import ClientError
from support import INTERACTIONS_SCHEMA, index_facts

from personalize_fake import PersonalizeFake
from personalize_fake._errors import LimitExceeded, ResourceInUse
from personalize_fake._settings import Settings
from personalize_fake._state import lifecycle, persistence
from personalize_fake._state.limits import IN_FLIGHT, LIVE, Limit
from personalize_fake._state.references import CASCADE, KEEP, Reference
from personalize_fake._state.resource import (
    ACTIVE,
    CREATE_IN_PROGRESS,
    CREATE_PENDING,
    KINDS,
    Resource,
)
from personalize_fake._state.store import RegionState, Store


@attrs.define(eq=False, kw_only=True)
class Parent(Resource):
    KIND: ClassVar[str] = "test-parent"
    LABEL: ClassVar[str] = "parent"


@attrs.define(eq=False, kw_only=True)
class Child(Resource):
    """Blocks its parent always (a dataset its group)."""

    KIND: ClassVar[str] = "test-child"
    LABEL: ClassVar[str] = "child"
    REFERENCES: ClassVar[tuple[Reference, ...]] = (Reference("parent_arn"),)
    parent_arn: str


@attrs.define(eq=False, kw_only=True)
class Version(Resource):
    """Deleted with its parent, blocking it while in flight (a solution version); refers to
    children it read without being deleted with them (the datasets a version trained on)."""

    KIND: ClassVar[str] = "test-version"
    LABEL: ClassVar[str] = "version"
    REFERENCES: ClassVar[tuple[Reference, ...]] = (
        Reference("parent_arn", CASCADE, blocks_while_creating=True),
        Reference("read", KEEP, blocks_while_creating=True),
    )
    parent_arn: str
    read: tuple[str, ...] = ()


@attrs.define(eq=False, kw_only=True)
class User(Resource):
    """Blocks the version it uses (a campaign), and so that version's parent."""

    KIND: ClassVar[str] = "test-user"
    LABEL: ClassVar[str] = "user"
    REFERENCES: ClassVar[tuple[Reference, ...]] = (Reference("version_arn"),)
    version_arn: str | None = None


@attrs.define(eq=False, kw_only=True)
class Limited(Resource):
    """At most 2 live per parent (a solution per group), 3 being created per region (versions
    in training)."""

    KIND: ClassVar[str] = "test-limited"
    LABEL: ClassVar[str] = "limited"
    REFERENCES: ClassVar[tuple[Reference, ...]] = (Reference("parent_arn"),)
    LIMITS: ClassVar[tuple[Limit, ...]] = (
        Limit(2, LIVE, "parent_arn"),
        Limit("solution_versions_in_progress", IN_FLIGHT),
    )
    parent_arn: str


TEST_KINDS = (Parent, Child, Version, User, Limited)
for _cls in TEST_KINDS:  # registered only by the tests that save them (fail_next lists KINDS)
    del KINDS[_cls.KIND]


@pytest.fixture
def state() -> RegionState:
    return Store(Settings(lifecycle="instant")).region("us-east-1")


def make(state: RegionState, cls: type[Any], name: str, **fields: Any) -> Any:
    fields.setdefault("status", ACTIVE)
    return state.add(cls(arn=state.arn(cls.KIND, name), name=name, **fields))


def refused(state: RegionState, resource: Resource) -> str:
    """The ResourceInUse message of deleting ``resource``, which must be refused."""
    with pytest.raises(ResourceInUse) as caught:
        lifecycle.begin_delete(state, resource)
    return caught.value.message


def family(state: RegionState) -> tuple[Parent, Version, Version]:
    parent = make(state, Parent, "p")
    done = make(state, Version, "v1", parent_arn=parent.arn)
    running = make(state, Version, "v2", parent_arn=parent.arn, status=CREATE_IN_PROGRESS)
    return parent, done, running


class TestIndexes:
    def test_each_kind_is_its_own_collection_in_creation_order(self, state: RegionState) -> None:
        """``all`` reads one kind's collection, in creation order, whatever else is stored."""
        parent = make(state, Parent, "p")
        children = [make(state, Child, f"c{n}", parent_arn=parent.arn) for n in range(3)]
        make(state, Parent, "q")
        assert list(state.all(Child)) == children
        assert [p.name for p in state.all(Parent)] == ["p", "q"]
        assert list(state.referrers(parent.arn, Child)) == children
        assert list(state.referrers(parent.arn, User)) == []
        index_facts(state)

    def test_remove_forgets_every_index_entry(self, state: RegionState) -> None:
        """After removing everything, no kind and no reference is left indexed."""
        parent, done, running = family(state)
        child = make(state, Child, "c", parent_arn=parent.arn)
        user = make(state, User, "u", version_arn=done.arn)
        for resource in (user, child, running, done, parent):
            state.remove(resource)
            index_facts(state)
        assert state.kinds == {}
        assert state.references.by_target == {}

    def test_refer_moves_a_reference_and_keeps_creation_order(self, state: RegionState) -> None:
        """A reference pointed elsewhere is indexed there, in creation order, not at the end."""
        parent, done, _ = family(state)
        other = make(state, Version, "v3", parent_arn=parent.arn)
        first = make(state, User, "u1", version_arn=other.arn)
        second = make(state, User, "u2", version_arn=done.arn)
        state.refer(second, "version_arn", other.arn)
        state.refer(first, "version_arn", done.arn)
        state.refer(first, "version_arn", other.arn)
        assert list(state.referrers(other.arn, User)) == [first, second]
        assert list(state.referrers(done.arn, User)) == []
        index_facts(state)

    def test_indexes_are_rebuilt_from_a_state_file(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A store loaded from its state file has the same kinds and references, in order."""
        for cls in TEST_KINDS:
            monkeypatch.setitem(KINDS, cls.KIND, cls)
        path = tmp_path / "state.db"
        live = Store(Settings(lifecycle="instant"))
        journal = persistence.attach(path, live)
        with live.lock:
            state = live.region("us-east-1")
            parent, done, running = family(state)
            make(state, Child, "c", parent_arn=parent.arn)
            user = make(state, User, "u", version_arn=running.arn)
            make(state, Version, "v3", parent_arn=parent.arn, read=(running.arn, done.arn))
            state.refer(user, "version_arn", done.arn)
            state.remove(make(state, Parent, "gone"))
        journal.close()
        loaded = Store(Settings(lifecycle="instant"))
        persistence.attach(path, loaded).close()
        (reloaded,) = loaded.regions.values()
        assert index_facts(reloaded) == index_facts(state)


class TestDeleteRules:
    def test_a_blocking_referrer_is_named_by_arn_and_status(self, state: RegionState) -> None:
        """A referrer that blocks is in the message, by label, ARN and status."""
        parent = make(state, Parent, "p")
        child = make(state, Child, "c", parent_arn=parent.arn, status="DELETE PENDING")
        assert refused(state, parent) == (
            f"Cannot delete parent {parent.arn}: it is in use by child {child.arn} "
            "(DELETE PENDING). Delete them first."
        )

    def test_a_cascading_referrer_blocks_only_while_in_flight(self, state: RegionState) -> None:
        """A version in flight blocks its parent; finished ones do not."""
        parent, _, running = family(state)
        assert refused(state, parent) == (
            f"Cannot delete parent {parent.arn}: it is in use by version {running.arn} "
            "(CREATE IN_PROGRESS). Delete them first."
        )

    def test_cascading_referrers_go_with_their_target(self, state: RegionState) -> None:
        """Deleting a parent deletes its finished versions, and their tags, with it."""
        parent, done, running = family(state)
        running.status = ACTIVE
        state.tag(done, {"k": "v"})
        lifecycle.begin_delete(state, parent)
        assert state.resources == {}
        assert state.tags == {}
        index_facts(state)

    def test_a_referrer_of_a_cascaded_one_blocks(self, state: RegionState) -> None:
        """What blocks a version deleted with its parent blocks the parent (a campaign)."""
        parent, done, running = family(state)
        running.status = ACTIVE
        user = make(state, User, "u", version_arn=done.arn)
        assert f"user {user.arn} (ACTIVE)" in refused(state, parent)
        state.remove(user)
        lifecycle.begin_delete(state, parent)
        assert state.resources == {}

    def test_a_kept_reference_blocks_while_in_flight_then_stays(self, state: RegionState) -> None:
        """A reference kept on delete blocks while in flight; then the target goes alone."""
        parent, _, running = family(state)
        child = make(state, Child, "c", parent_arn=parent.arn)
        state.refer(running, "read", (child.arn,))
        assert f"version {running.arn} (CREATE IN_PROGRESS)" in refused(state, child)
        running.status = ACTIVE
        lifecycle.begin_delete(state, child)
        assert child.arn not in state.resources
        assert running.arn in state.resources
        index_facts(state)

    def test_the_message_names_ten_then_counts(self, state: RegionState) -> None:
        """A message names ten dependants and says how many more there are."""
        parent = make(state, Parent, "p")
        for n in range(13):
            make(state, Child, f"c{n:02}", parent_arn=parent.arn)
        message = refused(state, parent)
        assert message.count(state.arn(Child.KIND, "c")) == 10
        assert message.endswith("c09 (ACTIVE) and 3 more. Delete them first.")

    def test_own_status_first(self, state: RegionState) -> None:
        """A resource still being created is refused for its own status."""
        parent = make(state, Parent, "p", status=CREATE_PENDING)
        assert "must be ACTIVE or CREATE FAILED" in refused(state, parent)

    def test_nothing_new_may_block_a_resource_being_deleted(self, state: RegionState) -> None:
        """A resource created (or a reference re-pointed) that would block a target whose
        deletion is under way is ResourceInUse, and nothing changes; one that would not
        block it (a finished version) may still be created. Adding is a fact (a state
        file's load restores what was), never refused."""
        parent = make(state, Parent, "p")
        done = make(state, Version, "v1", parent_arn=parent.arn)
        user = make(state, User, "u", version_arn=done.arn)
        deleting = make(state, Parent, "q", status="DELETE PENDING")
        child = Child(arn=state.arn(Child.KIND, "c"), name="c", parent_arn=deleting.arn)
        with pytest.raises(ResourceInUse, match=r"parent .*/q is being deleted"):
            lifecycle.begin_create(state, child)
        with pytest.raises(ResourceInUse):
            lifecycle.begin_create(state, Version(arn="v", name="v", parent_arn=deleting.arn))
        make(state, Version, "v2", parent_arn=deleting.arn)  # ACTIVE: it does not block
        doomed = make(state, Version, "v3", parent_arn=parent.arn, status="DELETE PENDING")
        with pytest.raises(ResourceInUse):
            state.refer(user, "version_arn", doomed.arn)
        assert user.version_arn == done.arn
        assert state.arn(Child.KIND, "c") not in state.resources
        index_facts(state)
        state.add(child)  # as a load does: the fact is restored
        assert state.resources[child.arn] is child


class TestLimits:
    def test_counted_as_statuses_move(self) -> None:
        """A limit counts what the tally holds as resources are made, move, fail, move to
        another parent and go; failed and deleting ones are not live, and the message is
        AWS's for each kind of limit."""
        state = Store(Settings(lifecycle="manual", solution_versions_in_progress=3)).region("r")
        parents = [make(state, Parent, name) for name in ("p", "q")]

        def new(name: str, parent: int = 0) -> Limited:
            item = Limited(arn=state.arn(Limited.KIND, name), name=name,
                           parent_arn=parents[parent].arn)  # fmt: skip
            lifecycle.begin_create(state, item)
            return state.add(item)

        first, second = new("a"), new("b")
        with pytest.raises(LimitExceeded, match="More than 2 resources in ACTIVE state"):
            new("c")
        lifecycle.fail(state, first, "no")  # a failed one is not live
        third = new("c")
        fourth = new("d", parent=1)
        with pytest.raises(LimitExceeded, match=r"^More than 3 resources with PENDING or IN_"):
            new("e", parent=1)
        lifecycle.advance(state, second)
        lifecycle.advance(state, second)  # ACTIVE: no longer in flight
        new("e", parent=1)
        state.refer(fourth, "parent_arn", parents[0].arn)  # counted under its new parent
        index_facts(state)
        lifecycle.fail(state, third, "no")
        with pytest.raises(LimitExceeded, match="More than 2 resources in ACTIVE state"):
            new("f")
        lifecycle.begin_delete(state, second)  # deleting: not live
        new("f")
        index_facts(state)
        for item in (first, third):
            state.remove(item)
        index_facts(state)


# -- the real kinds, through boto3 -------------------------------------------------------

GROUP = "arn:aws:personalize:us-east-1:123456789012:dataset-group/shop"
SCHEMA = "arn:aws:personalize:us-east-1:123456789012:schema/ints"
DATASET = "arn:aws:personalize:us-east-1:123456789012:dataset/shop/INTERACTIONS"


def message(caught: pytest.ExceptionInfo[ClientError]) -> str:
    assert caught.value.response["Error"]["Code"] == "ResourceInUseException"
    return str(caught.value.response["Error"]["Message"])


@pytest.fixture
def shop(personalize: Any, personalize_fake: PersonalizeFake) -> Iterator[str]:
    """A settled group with an Interactions dataset and an event tracker: the tracker's ARN."""
    personalize.create_dataset_group(name="shop")
    personalize_fake.settle(GROUP)
    personalize.create_schema(name="ints", schema=INTERACTIONS_SCHEMA)
    personalize.create_dataset(
        name="d", schemaArn=SCHEMA, datasetGroupArn=GROUP, datasetType="Interactions"
    )
    tracker = personalize.create_event_tracker(name="t", datasetGroupArn=GROUP)
    personalize_fake.settle()
    yield tracker["eventTrackerArn"]
    for state in personalize_fake.store.regions.values():
        index_facts(state)


def test_a_group_names_its_dataset_and_tracker(personalize: Any, shop: str) -> None:
    """DeleteDatasetGroup's ResourceInUse names each dataset and tracker left, by ARN."""
    with pytest.raises(ClientError) as caught:
        personalize.delete_dataset_group(datasetGroupArn=GROUP)
    assert message(caught) == (
        f"Cannot delete dataset group {GROUP}: it is in use by dataset {DATASET} (ACTIVE), "
        f"event tracker {shop} (ACTIVE). Delete them first."
    )


def test_a_dataset_being_deleted_still_blocks(
    personalize: Any, personalize_fake: PersonalizeFake, shop: str
) -> None:
    """A dataset in DELETE PENDING keeps its group, and the message says so."""
    personalize.delete_event_tracker(eventTrackerArn=shop)
    personalize_fake.settle()
    personalize.delete_dataset(datasetArn=DATASET)
    with pytest.raises(ClientError) as caught:
        personalize.delete_dataset_group(datasetGroupArn=GROUP)
    assert f"dataset {DATASET} (DELETE PENDING)" in message(caught)
    personalize_fake.settle()
    personalize.delete_dataset_group(datasetGroupArn=GROUP)


def test_a_schema_names_its_dataset(personalize: Any, shop: str) -> None:
    """DeleteSchema's ResourceInUse names the dataset using it; once it is gone, it goes."""
    with pytest.raises(ClientError) as caught:
        personalize.delete_schema(schemaArn=SCHEMA)
    assert message(caught) == (
        f"Cannot delete schema {SCHEMA}: it is in use by dataset {DATASET} (ACTIVE). "
        "Delete them first."
    )


@pytest.mark.personalize_fake(lifecycle="instant")
def test_lists_by_group_follow_creation_and_deletion(personalize: Any) -> None:
    """ListDatasets by group lists that group's datasets only; one made again comes last."""
    personalize.create_schema(name="ints", schema=INTERACTIONS_SCHEMA)
    arns: dict[str, str] = {}
    for name in ("a", "b", "b"):
        group = personalize.create_dataset_group(name=name) if name not in arns else None
        group_arn = group["datasetGroupArn"] if group else GROUP.replace("shop", name)
        if name in arns:
            personalize.delete_dataset(datasetArn=arns[name])
        arns[name] = personalize.create_dataset(
            name=f"d{name}", schemaArn=SCHEMA, datasetGroupArn=group_arn, datasetType="Interactions"
        )["datasetArn"]
    listed = personalize.list_datasets(datasetGroupArn=GROUP.replace("shop", "b"))["datasets"]
    assert [d["datasetArn"] for d in listed] == [arns["b"]]
    everything = personalize.list_datasets()["datasets"]
    assert [d["datasetArn"] for d in everything] == [arns["a"], arns["b"]]
