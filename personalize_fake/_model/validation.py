"""Server-side validation, generated from botocore's shapes.

botocore's client checks only required members, types and ``min``; the service
also enforces ``max``, ``pattern``, ``enum`` and numeric ranges, and a client
built with ``parameter_validation=False`` checks nothing. Every input shape is
compiled once into a closure that walks a decoded request and collects
violations, phrased the way AWS's request validation phrases them.

Two more constraints guard what the fake could not keep as sent: a string must
not hold an **unpaired surrogate** (UTF-8 cannot carry one, so it could be
neither answered back nor written to a state file; Java prints it as ``?``), and
an unbounded ``float`` or ``double`` must be **finite** (``1e999`` written by
hand overflows; a bounded one fails its range). A value breaking a modeled
constraint is reported for that one only. The yes/no pass (``_fastcheck``) checks
finiteness but not surrogates, which would cost a scan of every string: the
dispatcher runs :func:`refuse_invalid` instead when the raw body may hold one.

The same checks judge the fake's own answers against output shapes
(:func:`violations` with ``closed=True``, for ``Settings.check_responses``): there a
member the shape does not declare, or a ``null`` member, is a violation too, since
AWS never sends either and a client would not expect it.
"""

from __future__ import annotations

import decimal
import functools
import math
from collections.abc import Callable
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

from personalize_fake._domain.codec import has_unpaired, printable
from personalize_fake._errors import InvalidInput
from personalize_fake._model.fastcheck import quick
from personalize_fake._model.patterns import compile_java

Problems = list[tuple[Any, str, str]]
"""(value, path, constraint) triples, in the order they were found."""

Check = Callable[[Any, str, Problems], None]

REDACTED = "*** Sensitive Data Redacted ***"
UNPAIRED = "Member must not contain an unpaired surrogate"
NOT_FINITE = "Member must be a finite number"
UNMODELED = "Member must be declared by the shape"

PATTERN_CHECK_LIMIT_FACTOR = 4
"""A value over its maximum length is matched against its pattern only when it is at most
this many times the maximum long; beyond that only the length violation is reported.

AWS reports both violations of one value, and a value a little too long is what users
send by mistake, so the message keeps both for those. But matching costs time linear in
the value (about 0.17 µs a character for the one pattern matched in Python), and a 10 MiB
body would hold the interpreter, and every other request of a server, for over a second:
the bound keeps the work per value under about 1.5 ms (4 times 2,048 characters)."""

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "blob": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "long": (int,),
    "float": (int, float),
    "double": (int, float),
    "timestamp": (int, float),
    "structure": (dict,),
    "list": (list,),
    "map": (dict,),
}


def render(value: Any) -> str:
    """A value as the service's (Java) messages print it: ``[a, b]``, ``{k=v}``, ``true``,
    ``null``, ``Infinity``, ``1.0E10``, each unpaired surrogate as ``?``.

    A loop, not recursion: a wrong-typed value may be nested as deep as the decoder
    allows, far deeper than Python's recursion limit.
    """
    out: list[str] = []
    pending: list[tuple[bool, Any]] = [(False, value)]  # (is literal text, item), popped last first
    while pending:
        literal, item = pending.pop()
        if literal:
            out.append(item)
        elif isinstance(item, list):
            pending.append((True, "]"))
            for index in range(len(item) - 1, -1, -1):
                pending.append((False, item[index]))
                if index:
                    pending.append((True, ", "))
            out.append("[")
        elif isinstance(item, dict):
            pending.append((True, "}"))
            entries = list(item.items())
            for index in range(len(entries) - 1, -1, -1):
                key, element = entries[index]
                pending.append((False, element))
                pending.append((True, f"{_scalar_text(key)}="))
                if index:
                    pending.append((True, ", "))
            out.append("{")
        else:
            out.append(_scalar_text(item))
    return "".join(out)


def _scalar_text(value: Any) -> str:
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float):
        return _java_double(value)
    if isinstance(value, int):
        try:
            return str(value)
        except ValueError:  # more digits than int-to-str allows: decimal has no such limit
            return str(decimal.Decimal(value))
    return printable(str(value))


def _java_double(value: float) -> str:
    """Java's ``Double.toString``: plain from 10**-3 to 10**7, else ``d.dddE<n>``."""
    if value != value:
        return "NaN"
    if value in (math.inf, -math.inf):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0 or 1e-3 <= abs(value) < 1e7:
        return repr(value)  # Python's repr is plain in this range, with ".0" when whole
    sign, digits, exponent = decimal.Decimal(repr(value)).as_tuple()
    assert isinstance(exponent, int)
    shown = "".join(map(str, digits)).rstrip("0") or "0"
    power = exponent + len(digits) - 1
    return f"{'-' if sign else ''}{shown[0]}.{shown[1:] or '0'}E{power}"


def message(problems: Problems) -> str:
    """``1 validation error detected: Value 'x' at 'name' failed to satisfy constraint: ...``."""
    count = len(problems)
    parts = []
    for value, path, constraint in problems:
        shown = "null" if value is None else f"'{render(value)}'"
        parts.append(f"Value {shown} at '{path}' failed to satisfy constraint: {constraint}")
    noun = "error" if count == 1 else "errors"
    return f"{count} validation {noun} detected: " + "; ".join(parts)


def validate(shape: Shape | None, document: dict[str, Any]) -> None:
    """Raise :class:`InvalidInput` naming every violation of ``shape`` in ``document``."""
    if shape is not None:
        validator(shape)(document)


@functools.cache
def validator(shape: Shape) -> Callable[[dict[str, Any]], None]:
    """The validation of one input shape, built once: the generated yes/no pass, and
    the message-building check only when that pass says no (almost never)."""
    ok = quick(shape)

    def check(document: dict[str, Any]) -> None:
        if not ok(document):
            refuse_invalid(shape, document)

    return check


def refuse_invalid(shape: Shape, document: dict[str, Any]) -> None:
    """The message-building pass alone: raise :class:`InvalidInput` naming every violation,
    unpaired surrogates included (the yes/no pass leaves those to this one)."""
    problems = violations(shape, document)
    if problems:
        raise InvalidInput(message(problems))


def violations(shape: Shape, value: Any, *, closed: bool = False) -> Problems:
    """Every way ``value`` breaks ``shape`` (any shape, input or output), in order found.

    ``closed``: a member the shape does not declare, at any depth, or a ``null``
    member, is a violation too (for answers; a request's extra members are ignored).
    """
    problems: Problems = []
    compiled(shape, closed)(value, "", problems)
    return problems


@functools.cache
def compiled(shape: Shape, closed: bool = False) -> Check:
    """The check for one shape, built once per shape, closedness and process."""
    return _build(shape, sensitive=False, closed=closed)


def _build(shape: Shape, sensitive: bool, closed: bool = False) -> Check:
    sensitive = sensitive or bool(shape.metadata.get("sensitive"))
    # A container is shown whole (a wrong type, too many entries) only when
    # nothing inside it is sensitive.
    hidden = sensitive or (
        isinstance(shape, (StructureShape, ListShape, MapShape)) and _holds_sensitive(shape, set())
    )
    type_check = _type_check(shape, hidden)
    if isinstance(shape, StructureShape):
        inner = _structure(shape, sensitive, closed)
    elif isinstance(shape, ListShape):
        inner = _list(shape, sensitive, hidden, closed)
    elif isinstance(shape, MapShape):
        inner = _map(shape, sensitive, closed)
    else:
        inner = _scalar(shape, sensitive)
    if type_check is None:
        return inner

    def check(value: Any, path: str, problems: Problems) -> None:
        if type_check(value, path, problems):
            inner(value, path, problems)

    return check


def _type_check(shape: Shape, sensitive: bool) -> Callable[[Any, str, Problems], bool] | None:
    allowed = _JSON_TYPES.get(shape.type_name)
    if allowed is None:  # document and unknown types accept any JSON
        return None
    rejects_bool = bool not in allowed
    type_name = shape.type_name

    def type_ok(value: Any, path: str, problems: Problems) -> bool:
        if isinstance(value, allowed) and not (rejects_bool and isinstance(value, bool)):
            return True
        shown = REDACTED if sensitive else value
        problems.append((shown, path, f"Member must be of type {type_name}"))
        return False

    return type_ok


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _structure(shape: StructureShape, sensitive: bool, closed: bool) -> Check:
    required = tuple(shape.required_members)
    # Members are compiled lazily so recursive shapes terminate.
    members: dict[str, Check] = {}
    targets = dict(shape.members)

    def member_check(name: str) -> Check:
        check = members.get(name)
        if check is None:
            check = members[name] = _build(targets[name], sensitive, closed)
        return check

    def check(value: dict[str, Any], path: str, problems: Problems) -> None:
        for name in required:
            if value.get(name) is None:
                problems.append((None, _join(path, name), "Member must not be null"))
        for name, member in value.items():
            if member is not None and name in targets:
                member_check(name)(member, _join(path, name), problems)

    if not closed:
        return check

    def closed_check(value: dict[str, Any], path: str, problems: Problems) -> None:
        check(value, path, problems)
        for name, member in value.items():
            if name not in targets:
                problems.append((member, _join(path, name), UNMODELED))
            elif member is None and name not in required:  # a required one is reported above
                problems.append((None, _join(path, name), "Member must not be null"))

    return closed_check


def _length_limits(shape: Shape, what: str, sensitive: bool) -> Check:
    low = shape.metadata.get("min")
    high = shape.metadata.get("max")

    def check(value: Any, path: str, problems: Problems) -> None:
        size = len(value)
        if low is not None and size < low:
            shown = REDACTED if sensitive else value
            problems.append(
                (shown, path, f"Member must have {what} greater than or equal to {low}")
            )
        elif high is not None and size > high:
            shown = REDACTED if sensitive else value
            problems.append((shown, path, f"Member must have {what} less than or equal to {high}"))

    return check


def _list(shape: ListShape, sensitive: bool, hidden: bool, closed: bool) -> Check:
    limits = _length_limits(shape, "length", hidden)
    item = _build(shape.member, sensitive, closed)

    def check(value: list[Any], path: str, problems: Problems) -> None:
        limits(value, path, problems)
        for index, element in enumerate(value, 1):
            if element is None:
                problems.append((None, f"{path}.{index}.member", "Member must not be null"))
            else:
                item(element, f"{path}.{index}.member", problems)

    return check


def _map(shape: MapShape, sensitive: bool, closed: bool) -> Check:
    """Keys and values are judged as a whole, the way AWS words it.

    One problem per map and side, showing the whole map and every constraint
    the key (or value) shape declares, e.g. ``Value '{bad key=1}' at 'context'
    failed to satisfy constraint: Map keys must satisfy constraint: [Member must
    have length less than or equal to 150, Member must satisfy regular
    expression pattern: [A-Za-z\\d_]+]``. This is the form real AWS answers
    take (QuickSight's ``physicalTableMap``); unverified for Personalize.
    """
    hidden = sensitive or _holds_sensitive(shape, set())
    limits = _length_limits(shape, "length", hidden)
    key_check = _build(shape.key, sensitive, closed)
    value_check = _build(shape.value, sensitive, closed)
    key_rules = _declared(shape.key)
    value_rules = _declared(shape.value)

    def check(value: dict[str, Any], path: str, problems: Problems) -> None:
        limits(value, path, problems)
        bad_keys: Problems = []
        bad_values: Problems = []
        for key, element in value.items():
            key_check(key, path, bad_keys)
            if element is None:
                bad_values.append((None, path, "Member must not be null"))
            else:
                value_check(element, path, bad_values)
        if bad_keys or bad_values:
            shown = REDACTED if hidden else value
            if bad_keys:
                rules = _bracket(key_rules, bad_keys)
                problems.append((shown, path, f"Map keys must satisfy constraint: {rules}"))
            if bad_values:
                rules = _bracket(value_rules, bad_values)
                problems.append((shown, path, f"Map value must satisfy constraint: {rules}"))

    return check


def _declared(shape: Shape) -> list[str]:
    """Every constraint a shape itself declares, in the order AWS lists them."""
    meta = shape.metadata
    rules: list[str] = []
    if shape.type_name in ("string", "blob", "list", "map"):
        if "max" in meta:
            rules.append(f"Member must have length less than or equal to {meta['max']}")
        if "min" in meta:
            rules.append(f"Member must have length greater than or equal to {meta['min']}")
        if "pattern" in meta:
            rules.append(f"Member must satisfy regular expression pattern: {meta['pattern']}")
        enum = getattr(shape, "enum", None)
        if enum:
            rules.append(f"Member must satisfy enum value set: [{', '.join(enum)}]")
    elif shape.type_name in ("integer", "long", "float", "double"):
        if "max" in meta:
            rules.append(f"Member must have value less than or equal to {meta['max']}")
        if "min" in meta:
            rules.append(f"Member must have value greater than or equal to {meta['min']}")
    return rules


def _bracket(declared: list[str], found: Problems) -> str:
    """``[...]``: the declared constraints, then any other that failed (a type, a null)."""
    rules = list(declared)
    for _, _, constraint in found:
        if constraint not in rules:
            rules.append(constraint)
    return "[" + ", ".join(rules) + "]"


def _holds_sensitive(shape: Shape, seen: set[str]) -> bool:
    """Whether ``shape`` or anything inside it is marked sensitive."""
    if shape.metadata.get("sensitive"):
        return True
    if shape.name in seen:
        return False
    seen.add(shape.name)
    if isinstance(shape, StructureShape):
        return any(_holds_sensitive(m, seen) for m in shape.members.values())
    if isinstance(shape, ListShape):
        return _holds_sensitive(shape.member, seen)
    if isinstance(shape, MapShape):
        return _holds_sensitive(shape.key, seen) or _holds_sensitive(shape.value, seen)
    return False


def _scalar(shape: Shape, sensitive: bool) -> Check:
    meta = shape.metadata
    checks: list[Check] = []
    bounded = "min" in meta or "max" in meta
    if shape.type_name in ("string", "blob"):
        if bounded:
            checks.append(_length_limits(shape, "length", sensitive))
        if "pattern" in meta:
            checks.append(_pattern(meta["pattern"], sensitive, meta.get("max")))
        enum = getattr(shape, "enum", None)
        if enum:
            checks.append(_enum(list(enum), sensitive))
        return _text(checks, sensitive)
    if shape.type_name in ("integer", "long", "float", "double") and bounded:
        checks.append(_range(meta.get("min"), meta.get("max"), sensitive))
    elif shape.type_name in ("float", "double"):
        checks.append(_finite(sensitive))
    if not checks:
        return _accept
    if len(checks) == 1:
        return checks[0]

    def check(value: Any, path: str, problems: Problems) -> None:
        for each in checks:
            each(value, path, problems)

    return check


def _text(checks: list[Check], sensitive: bool) -> Check:
    """A string's modeled checks, then, when none failed, no unpaired surrogate."""

    def check(value: str, path: str, problems: Problems) -> None:
        found = len(problems)
        for each in checks:
            each(value, path, problems)
        if len(problems) == found and has_unpaired(value):
            problems.append((REDACTED if sensitive else value, path, UNPAIRED))

    return check


def _finite(sensitive: bool) -> Check:
    """An unbounded float or double is finite (compared, not converted: ints of any size)."""

    def check(value: float, path: str, problems: Problems) -> None:
        if not -math.inf < value < math.inf:
            problems.append((REDACTED if sensitive else value, path, NOT_FINITE))

    return check


def _accept(value: Any, path: str, problems: Problems) -> None:
    return None


def _pattern(pattern: str, sensitive: bool, longest: int | None) -> Check:
    regex = compile_java(pattern)
    constraint = f"Member must satisfy regular expression pattern: {pattern}"
    limit = None if longest is None else PATTERN_CHECK_LIMIT_FACTOR * longest

    def check(value: str, path: str, problems: Problems) -> None:
        if limit is not None and len(value) > limit:
            return  # far too long: reported for its length alone
        if regex.fullmatch(value) is None:
            problems.append((REDACTED if sensitive else value, path, constraint))

    return check


def _enum(values: list[str], sensitive: bool) -> Check:
    allowed = frozenset(values)
    constraint = f"Member must satisfy enum value set: [{', '.join(values)}]"

    def check(value: str, path: str, problems: Problems) -> None:
        if value not in allowed:
            problems.append((REDACTED if sensitive else value, path, constraint))

    return check


def _range(low: float | None, high: float | None, sensitive: bool) -> Check:
    def check(value: float, path: str, problems: Problems) -> None:
        if low is not None and value < low:
            shown = REDACTED if sensitive else value
            problems.append((shown, path, f"Member must have value greater than or equal to {low}"))
        elif high is not None and value > high:
            shown = REDACTED if sensitive else value
            problems.append((shown, path, f"Member must have value less than or equal to {high}"))

    return check
