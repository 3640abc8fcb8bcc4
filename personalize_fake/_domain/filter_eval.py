"""Filters applied at runtime: a parsed :class:`~.filters.FilterTree` turned into a predicate.

The API compiles a filter once per request (:func:`compile_filter`), with the request's
``filterValues``, user, item or action, then asks the predicate about each candidate until it
has enough. Everything that does not depend on the candidate is done in the compile: the
placeholder values are parsed, the current user's interactions turned into sets of ids, the
``IF`` clause and ``CurrentItem`` fields read. A candidate costs one record look-up per
expression and a few set probes. :func:`item_attributes` reads a batch segment job's
``itemAttributes`` with the same parser and evaluator.

What AWS documents is followed; where it is silent the choice is the one below.

- A ``|`` chain: INCLUDEs only, their union passes; EXCLUDEs only, everything but their
  union; mixed, the INCLUDEs' union minus the EXCLUDEs'. An expression that does not apply
  (below) is left out of the chain; a chain with no INCLUDE left lets everything through
  that no EXCLUDE removes.
- ``IF CurrentUser...`` decides whether its expression applies: with no user, no record of
  the user, the field missing, or a condition false, the expression is left out.
- A placeholder with no entry in ``filterValues`` (keys are case-sensitive) fails the
  request for an INCLUDE expression (:class:`FilterValueError`, "you must provide values
  for all parameters") and leaves out the whole EXCLUDE expression it is in ("Amazon
  Personalize doesn't use that portion of the expression"; the portion is taken to be the
  expression, since dropping one ANDed condition would exclude more, not less).
- A value is JSON inside the string: quoted strings separated by commas
  (``"comedy","drama"``); numbers quoted or not (``1970``, ``"0"``). Anything else, an
  empty value, or a value that is not one number where a comparison needs one, fails the
  request with :class:`FilterValueError`, whatever the action.
- ``Interactions.EVENT_TYPE`` in an ItemID filter means the items the request's user
  interacted with by those event types (``"*"``: any); ActionID filters read
  Action_Interactions the same way. Without a ``userId`` the user has no interactions: an
  INCLUDE on them passes nothing, an EXCLUDE removes nothing, as for a user with no history.
  In a UserID filter it is the candidate user's own interactions: users who did such events.
  ``NOT IN`` means interactions of some other event type. Event types match in any case.
- A field of Items, Users or Actions is read from the candidate's newest record (field
  names in any case); values match exactly, case included. A string holding ``|`` is
  multi-valued (a categorical field): ``IN`` and ``=`` match when any of its values is
  listed, ``NOT IN`` and ``!=`` when none is. A number matches a listed string that reads as
  the same number. ``<``, ``<=``, ``>``, ``>=`` compare numbers (a stored numeric string
  counts). A candidate without a record, or whose field is empty, matches no condition on
  it, ``NOT IN`` and ``!=`` included.
- ``CurrentItem.X`` / ``CurrentAction.X`` read the request's item or action; without one,
  or without the field, the condition matches nothing.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, NoReturn, Protocol, TypeVar

from personalize_fake._domain.filter_values import (
    FilterValueError,
    Wanted,
    given,
    number,
    numeric,
    parse_values,
)
from personalize_fake._domain.filters import (
    EVENT_DATASETS,
    And,
    AnyEventType,
    Column,
    Condition,
    Current,
    DatasetType,
    Expression,
    FilterTree,
    Node,
    Number,
    Op,
    Operand,
    Placeholder,
    Strings,
)

Predicate = Callable[[str], bool]
"""Whether a candidate id (item, user or action, as the filter's target) passes."""

Record = Mapping[str, Any]
S = TypeVar("S")
Test = Callable[[S], bool]
"""A condition's test of its subject: a record, a candidate id, or the event types done."""


class FilterData(Protocol):
    """What evaluation reads, supplied by the API from the store."""

    def record(self, dataset: DatasetType, id: str) -> Record | None:
        """The newest record of an item, user or action by id (fields by their schema column
        name, any case), or None when the dataset has no such id."""
        ...

    def interacted(
        self, dataset: Literal["INTERACTIONS", "ACTION_INTERACTIONS"], user: str
    ) -> Sequence[tuple[str, str]]:
        """The user's (item or action id, event type) interactions, newest first."""
        ...


class _Skip(Exception):
    """An EXCLUDE expression's placeholder has no value: the expression is left out."""


_COMPARE: dict[Op, Callable[[Any, Any], bool]] = {
    Op.LT: operator.lt,
    Op.LE: operator.le,
    Op.GT: operator.gt,
    Op.GE: operator.ge,
}


_MISSING = object()


def _reader(name: str) -> Callable[[Record], Any]:
    """Reads field ``name`` of a record, matching the stored column name in any case."""
    upper = name.upper()
    hint = [name]

    def read(record: Record) -> Any:
        value = record.get(hint[0], _MISSING)
        if value is not _MISSING:
            return value
        for key in record:
            if key.upper() == upper:
                hint[0] = key
                return record[key]
        return None

    return read


class _Context:
    """One request's view of the data: its values, user, item and action, read once."""

    def __init__(
        self,
        values: Mapping[str, str],
        data: FilterData,
        user: str | None,
        item: str | None,
        action: str | None,
    ) -> None:
        self.values = values
        self.data = data
        self.user = user
        self.current = {"ITEM": item, "ACTION": action, "USER": user}
        self.interactions: dict[str, Sequence[tuple[str, str]]] = {}
        self.action: str = "INCLUDE"

    # -- placeholders ----------------------------------------------------------------

    def resolve(self, placeholder: Placeholder) -> tuple[str | int | float, ...]:
        raw = self.values.get(placeholder.name)
        if raw is None:
            if self.action == "EXCLUDE":
                raise _Skip
            near = [k for k in self.values if k.lower() == placeholder.name.lower()]
            hint = f" (keys are case-sensitive; it has {near[0]!r})" if near else ""
            raise FilterValueError(
                f"The filter's INCLUDE expression needs a value for ${placeholder.name}: "
                f"filterValues has no {placeholder.name!r} entry{hint}."
            )
        return parse_values(placeholder.name, raw)

    def wanted(self, operand: Operand, op: Op) -> Wanted | None:
        """What ``IN`` / ``=`` match (None: nothing, as for a missing CurrentItem field)."""
        if isinstance(operand, Strings):
            return Wanted.of(operand.values)
        if isinstance(operand, Number):
            return Wanted.of((str(operand.value),), (operand.value,))
        if isinstance(operand, Placeholder):
            values = self.resolve(operand)
            if op in (Op.EQ, Op.NE) and len(values) != 1:
                self.bad_comparison(operand, op, "one value")
            return given(values)
        if isinstance(operand, Current):
            value = self.current_value(operand)
            if value is None:
                return None
            if isinstance(value, str):
                return Wanted.of(value.split("|"))
            number = numeric(value)
            return Wanted.of((str(value),), () if number is None else (number,))
        raise AssertionError(operand)  # AnyEventType is only on EVENT_TYPE

    def bound(self, operand: Operand, op: Op) -> int | float | None:
        """The number ``<``, ``<=``, ``>``, ``>=`` compare with (None: matches nothing)."""
        if isinstance(operand, Number):
            return operand.value
        if isinstance(operand, Placeholder):
            values = self.resolve(operand)
            found = values[0] if len(values) == 1 else None
            if isinstance(found, str):
                found = number(found)
            if found is None:
                self.bad_comparison(operand, op, "one number (quoted or not)")
            return found
        if isinstance(operand, Current):
            return numeric(self.current_value(operand))
        raise AssertionError(operand)  # the parser puts no strings after a comparison

    def bad_comparison(self, placeholder: Placeholder, op: Op, what: str) -> NoReturn:
        raw = self.values[placeholder.name]
        raise FilterValueError(
            f"${placeholder.name} is compared with {op.value}, so filterValues "
            f"{placeholder.name!r} must be {what}, not {raw!r}."
        )

    def current_value(self, current: Current) -> Any:
        of = self.current[current.of]
        if of is None:
            return None
        record = self.data.record(current.dataset, of)
        return None if record is None else _reader(current.name)(record)

    def interacted(self, dataset: DatasetType) -> Sequence[tuple[str, str]]:
        if self.user is None:
            return ()
        if dataset not in self.interactions:
            assert dataset in ("INTERACTIONS", "ACTION_INTERACTIONS")
            self.interactions[dataset] = self.data.interacted(dataset, self.user)
        return self.interactions[dataset]

    # -- conditions --------------------------------------------------------------------

    def field_test(self, condition: Condition, name: str) -> Callable[[Record], bool]:
        """A condition on a record's field (a candidate's, or the current user's)."""
        read = _reader(name)
        op = condition.op
        if op.ranged:
            bound = self.bound(condition.operand, op)
            if bound is None:
                return _never
            compare = _COMPARE[op]

            def ranged(record: Record) -> bool:
                value = numeric(read(record))
                return value is not None and compare(value, bound)

            return ranged
        wanted = self.wanted(condition.operand, op)
        if wanted is None:
            return _never
        match = wanted.match
        if op in (Op.IN, Op.EQ):
            return lambda record: match(read(record)) is True
        return lambda record: match(read(record)) is False

    def event_types(self, condition: Condition) -> frozenset[str] | None:
        """The event types an EVENT_TYPE condition lists, lower-cased (None: any)."""
        operand = condition.operand
        if isinstance(operand, AnyEventType):
            return None
        if isinstance(operand, Placeholder):
            listed = [str(v) for v in self.resolve(operand)]
        else:
            assert isinstance(operand, Strings)
            listed = list(operand.values)
        if "*" in listed:
            return None
        return frozenset(v.lower() for v in listed)

    def ids_test(self, condition: Condition, dataset: DatasetType) -> Predicate:
        """EVENT_TYPE in an ItemID or ActionID filter: ids the user interacted with so."""
        types = self.event_types(condition)
        inside = condition.op is Op.IN
        if types is None and not inside:
            return _never  # NOT IN ("*"): interactions of no event type
        ids = frozenset(
            id
            for id, event in self.interacted(dataset)
            if types is None or (event.lower() in types) == inside
        )
        return ids.__contains__

    def types_test(self, condition: Condition) -> Callable[[frozenset[str]], bool]:
        """EVENT_TYPE in a UserID filter, on the event types the candidate user did."""
        types = self.event_types(condition)
        if types is None:
            return bool if condition.op is Op.IN else _never
        if condition.op is Op.IN:
            return lambda done: not done.isdisjoint(types)
        return lambda done: not done <= types

    # -- expressions -------------------------------------------------------------------

    def node(self, node: Node, leaf: Callable[[Condition], Test[S]]) -> Test[S]:
        if isinstance(node, Condition):
            return leaf(node)
        terms = [self.node(term, leaf) for term in node.terms]
        if len(terms) == 2:  # the usual case, without a generator per candidate
            first, second = terms
            if isinstance(node, And):
                return lambda subject: first(subject) and second(subject)
            return lambda subject: first(subject) or second(subject)
        if isinstance(node, And):
            return lambda subject: all(term(subject) for term in terms)
        return lambda subject: any(term(subject) for term in terms)

    def expression(self, expression: Expression) -> Predicate | None:
        """The expression's test of a candidate, or None when it does not apply."""
        self.action = expression.action
        try:
            when = [self.field_test(c, c.subject.name) for c in expression.when]
            test = self.where(expression)
        except _Skip:
            return None
        if when:
            record = None if self.user is None else self.data.record("USERS", self.user)
            if record is None or not all(check(record) for check in when):
                return None
        return test

    def where(self, expression: Expression) -> Predicate:
        dataset = expression.dataset
        data = self.data
        if dataset in EVENT_DATASETS:
            if expression.target != "UserID":
                return self.node(expression.where, lambda c: self.ids_test(c, dataset))
            done_test = self.node(expression.where, self.types_test)

            def did(user: str) -> bool:
                done = frozenset(e.lower() for _, e in data.interacted("INTERACTIONS", user))
                return done_test(done)

            return did
        record_test = self.node(expression.where, lambda c: self.field_test(c, column_of(c).name))

        def has(id: str) -> bool:
            record = data.record(dataset, id)
            return record is not None and record_test(record)

        return has


def column_of(condition: Condition) -> Column:
    assert isinstance(condition.subject, Column)
    return condition.subject


def _never(_: object) -> bool:
    return False


def _always(_: str) -> bool:
    return True


def compile_filter(
    tree: FilterTree,
    values: Mapping[str, str],
    data: FilterData,
    *,
    user: str | None = None,
    item: str | None = None,
    action: str | None = None,
) -> Predicate:
    """A predicate: whether a candidate id (item, user or action, per ``tree.target``) passes.

    Raises:
        FilterValueError: a value an INCLUDE expression needs is missing, or a value given is
            malformed.
    """
    context = _Context(values, data, user, item, action)
    includes: list[Predicate] = []
    excludes: list[Predicate] = []
    for expression in tree.expressions:
        test = context.expression(expression)
        if test is not None:
            (includes if expression.action == "INCLUDE" else excludes).append(test)
    include = _any(includes)
    exclude = _any(excludes)
    if exclude is None:
        return include or _always
    if include is None:
        return lambda id: not exclude(id)
    return lambda id: include(id) and not exclude(id)


def _any(tests: list[Predicate]) -> Predicate | None:
    if not tests:
        return None
    if len(tests) == 1:
        return tests[0]
    return lambda id: any(test(id) for test in tests)
