"""Filter expressions as a typed syntax tree, and the checks that need the group's schemas.

CreateFilter parses its ``filterExpression`` once (``filter_parser.parse_filter``) into a
:class:`FilterTree`, which the runtime evaluates: a ``|``-chain of :class:`Expression`, each
an action (INCLUDE or EXCLUDE) on a target (ItemID, UserID, ActionID), a WHERE clause of
:class:`Condition` joined by :class:`And` / :class:`Or`, and the IF clause's conditions on
the current user. The tree holds names as written (keywords and datasets in their canonical
spelling); field names match a schema's case-insensitively (:func:`schema_field`), as the
service matched ``INTERACTIONS.event_type`` to ``EVENT_TYPE``.

:func:`schema_problem` checks a tree against the schemas of the datasets a group holds: the
datasets exist, hold the fields named, and the fields are of a type a filter can read.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Literal

import attrs

from personalize_fake._domain.fields import Field

DatasetType = Literal["INTERACTIONS", "ITEMS", "USERS", "ACTIONS", "ACTION_INTERACTIONS"]
"""A dataset as the expression names it, in the canonical (dataset type) spelling."""

DATASET_NAMES: dict[str, DatasetType] = {
    "INTERACTIONS": "INTERACTIONS",
    "ITEMS": "ITEMS",
    "USERS": "USERS",
    "ACTIONS": "ACTIONS",
    "ACTION_INTERACTIONS": "ACTION_INTERACTIONS",
}
"""Dataset names an expression may use, by their upper-case spelling (any case is taken)."""

SINGULAR_NAMES: dict[str, DatasetType] = {
    "INTERACTION": "INTERACTIONS",
    "ITEM": "ITEMS",
    "USER": "USERS",
    "ACTION": "ACTIONS",
    "ACTION_INTERACTION": "ACTION_INTERACTIONS",
}
"""Singular spellings AWS's own docs print (``Interaction.event_type``, ``Action.X``)."""

DISPLAY: dict[str, str] = {
    "INTERACTIONS": "Interactions",
    "ITEMS": "Items",
    "USERS": "Users",
    "ACTIONS": "Actions",
    "ACTION_INTERACTIONS": "Action_Interactions",
}
"""How messages name each dataset (as the docs spell it in expressions)."""

Target = Literal["ItemID", "UserID", "ActionID"]
TARGET_DATASETS: dict[str, tuple[DatasetType, ...]] = {
    "ItemID": ("INTERACTIONS", "ITEMS"),
    "UserID": ("USERS", "INTERACTIONS"),
    "ActionID": ("ACTION_INTERACTIONS", "ACTIONS"),
}
"""The datasets a WHERE clause may use for each target (developer guide, filter examples)."""

CURRENT: dict[str, DatasetType] = {"USER": "USERS", "ITEM": "ITEMS", "ACTION": "ACTIONS"}
"""What ``CurrentUser``, ``CurrentItem`` and ``CurrentAction`` read a field of."""

EVENT_DATASETS = frozenset({"INTERACTIONS", "ACTION_INTERACTIONS"})
"""Datasets a filter reads only ``EVENT_TYPE`` of."""

NUMERIC = frozenset({"int", "long", "float", "double"})


@attrs.frozen
class Rules:
    """The limits a parse enforces (None: no limit), and which spellings it takes.

    The bounds botocore's models state are not copied here: the API layer reads them from
    the models and passes them in (and leaves the expression's length to the dispatcher,
    which refuses a longer one with the model's own message)."""

    max_length: int | None = None
    """Characters in an expression, for a parse outside the API (the model bounds
    ``filterExpression``; a request never reaches the parser past it)."""
    max_fields: int | None = 10
    """Distinct dataset fields across the chained expressions (developer guide quota)."""
    max_placeholders: int | None = None
    """Distinct placeholders: at most the ``filterValues`` entries a request can give."""
    max_placeholder_name: int | None = None
    """Characters in a placeholder's name: at most a ``filterValues`` key's."""
    singular_names: bool = True
    """Take ``Interaction``, ``Item``, ``User``, ``Action`` for the plural dataset names."""


PERMISSIVE = Rules(None, None, None, None, singular_names=True)
"""What a stored filter is parsed again with: whatever limits it was created under."""


class Op(enum.Enum):
    """An operator of a condition, its value as an expression spells it."""

    IN = "IN"
    NOT_IN = "NOT IN"
    EQ = "="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="

    @property
    def ranged(self) -> bool:
        """Whether it orders values (``<``, ``<=``, ``>``, ``>=``): numbers only."""
        return self in (Op.LT, Op.LE, Op.GT, Op.GE)


@attrs.frozen
class Column:
    """``Items.GENRE``: a field of a dataset, as the WHERE clause names it."""

    dataset: DatasetType
    name: str
    at: int = attrs.field(default=0, eq=False)
    """Where it starts in the expression (1-based character), for messages."""


@attrs.frozen
class Current:
    """``CurrentUser.AGE``, ``CurrentItem.PRICE``, ``CurrentAction.VALUE``: a field of the user,
    item or action the request is for."""

    of: Literal["USER", "ITEM", "ACTION"]
    name: str
    at: int = attrs.field(default=0, eq=False)

    @property
    def dataset(self) -> DatasetType:
        return CURRENT[self.of]


@attrs.frozen
class Strings:
    """Quoted strings: an IN list, or the one string of ``=``/``!=``."""

    values: tuple[str, ...]


@attrs.frozen
class AnyEventType:
    """``EVENT_TYPE IN ("*")``: interactions of every event type."""


@attrs.frozen
class Number:
    value: int | float


@attrs.frozen
class Placeholder:
    """``$GENRE``: a value the request gives in ``filterValues`` under ``GENRE``."""

    name: str
    at: int = attrs.field(default=0, eq=False)


Operand = Strings | AnyEventType | Number | Placeholder | Current


@attrs.frozen
class Condition:
    subject: Column | Current
    """A dataset's field in WHERE; the current user's in IF."""
    op: Op
    operand: Operand


@attrs.frozen
class And:
    terms: tuple[Node, ...]


@attrs.frozen
class Or:
    terms: tuple[Node, ...]
    """AND binds tighter than OR: ``a OR b AND c`` is ``a OR (b AND c)``."""


Node = Condition | And | Or


def conditions(node: Node) -> tuple[Condition, ...]:
    """The conditions of a WHERE clause, in the order written."""
    if isinstance(node, Condition):
        return (node,)
    return tuple(c for term in node.terms for c in conditions(term))


@attrs.frozen
class Expression:
    """One ``INCLUDE|EXCLUDE <target> WHERE ... [IF ...]`` of a chain."""

    action: Literal["INCLUDE", "EXCLUDE"]
    target: Target
    where: Node
    when: tuple[Condition, ...] = ()
    """The IF clause's conditions (all must hold), on the current user; none without IF."""

    @property
    def dataset(self) -> DatasetType:
        """The dataset its WHERE clause filters on (one per expression)."""
        first = conditions(self.where)[0].subject
        assert isinstance(first, Column)
        return first.dataset

    def fields(self) -> tuple[Column | Current, ...]:
        """Every field it names, in the order written."""
        out: list[Column | Current] = []
        for condition in (*conditions(self.where), *self.when):
            out.append(condition.subject)
            if isinstance(condition.operand, Current):
                out.append(condition.operand)
        return tuple(out)


@attrs.frozen
class FilterTree:
    """A whole filter: expressions chained with ``|``, each evaluated on its own (all
    INCLUDEs: their union; all EXCLUDEs: the union removed; mixed: INCLUDEs minus EXCLUDEs)."""

    expressions: tuple[Expression, ...]

    @property
    def target(self) -> Target:
        return self.expressions[0].target

    def placeholders(self) -> tuple[str, ...]:
        """Placeholder names (without ``$``) in the order first written, each once."""
        names: dict[str, None] = {}
        for expression in self.expressions:
            for condition in (*conditions(expression.where), *expression.when):
                if isinstance(condition.operand, Placeholder):
                    names[condition.operand.name] = None
        return tuple(names)

    def fields(self) -> tuple[tuple[DatasetType, str], ...]:
        """Distinct dataset fields, as (dataset, upper-case name), in the order first written."""
        seen: dict[tuple[DatasetType, str], None] = {}
        for expression in self.expressions:
            for field in expression.fields():
                seen[(field.dataset, field.name.upper())] = None
        return tuple(seen)


def reads_current_user(tree: FilterTree) -> bool:
    """Whether evaluating ``tree`` needs the request's user: an IF clause, a
    ``CurrentUser`` field, or the user's own interactions in an ItemID or ActionID filter."""
    for expression in tree.expressions:
        if expression.when or any(
            isinstance(f, Current) and f.of == "USER" for f in expression.fields()
        ):
            return True
        if expression.target != "UserID" and expression.dataset in EVENT_DATASETS:
            return True
    return False


def reads_current_item(tree: FilterTree) -> bool:
    """Whether ``tree`` names ``CurrentItem`` (for related-items recipes only)."""
    return any(
        isinstance(f, Current) and f.of == "ITEM" for e in tree.expressions for f in e.fields()
    )


# -- checks against the group's schemas -----------------------------------------------------

UNFILTERABLE_ACTION_FIELDS = frozenset({"ACTION_EXPIRATION_TIMESTAMP", "REPEAT_FREQUENCY"})
"""Actions fields Personalize applies by itself and a filter cannot name (developer guide)."""


def schema_field(fields: tuple[Field, ...], name: str) -> Field | None:
    """The schema's field an expression's ``name`` means: matched regardless of case."""
    wanted = name.upper()
    for field in fields:
        if field.name.upper() == wanted:
            return field
    return None


def spelled(field: Column | Current) -> str:
    """How messages name a field: ``Items.GENRE``, ``CurrentUser.AGE``."""
    if isinstance(field, Column):
        return f"{DISPLAY[field.dataset]}.{field.name}"
    return f"Current{field.of.title()}.{field.name}"


def _invalid(why: str, at: int) -> str:
    return f"Could not create filter. Invalid Expression: {why} (at character {at})"


def schema_problem(
    tree: FilterTree, schemas: Mapping[str, tuple[Field, ...]], group: str
) -> str | None:
    """Why ``tree`` cannot filter the dataset group ``group``, whose datasets have the
    ``schemas`` given (dataset type -> typed fields), or None when it can."""
    for expression in tree.expressions:
        for condition in (*conditions(expression.where), *expression.when):
            for named in (condition.subject, condition.operand):
                if not isinstance(named, (Column, Current)):
                    continue
                problem = _field_problem(named, condition, schemas, group)
                if problem is not None:
                    return problem
    return None


def _field_problem(
    named: Column | Current,
    condition: Condition,
    schemas: Mapping[str, tuple[Field, ...]],
    group: str,
) -> str | None:
    dataset = named.dataset
    fields = schemas.get(dataset)
    if fields is None:
        return _invalid(
            f"{spelled(named)} needs {'an' if dataset[0] in 'AI' else 'a'} {DISPLAY[dataset]} "
            f"dataset, and dataset group {group} has none.",
            named.at,
        )
    field = schema_field(fields, named.name)
    if field is None:
        known = ", ".join(f.name for f in fields)
        return _invalid(
            f"{spelled(named)} is not a field of the {DISPLAY[dataset]} dataset's schema in "
            f"dataset group {group} (its fields: {known}).",
            named.at,
        )
    if field.kind == "boolean":
        return _invalid(
            f"{spelled(named)} is a boolean field, which a filter cannot use: store it as the "
            'strings "True" and "False", or as an int or long 0 and 1.',
            named.at,
        )
    if field.textual:
        why = f"{spelled(named)} is a textual field, which a filter cannot use."
        return _invalid(why, named.at)
    if field.kind == "other":
        return _invalid(f"{spelled(named)} is not of a type a filter can read.", named.at)
    if condition.op.ranged and field.kind not in NUMERIC:
        return _invalid(
            f"{condition.op.value} compares numbers, and {spelled(named)} is a {field.kind} field.",
            named.at,
        )
    if isinstance(condition.operand, Number) and field.kind not in NUMERIC:
        return _invalid(
            f"{spelled(named)} is a {field.kind} field; compare it with a quoted string.", named.at
        )
    if (
        isinstance(condition.operand, Strings)
        and condition.op not in (Op.IN, Op.NOT_IN)
        and field.kind in NUMERIC
    ):
        return _invalid(
            f"{spelled(named)} is a {field.kind} field; compare it with a number.", named.at
        )
    return None
