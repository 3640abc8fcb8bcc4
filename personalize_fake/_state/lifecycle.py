"""How resources move through their statuses, under the mock's lifecycle mode.

``CREATE PENDING > CREATE IN_PROGRESS > ACTIVE`` (or ``CREATE FAILED``), and
``DELETE PENDING > DELETE IN_PROGRESS`` then gone. In ``stepwise`` mode every
Describe answers the current status and then moves one step, so a polling loop
sees the documented sequence and ends without real time passing.
"""

from __future__ import annotations

from personalize_fake._errors import ResourceInUse
from personalize_fake._settings import Lifecycle
from personalize_fake._state.references import in_use_message
from personalize_fake._state.store import ACTIVE, CREATE_FAILED, RegionState, Resource, now

GONE = "DELETED"
"""What :func:`advance` reports once a deleting resource has disappeared."""


def _touch(resource: Resource) -> None:
    """A change moves ``lastUpdatedDateTime`` on by at least the millisecond times count in.

    Steps of a polling loop can fall within one millisecond; each must still
    show a later time than the last, as the service's (minutes apart) do.
    """
    resource.updated = max(now(), round(resource.updated + 0.001, 3))


def begin_create(state: RegionState, resource: Resource) -> None:
    """Give a new resource its first status: the chain's start, or its end when instant.

    A failure injected for its kind (``fake.fail_next``) dooms it: where it would
    become ACTIVE it becomes CREATE FAILED instead.
    """
    reason = state.store.take_injected_failure(resource.KIND)
    if reason is not None:
        resource.doomed = reason
    chain = resource.CREATE_CHAIN
    if state.settings.lifecycle is Lifecycle.INSTANT:
        resource.status = chain[-1]
        if resource.doomed is not None:
            fail(resource, resource.doomed, force=True)
    else:
        resource.status = chain[0]


def observed(state: RegionState, resource: Resource) -> None:
    """Called after a Describe has answered: stepwise mode moves the resource on."""
    if state.settings.lifecycle is Lifecycle.STEPWISE:
        advance(state, resource)


def settled(resource: Resource) -> bool:
    """Whether nothing more happens to the resource on its own."""
    return resource.status in (resource.CREATE_CHAIN[-1], CREATE_FAILED) or (
        resource.status not in resource.CREATE_CHAIN and not resource.deleting
    )


def advance(state: RegionState, resource: Resource) -> str:
    """Move one step along the create or delete chain; return the new status."""
    for chain in (resource.CREATE_CHAIN, resource.DELETE_CHAIN):
        if resource.status in chain:
            position = chain.index(resource.status)
            if position + 1 < len(chain):
                becomes_active = chain is resource.CREATE_CHAIN and position + 2 == len(chain)
                if becomes_active and resource.doomed is not None:
                    fail(resource, resource.doomed)
                    return resource.status
                resource.status = chain[position + 1]
                _touch(resource)
                return resource.status
            if chain is resource.DELETE_CHAIN:
                state.remove(resource)
                return GONE
    return resource.status


def fail(resource: Resource, reason: str, *, force: bool = False) -> None:
    """End a creation in ``CREATE FAILED`` with ``reason`` as its failureReason."""
    if not force and resource.status not in resource.CREATE_CHAIN[:-1]:
        raise ValueError(
            f"{resource.arn} is {resource.status}; only a resource being created can fail"
        )
    resource.status = CREATE_FAILED
    resource.failure_reason = reason
    _touch(resource)


def require_active(resource: Resource) -> None:
    """A resource another one depends on must be ACTIVE: else ResourceInUse."""
    if resource.status != ACTIVE:
        raise ResourceInUse(
            f"The {resource.LABEL} {resource.arn} is not in ACTIVE state "
            f"(current status: {resource.status})."
        )


def ensure_deletable(state: RegionState, resource: Resource) -> None:
    """ResourceInUse unless ``resource`` may be deleted now: it is ACTIVE or CREATE FAILED, and
    nothing blocks it by its class's rules (``Resource.REFERENCES`` of the referrers), the
    message naming every dependant by ARN."""
    if resource.status not in (ACTIVE, CREATE_FAILED):
        raise ResourceInUse(
            f"The {resource.LABEL} {resource.arn} must be ACTIVE or CREATE FAILED to be "
            f"deleted (current status: {resource.status})."
        )
    blockers = state.blockers(resource)
    if blockers:
        raise ResourceInUse(in_use_message(resource, blockers))


def begin_delete(state: RegionState, resource: Resource) -> None:
    """What every Delete does: check it may (:func:`ensure_deletable`), then start its delete
    chain, or remove it at once (instant mode, or a kind without a delete chain). Removing
    it removes what its references' rules delete with it (``RegionState.remove``)."""
    ensure_deletable(state, resource)
    if state.settings.lifecycle is Lifecycle.INSTANT or not resource.DELETE_CHAIN:
        state.remove(resource)
    else:
        resource.status = resource.DELETE_CHAIN[0]
        _touch(resource)
