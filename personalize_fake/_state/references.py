"""Who refers to whom: references declared per resource class, and the index built from them.

A resource class lists, as data, the fields holding ARNs it refers to and what happens to
it when the resource at such an ARN is deleted (``Resource.REFERENCES``)::

    REFERENCES = (Reference("dataset_group_arn"), Reference("schema_arn"))   # a dataset
    REFERENCES = (Reference("solution_arn", CASCADE, blocks_while_creating=True),)  # a version

:class:`ReferenceIndex` keeps the reverse of every declared reference (target ARN ->
referrer kind -> referrers, in creation order), and is a function of the resources held
alone: :class:`~personalize_fake._state.store.RegionState` keeps it in ``add`` and
``remove``, and a state file rebuilds it by adding each resource on load. So a List scoped
to a parent (``datasetGroupArn``, ``solutionArn``...) and "what blocks this delete" read
the index, not every resource of the region.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from personalize_fake._errors import ResourceInUse

if TYPE_CHECKING:
    from personalize_fake._state.resource import Resource

MESSAGE_NAMES = 10
"""A ResourceInUse message names at most this many dependants (then says how many more)."""


class OnDelete(enum.Enum):
    """What happens to a referrer when the resource it refers to is deleted."""

    BLOCK = "block"
    """It keeps the target from being deleted (a dataset its group, a campaign its version)."""
    CASCADE = "cascade"
    """It is deleted with the target (a solution's versions, a dataset's import jobs); what
    blocks its own deletion blocks the target's (a campaign on one of a solution's versions)."""
    KEEP = "keep"
    """Nothing: it stays, still naming the ARN (a finished version and the datasets it read)."""


BLOCK = OnDelete.BLOCK
CASCADE = OnDelete.CASCADE
KEEP = OnDelete.KEEP


def arns(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    """The ARNs a reference field's value names: one, none (None), or a tuple of them (a
    list once read back from a state file)."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


@attrs.frozen
class Reference:
    """One field of a resource class holding the ARN(s) of resources it refers to.

    ``field`` holds one ARN, None (no reference), or a tuple of ARNs. With
    ``blocks_while_creating`` the referrer blocks the target's deletion, whatever
    ``on_delete`` says, while its own creation is under way (its class's
    ``TRANSITIONS.in_flight``: an import job blocks its dataset while CREATE PENDING or
    IN_PROGRESS, and is otherwise deleted with it; a version also while CREATE STOPPING).
    """

    field: str
    on_delete: OnDelete = BLOCK
    blocks_while_creating: bool = False

    def targets(self, resource: Resource) -> tuple[str, ...]:
        """The ARNs ``resource`` refers to through this field (none when it is None)."""
        return arns(getattr(resource, self.field))

    def blocks(self, referrer: Resource) -> bool:
        """Whether ``referrer``, as it is now, keeps the target from being deleted."""
        return self.on_delete is BLOCK or (
            self.blocks_while_creating and referrer.status in referrer.TRANSITIONS.in_flight
        )


@attrs.define(eq=False)
class ReferenceIndex:
    """Target ARN -> referrer ``KIND`` -> reference field -> {referrer ARN: referrer}, in
    creation order: by field, so a List narrowed by ``datasetGroupArn`` reads the resources
    whose ``dataset_group_arn`` it is, not any that refer to that ARN otherwise."""

    by_target: dict[str, dict[str, dict[str, dict[str, Resource]]]] = attrs.Factory(dict)

    def link(self, resource: Resource) -> None:
        """Index the references ``resource`` holds now (called when it is added)."""
        for reference in resource.REFERENCES:
            for target in reference.targets(resource):
                kinds = self.by_target.setdefault(target, {})
                fields = kinds.setdefault(resource.KIND, {})
                fields.setdefault(reference.field, {})[resource.arn] = resource

    def unlink(self, resource: Resource) -> None:
        """Forget the references ``resource`` holds now (called when it is removed)."""
        for reference in resource.REFERENCES:
            for target in reference.targets(resource):
                kinds = self.by_target.get(target)
                if kinds is None:
                    continue
                fields = kinds.get(resource.KIND)
                if fields is None:
                    continue
                referrers = fields.get(reference.field)
                if referrers is not None:
                    referrers.pop(resource.arn, None)
                    if not referrers:
                        del fields[reference.field]
                if not fields:
                    del kinds[resource.KIND]
                if not kinds:
                    del self.by_target[target]

    def move(self, resource: Resource, field: str, value: Any) -> None:
        """Set a reference field of an indexed ``resource``, re-indexing it where it now
        refers, in its place in creation order there."""
        self.unlink(resource)
        setattr(resource, field, value)
        self.link(resource)
        if not any(reference.field == field for reference in resource.REFERENCES):
            return
        for target in arns(value):
            fields = self.by_target[target][resource.KIND]
            ranked = sorted(fields[field].values(), key=lambda r: r._rank)
            fields[field] = {r.arn: r for r in ranked}

    def referrers(self, target: str, kind: str, field: str | None = None) -> Collection[Resource]:
        """Resources of ``kind`` referring to ``target`` (through ``field``, or any field),
        in creation order."""
        fields = self.by_target.get(target, {}).get(kind)
        if not fields:
            return ()
        if field is not None:
            return fields.get(field, {}).values()
        if len(fields) == 1:
            return next(iter(fields.values())).values()
        merged = {r.arn: r for referrers in fields.values() for r in referrers.values()}
        return sorted(merged.values(), key=lambda r: r._rank)

    def all_referrers(self, target: str) -> Iterator[Resource]:
        """Every resource referring to ``target``, kind by kind (once each)."""
        for fields in self.by_target.get(target, {}).values():
            if len(fields) == 1:
                yield from next(iter(fields.values())).values()
            else:
                yield from {r.arn: r for refs in fields.values() for r in refs.values()}.values()

    def rules(self, referrer: Resource, target: str) -> Iterator[Reference]:
        """The references through which ``referrer`` refers to ``target``."""
        for reference in referrer.REFERENCES:
            if target in reference.targets(referrer):
                yield reference

    def blockers(self, target: Resource) -> list[Resource]:
        """What keeps ``target`` from being deleted: referrers that block it, and those that
        block a referrer deleted with it (a campaign on a version of a solution)."""
        found: dict[str, Resource] = {}
        self._collect(target, found, {target.arn})
        return list(found.values())

    def _collect(self, target: Resource, found: dict[str, Resource], seen: set[str]) -> None:
        for referrer in list(self.all_referrers(target.arn)):
            if referrer.arn in seen:
                continue
            seen.add(referrer.arn)
            rules = list(self.rules(referrer, target.arn))
            if any(rule.blocks(referrer) for rule in rules):
                found[referrer.arn] = referrer
            elif any(rule.on_delete is CASCADE for rule in rules):
                self._collect(referrer, found, seen)

    def cascaded(self, target: Resource) -> list[Resource]:
        """The referrers deleted with ``target`` (and theirs), dependants first."""
        out: list[Resource] = []
        seen = {target.arn}

        def walk(resource: Resource) -> None:
            for referrer in list(self.all_referrers(resource.arn)):
                if referrer.arn in seen:
                    continue
                if any(r.on_delete is CASCADE for r in self.rules(referrer, resource.arn)):
                    seen.add(referrer.arn)
                    walk(referrer)
                    out.append(referrer)

        walk(target)
        return out

    def snapshot(self) -> dict[str, Any]:
        """The index as plain data (target -> kind -> field -> referrer ARNs), for comparing."""
        return {
            target: {
                kind: {field: list(referrers) for field, referrers in fields.items()}
                for kind, fields in kinds.items()
            }
            for target, kinds in self.by_target.items()
        }


def refuse_dangling(
    resources: Mapping[str, Resource], referrer: Resource, changed: dict[str, Any] | None = None
) -> None:
    """ResourceInUse if ``referrer`` refers (with its fields as ``changed`` would set them,
    only those; else all), in a way that would block a deletion, to a resource whose
    deletion is under way: the deletion would end with the reference dangling (a campaign
    on a version of a solution being deleted)."""
    for reference in referrer.REFERENCES:
        if changed is not None and reference.field not in changed:
            continue
        if not reference.blocks(referrer):
            continue
        targets = reference.targets(referrer) if changed is None else arns(changed[reference.field])
        for arn in targets:
            target = resources.get(arn)
            if target is not None and target.status in target.TRANSITIONS.deleting:
                raise ResourceInUse(
                    f"The {target.LABEL} {target.arn} is being deleted (current status: "
                    f"{target.status}): a {referrer.LABEL} cannot refer to it."
                )


def in_use_message(target: Resource, blockers: list[Resource]) -> str:
    """The ResourceInUse message of a refused delete: the dependants, by ARN and status."""
    named = [f"{b.LABEL} {b.arn} ({b.status})" for b in blockers[:MESSAGE_NAMES]]
    more = len(blockers) - len(named)
    listed = ", ".join(named) + (f" and {more} more" if more else "")
    return (
        f"Cannot delete {target.LABEL} {target.arn}: it is in use by {listed}. Delete them first."
    )
