"""Values the fake refuses because it could not keep them faithfully.

Two kinds of value decode from valid JSON yet cannot be stored as sent:

* a string holding an **unpaired surrogate** (``"\\ud800"`` escaped in the
  body): Python and Java strings can hold one, UTF-8 cannot, so it could be
  neither answered back, nor written to a state file, nor compared with what
  a later call sends. AWS's Java front end would print it as ``?``.
* a ``float`` or ``double`` member that **overflowed to infinity** (``1e999``
  written by hand; botocore sends ``Infinity`` for ``float("inf")``, which the
  decoder refuses as Jackson does).

Both are refused as :class:`InvalidInput`, in the phrasing of request
validation, naming each member and showing the value with every unpaired
surrogate as ``?``; a value that breaks a modeled constraint too is reported
once, for that constraint. Both checks stay off the hot path: boto3's bodies
are ASCII (``ensure_ascii``), so an unpaired surrogate can only arrive as a
``\\uD800``-``\\uDFFF`` escape, which one regular-expression scan of the raw
body rules out; and the overflow check is generated, per operation, only for
input shapes that have an unbounded floating-point member (a bounded one
already fails its range).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

from personalize_fake._domain.codec import has_unpaired
from personalize_fake._errors import InvalidInput
from personalize_fake._model.validation import (
    REDACTED,
    Problems,
    _bracket,
    _declared,
    _holds_sensitive,
    compiled,
    message,
)

UNPAIRED = "Member must not contain an unpaired surrogate"
NOT_FINITE = "Member must be a finite number"

may_hold_surrogate: Callable[[bytes], object] = re.compile(rb"\\u[dD][89a-fA-F]").search
"""Whether a raw JSON body may decode to a surrogate (None: it cannot); a paired one also hits."""

_FLOATS = ("float", "double")


def refuse_unfaithful(shape: Shape | None, document: dict[str, Any]) -> None:
    """Raise :class:`InvalidInput` if ``document`` holds a value that cannot be kept faithfully.

    The message lists every validation problem as well, as one validation error
    would (a value breaking a modeled constraint is reported for that one only).
    """
    if shape is None:
        return
    found: Problems = []
    _walk(shape, document, "", False, found)
    if not found:
        return
    problems: Problems = []
    compiled(shape)(document, "", problems)
    reported = {path for _, path, _ in problems}
    problems += [problem for problem in found if problem[1] not in reported]
    raise InvalidInput(message(problems))


def _walk(shape: Shape, value: Any, path: str, sensitive: bool, found: Problems) -> None:
    """Collect unfaithful values in ``value``, following ``shape`` where the types agree.

    Recursion follows the shape, not the document: the models nest 7 deep at most.
    """
    sensitive = sensitive or bool(shape.metadata.get("sensitive"))
    if isinstance(shape, StructureShape):
        if isinstance(value, dict):
            for name, member in value.items():
                target = shape.members.get(name)
                if target is not None and member is not None:
                    _walk(target, member, f"{path}.{name}" if path else name, sensitive, found)
    elif isinstance(shape, ListShape):
        if isinstance(value, list):
            for index, element in enumerate(value, 1):
                if element is not None:
                    _walk(shape.member, element, f"{path}.{index}.member", sensitive, found)
    elif isinstance(shape, MapShape):
        if isinstance(value, dict):
            _map(shape, value, path, sensitive, found)
    elif shape.type_name in ("string", "blob"):
        if isinstance(value, str) and has_unpaired(value):
            found.append((REDACTED if sensitive else value, path, UNPAIRED))
    elif shape.type_name in _FLOATS and isinstance(value, float) and not math.isfinite(value):
        found.append((REDACTED if sensitive else value, path, NOT_FINITE))


def _map(
    shape: MapShape, value: dict[str, Any], path: str, sensitive: bool, found: Problems
) -> None:
    """Keys and values judged as a whole, at the map's path, as validation words maps."""
    bad_keys: Problems = []
    bad_values: Problems = []
    for key, element in value.items():
        _walk(shape.key, key, path, sensitive, bad_keys)
        if element is not None:
            _walk(shape.value, element, path, sensitive, bad_values)
    shown = REDACTED if sensitive or _holds_sensitive(shape, set()) else value
    if bad_keys:
        rules = _bracket(_declared(shape.key), bad_keys)
        found.append((shown, path, f"Map keys must satisfy constraint: {rules}"))
    if bad_values:
        rules = _bracket(_declared(shape.value), bad_values)
        found.append((shown, path, f"Map value must satisfy constraint: {rules}"))


@functools.cache
def overflow_check(shape: Shape) -> Callable[[dict[str, Any]], bool] | None:
    """A check whether a *valid* document has an infinite unbounded float member, or None
    when the shape has no such member (most have none, and so pay nothing).

    Generated as one function of nested loops, as ``fastcheck`` generates validation:
    it runs after validation passed, so it trusts the types.
    """
    lines: list[str] = []
    _overflow_lines(shape, "v", 1, lines, set())
    if not lines:
        return None
    source = "\n".join(["def _check(v):", *lines, "    return False", ""])
    namespace: dict[str, Any] = {"_INF": math.inf}
    exec(compile(source, f"<personalize-fake finite {shape.name}>", "exec"), namespace)
    check: Callable[[dict[str, Any]], bool] = namespace["_check"]
    return check


def _overflow_lines(shape: Shape, var: str, depth: int, lines: list[str], seen: set[str]) -> None:
    pad = "    " * depth
    if shape.type_name in _FLOATS:
        if "min" not in shape.metadata and "max" not in shape.metadata:
            lines.append(f"{pad}if not -_INF < {var} < _INF:")
            lines.append(f"{pad}    return True")
        return
    if shape.name in seen:  # a recursive shape: no model has one; stop rather than loop
        return
    seen = seen | {shape.name}
    inner: list[str] = []
    item = f"x{depth}"
    if isinstance(shape, StructureShape) and not shape.is_document_type:
        for name, member in shape.members.items():
            nested: list[str] = []
            _overflow_lines(member, item, depth + 1, nested, seen)
            if nested:
                inner += [f"{pad}{item} = {var}.get({name!r})", f"{pad}if {item} is not None:"]
                inner += nested
    elif isinstance(shape, (ListShape, MapShape)):
        element = shape.member if isinstance(shape, ListShape) else shape.value
        nested = []
        _overflow_lines(element, item, depth + 1, nested, seen)
        if nested:
            values = var if isinstance(shape, ListShape) else f"{var}.values()"
            inner += [f"{pad}for {item} in {values}:", *nested]
    lines += inner
