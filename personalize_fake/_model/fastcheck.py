"""The yes/no pass of validation, generated as Python source per input shape.

Almost every request is valid, so :func:`personalize_fake._model.validation.validator`
first asks only *whether* a document is valid; the path-and-message building
check runs only for a bad one. This pass applies the same rules (types,
required members, lengths, patterns, enums, ranges) but as one generated
function per structure, list or map shape with every scalar check inlined:
about half the cost of a tree of closures on a 10-event PutEvents.
``tests/model/test_validation.py`` holds the two passes to the same verdict.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

from personalize_fake._model.patterns import compile_java

Ok = Callable[[Any], bool]

_NUMBERS = ("integer", "long", "float", "double")


class _Source:
    """Generated functions for one top-level shape, and the constants they use."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.names: dict[str, str] = {}
        self.constants: dict[str, Any] = {}

    def constant(self, value: Any) -> str:
        name = f"_c{len(self.constants)}"
        self.constants[name] = value
        return name

    def test(self, shape: Shape, var: str) -> str:
        """A boolean expression: is ``var`` (never None) a valid value of ``shape``?"""
        kind = shape.type_name
        meta = shape.metadata
        if isinstance(shape, (StructureShape, ListShape, MapShape)):
            if isinstance(shape, StructureShape) and shape.is_document_type:
                return "True"
            return f"{self.function(shape)}({var})"
        parts: list[str]
        if kind in ("string", "blob"):
            parts = [f"isinstance({var}, str)"]
            parts += self._bounds(f"len({var})", meta)
            if "pattern" in meta:
                parts.append(f"{self.matcher(meta['pattern'])}({var}) is not None")
            enum = getattr(shape, "enum", None)
            if enum:
                parts.append(f"{var} in {self.constant(frozenset(enum))}")
        elif kind in ("integer", "long"):
            parts = [f"isinstance({var}, int)", f"not isinstance({var}, bool)"]
            parts += self._bounds(var, meta)
        elif kind in ("float", "double", "timestamp"):
            parts = [f"isinstance({var}, (int, float))", f"not isinstance({var}, bool)"]
            if kind != "timestamp":
                bounds = self._bounds(var, meta)
                # Unbounded: finite (an int of any size or a finite float gives 0; inf, nan).
                parts += bounds or [f"{var} - {var} == 0"]
        elif kind == "boolean":
            parts = [f"isinstance({var}, bool)"]
        else:  # document and unknown types accept any JSON
            parts = ["True"]
        return "(" + " and ".join(parts) + ")"

    def matcher(self, pattern: str) -> str:
        """The name of a pattern's ``fullmatch`` among the generated code's globals (a global
        is the cheapest call there is); the pattern keeps it built (:meth:`JavaPattern.place`)."""
        name = f"_c{len(self.constants)}"
        compile_java(pattern).place(self.constants, name)
        return name

    def _bounds(self, measure: str, meta: dict[str, Any]) -> list[str]:
        """One chained comparison (``measure`` is computed once), numbers written in."""
        low, high = meta.get("min"), meta.get("max")
        if low is not None and high is not None:
            return [f"{self._number(low)} <= {measure} <= {self._number(high)}"]
        if low is not None:
            return [f"{measure} >= {self._number(low)}"]
        if high is not None:
            return [f"{measure} <= {self._number(high)}"]
        return []

    def _number(self, value: Any) -> str:
        if type(value) is int or (type(value) is float and math.isfinite(value)):
            return repr(value)
        return self.constant(value)

    def function(self, shape: Shape) -> str:
        """The name of the generated function checking ``shape`` (generated once)."""
        name = self.names.get(shape.name)
        if name is not None:
            return name
        name = self.names[shape.name] = f"_ok{len(self.names)}"
        if isinstance(shape, StructureShape):
            body = self._structure(shape)
        elif isinstance(shape, ListShape):
            body = [
                "    if not isinstance(v, list):",
                "        return False",
                *self._size(shape),
                "    for e in v:",
                f"        if e is None or not {self.test(shape.member, 'e')}:",
                "            return False",
                "    return True",
            ]
        else:
            assert isinstance(shape, MapShape)
            body = [
                "    if not isinstance(v, dict):",
                "        return False",
                *self._size(shape),
                "    for k, e in v.items():",
                f"        if e is None or not {self.test(shape.key, 'k')} "
                f"or not {self.test(shape.value, 'e')}:",
                "            return False",
                "    return True",
            ]
        self.lines += [f"def {name}(v):", *body, ""]
        return name

    def _size(self, shape: Shape) -> list[str]:
        bounds = self._bounds("len(v)", shape.metadata)
        if not bounds:
            return []
        return [f"    if not ({' and '.join(bounds)}):", "        return False"]

    def _structure(self, shape: StructureShape) -> list[str]:
        body = ["    if not isinstance(v, dict):", "        return False"]
        for member in shape.required_members:
            body += [f"    if v.get({member!r}) is None:", "        return False"]
        if not shape.members:
            return [*body, "    return True"]
        body += ["    for k, m in v.items():", "        if m is None:", "            continue"]
        keyword = "if"
        required = set(shape.required_members)
        # Required members first: every request has them, so the chain ends sooner.
        ordered = sorted(shape.members.items(), key=lambda item: item[0] not in required)
        for member, target in ordered:
            body += [
                f"        {keyword} k == {member!r}:",
                f"            if not {self.test(target, 'm')}:",
                "                return False",
            ]
            keyword = "elif"
        return [*body, "    return True"]


@functools.cache
def quick(shape: Shape) -> Ok:
    """Whether a value is valid for ``shape``: the rules of the full check, no messages."""
    source = _Source()
    test = source.test(shape, "v")
    source.lines += ["def _check(v):", f"    return {test}", ""]
    namespace = source.constants  # the generated code's globals
    exec(
        compile("\n".join(source.lines), f"<personalize-fake check {shape.name}>", "exec"),
        namespace,
    )
    check: Ok = namespace["_check"]
    return check
