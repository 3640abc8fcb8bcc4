"""How resources move through their statuses, under the mock's lifecycle mode.

Each class declares its chains as data (``Resource.TRANSITIONS``, see ``transitions``);
this module drives any of them the same way. A chain begins (:func:`begin_create`,
:func:`begin`, :func:`begin_delete`) in its first status; ``instant`` mode then runs it to
its end at once, ``stepwise`` mode moves it one step after each Describe has answered
(:func:`observed`), so a polling loop sees the documented sequence and ends without real
time passing, and ``manual`` waits for the handle (:func:`advance`, :func:`fail`). Every
status entered, in every mode, runs its on-enter effect, once.
"""

from __future__ import annotations

from personalize_fake._errors import ResourceInUse
from personalize_fake._settings import Lifecycle
from personalize_fake._state import limits
from personalize_fake._state.references import in_use_message
from personalize_fake._state.resource import ACTIVE, Resource, now
from personalize_fake._state.store import RegionState
from personalize_fake._state.transitions import GONE, Chain

__all__ = ["GONE"]


def _touch(resource: Resource) -> None:
    """A change moves ``lastUpdatedDateTime`` on by at least the millisecond times count in.

    Steps of a polling loop can fall within one millisecond; each must still
    show a later time than the last, as the service's (minutes apart) do.
    """
    resource.updated = max(now(), round(resource.updated + 0.001, 3))


def _set(state: RegionState, resource: Resource, field: str, status: str) -> None:
    """Move a chain's field; a stored resource's ``status`` is counted for limits as it moves."""
    if field == "status" and resource.LIMITS and resource.region_state is state:
        state.tally.moved(resource, resource.status, status)
    setattr(resource, field, status)


def _enter(state: RegionState, resource: Resource, chain: Chain, status: str, touch: bool) -> None:
    """Put ``resource`` in ``status`` of ``chain`` and run that status's effect.

    A creation doomed by ``fail_next`` fails where it would have reached its end.
    """
    if status == chain.end and resource.doomed is not None and chain.name == "create":
        _fail(state, resource, chain, resource.doomed)
        return
    _set(state, resource, chain.field, status)
    if touch:
        _touch(resource)
    effect = chain.on_enter.get(status)
    if effect is not None:
        reason = effect(state, resource)
        if reason is not None:
            if chain.failed is None:
                raise ValueError(f"the {chain.name} chain cannot fail, yet {status} failed")
            _fail(state, resource, chain, reason)


def _fail(state: RegionState, resource: Resource, chain: Chain, reason: str) -> None:
    assert chain.failed is not None
    _set(state, resource, chain.field, chain.failed)
    setattr(resource, chain.reason_field, reason)
    _touch(resource)
    effect = chain.on_enter.get(chain.failed)
    if effect is not None:
        effect(state, resource)


def _run(state: RegionState, resource: Resource, chain: Chain, touch: bool) -> None:
    """Move ``chain`` on until it has ended (instant mode)."""
    transitions = resource.TRANSITIONS
    while transitions.under_way(resource, chain):
        position = chain.statuses.index(getattr(resource, chain.field))
        _enter(state, resource, chain, chain.statuses[position + 1], touch)


def begin_create(state: RegionState, resource: Resource) -> None:
    """Give a new resource its first status: its create chain's start, or its end when instant.

    A failure injected for its kind (``fake.fail_next``) dooms it: where it would
    become ACTIVE it becomes CREATE FAILED instead. Before anything happens: ResourceInUse if
    it would refer to a resource being deleted (``RegionState.ensure_referable``), and
    LimitExceeded if it would pass one of its class's ``LIMITS`` (``limits.check``).
    """
    chain = resource.TRANSITIONS.chain("create")
    if resource.REFERENCES:
        resource.status = chain.statuses[0]  # not stored yet: what its references block in
        state.ensure_referable(resource)
    if resource.LIMITS:
        limits.check(state.tally, state.settings, resource)
    reason = state.store.take_injected_failure(resource.KIND)
    if reason is not None:
        resource.doomed = reason
    _enter(state, resource, chain, chain.statuses[0], touch=False)
    if state.settings.lifecycle is Lifecycle.INSTANT:
        _run(state, resource, chain, touch=False)  # born in its final state: no update time


def ensure_can_begin(resource: Resource, chain: Chain) -> None:
    """ResourceInUse, naming the current status, unless ``chain`` may begin now: the resource's
    status is one it begins from, and (for a chain of another field) it is not running."""
    if chain.begins_from and resource.status not in chain.begins_from:
        raise ResourceInUse(
            f"The {resource.LABEL} {resource.arn} must be {' or '.join(chain.begins_from)} "
            f"to {chain.purpose or chain.name} (current status: {resource.status})."
        )
    if chain.field != "status" and resource.TRANSITIONS.under_way(resource, chain):
        raise ResourceInUse(
            f"The {resource.LABEL} {resource.arn} cannot {chain.purpose or chain.name} while "
            f"its last {chain.name} is {getattr(resource, chain.field)}."
        )


def begin(state: RegionState, resource: Resource, name: str) -> None:
    """Begin the chain called ``name`` (update, stop, start...): ResourceInUse when it may not
    (:func:`ensure_can_begin`); instant mode runs it to its end."""
    chain = resource.TRANSITIONS.chain(name)
    ensure_can_begin(resource, chain)
    _start(state, resource, chain)


def _start(state: RegionState, resource: Resource, chain: Chain) -> None:
    _enter(state, resource, chain, chain.start(resource.status), touch=True)
    if state.settings.lifecycle is Lifecycle.INSTANT:
        _run(state, resource, chain, touch=True)


def observed(state: RegionState, resource: Resource) -> None:
    """Called after a Describe has answered: stepwise mode moves the resource on."""
    if state.settings.lifecycle is Lifecycle.STEPWISE:
        advance(state, resource)


def settled(resource: Resource) -> bool:
    """Whether nothing more happens to the resource on its own: no chain is under way."""
    return not resource.TRANSITIONS.running(resource)


def advance(state: RegionState, resource: Resource) -> str:
    """Move each chain under way one step; return the new status, or :data:`GONE` once the
    resource has been removed. A resource with nothing under way stays as it is."""
    for chain, position in resource.TRANSITIONS.running(resource):
        _enter(state, resource, chain, chain.statuses[position + 1], touch=True)
        if state.resources.get(resource.arn) is not resource:
            return GONE
    return resource.status


def fail(state: RegionState, resource: Resource, reason: str) -> None:
    """End the chain under way (``status``'s first) in its failure status, with ``reason``.

    Raises:
        ValueError: nothing is under way, or the chain under way cannot fail (a deletion).
    """
    running = resource.TRANSITIONS.running(resource)
    if not running:
        raise ValueError(
            f"{resource.arn} is {resource.status}; only a resource being created or changed "
            "can fail"
        )
    chain = running[0][0]
    if chain.failed is None:
        raise ValueError(
            f"{resource.arn} is {getattr(resource, chain.field)}: its {chain.name} chain has "
            "no failure status, so it cannot fail"
        )
    _fail(state, resource, chain, reason)


def recover(state: RegionState, resource: Resource) -> None:
    """A resource whose creation failed was repaired (an update of a CREATE FAILED campaign
    ended): ACTIVE, without its failure reason."""
    _set(state, resource, "status", ACTIVE)
    resource.failure_reason = resource.doomed = None
    _touch(resource)


def require_active(resource: Resource) -> None:
    """A resource another one depends on must be ACTIVE: else ResourceInUse."""
    if resource.status != ACTIVE:
        raise ResourceInUse(
            f"The {resource.LABEL} {resource.arn} is not in ACTIVE state "
            f"(current status: {resource.status})."
        )


def ensure_deletable(state: RegionState, resource: Resource) -> None:
    """ResourceInUse unless ``resource`` may be deleted now: its delete chain may begin from its
    status (ACTIVE or CREATE FAILED, for most kinds), and nothing blocks it by its class's
    rules (``Resource.REFERENCES`` of the referrers), the message naming every dependant."""
    ensure_can_begin(resource, resource.TRANSITIONS.chain("delete"))
    blockers = state.blockers(resource)
    if blockers:
        raise ResourceInUse(in_use_message(resource, blockers))


def begin_delete(state: RegionState, resource: Resource) -> None:
    """What every Delete does: check it may (:func:`ensure_deletable`), then begin its delete
    chain; entering :data:`GONE` removes it, with what its references' rules delete with it
    (``RegionState.remove``): at once in instant mode, or for a chain of that status alone."""
    ensure_deletable(state, resource)
    _start(state, resource, resource.TRANSITIONS.chain("delete"))
