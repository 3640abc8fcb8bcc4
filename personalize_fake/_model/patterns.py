"""Java regular expressions from the service models, translated for Python.

The models' patterns are Java regexes (the service is Java): ``\\p{L}``,
``\\p{ASCII}`` and friends do not exist in ``re``, and ``\\d``, ``\\w``, ``\\s`` and
``.`` mean different (wider) things in Python's Unicode mode. The service applies
a pattern to the whole value (Java's ``matches``), hence ``fullmatch``. Values
come from users, and some model patterns make ``re`` backtrack for seconds
(``arn:...:.*:.*:.+``), so the translation is matched in linear time
(:mod:`personalize_fake._model.linear`).
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections.abc import Callable
from typing import Any

from personalize_fake._model.linear import linear

# Java's line terminators: what '.' does not match.
_DOT = "[^\\n\\r\\u0085\\u2028\\u2029]"

# Java's ASCII-only shorthand classes, as bodies usable inside [...].
_SHORTHAND = {
    "d": "0-9",
    "w": "a-zA-Z0-9_",
    "s": " \\t\\n\\x0b\\f\\r",
}

_POSIX = {
    "ASCII": "\\x00-\\x7f",
    "Alpha": "a-zA-Z",
    "Digit": "0-9",
    "Alnum": "a-zA-Z0-9",
    "Upper": "A-Z",
    "Lower": "a-z",
    "Punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
    "Space": " \\t\\n\\x0b\\f\\r",
}


# Code points that may belong to a major category, as Python's own (C-speed)
# classes see them: letters are alphabetic word characters, numbers are
# alphanumeric, and every separator (Zs, Zl, Zp) is whitespace.
# tests/model/test_patterns.py checks the result against unicodedata for every code point.
_MAYBE = {
    "L": re.compile(r"[^\W\d_]"),
    "N": re.compile(r"[^\W_]"),
    "Z": re.compile(r"\s"),
}
_LEAF = 32


def _all_code_points() -> str:
    """Every code point, in order, as one string (built from UTF-32 bytes, ~20 ms)."""
    n = sys.maxunicode + 1
    raw = bytearray(4 * n)
    raw[0::4] = bytes(range(256)) * (n // 256)
    raw[1::4] = b"".join(bytes([i]) * 256 for i in range(256)) * (n // 65536)
    raw[2::4] = b"".join(bytes([i]) * 65536 for i in range(n // 65536))
    return raw.decode("utf-32-le", "surrogatepass")


def _category_ranges(prefix: str) -> list[tuple[int, int]]:
    """Inclusive ranges of the code points whose general category starts with ``prefix``.

    A naive walk asks ``unicodedata`` about all 1.1 million code points (about
    0.5 s per class). For L, N and Z the walk bisects instead: a stretch where
    ``str.isalpha`` holds is all letters, a stretch the C-level regex in
    ``_MAYBE`` finds nothing in has none of the class, and only mixed
    stretches of at most ``_LEAF`` code points are looked at one by one.
    """
    category = unicodedata.category
    found: list[tuple[int, int]] = []
    text = _all_code_points()
    maybe = _MAYBE.get(prefix[0])
    if maybe is None:
        found.extend((cp, cp) for cp, ch in enumerate(text) if category(ch).startswith(prefix))
    else:
        stack = [(0, len(text))]
        while stack:
            low, high = stack.pop()
            chunk = text[low:high]
            if maybe.search(chunk) is None:
                continue
            if chunk.isalpha():
                if prefix == "L":
                    found.append((low, high - 1))
                    continue
                if prefix[0] != "L":
                    continue
            if high - low <= _LEAF:
                found.extend(
                    (low + i, low + i)
                    for i, ch in enumerate(chunk)
                    if category(ch).startswith(prefix)
                )
                continue
            middle = (low + high) // 2
            stack.append((middle, high))
            stack.append((low, middle))
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and merged[-1][1] + 1 == start:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


@functools.cache
def _category_class(prefix: str) -> str:
    """A class body for every code point whose Unicode general category starts with ``prefix``.

    Built on first use (a few hundredths of a second for L, N or Z) and cached
    for the process.
    """
    return "".join(
        f"\\U{start:08x}" if start == end else f"\\U{start:08x}-\\U{end:08x}"
        for start, end in _category_ranges(prefix)
    )


def _class_body(name: str) -> str:
    if name in _POSIX:
        return _POSIX[name]
    category = name[2:] if name.startswith("Is") else name
    if len(category) in (1, 2) and category[0].isupper():
        return _category_class(category)
    raise ValueError(f"unsupported Java character class \\p{{{name}}}")


def translate(pattern: str) -> str:
    """Rewrite a Java regex into an equivalent Python ``re`` pattern."""
    out: list[str] = []
    i, in_class = 0, False
    n = len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            if nxt in "pP" and i + 2 < n and pattern[i + 2] == "{":
                end = pattern.index("}", i)
                body = _class_body(pattern[i + 3 : end])
                negate = nxt == "P"
                if in_class:
                    if negate:
                        raise ValueError("negated \\P{...} inside a class is not supported")
                    out.append(body)
                else:
                    out.append(f"[{'^' if negate else ''}{body}]")
                i = end + 1
                continue
            if nxt.lower() in _SHORTHAND:
                body = _SHORTHAND[nxt.lower()]
                if in_class:
                    if nxt.isupper():
                        raise ValueError(f"negated \\{nxt} inside a class is not supported")
                    out.append(body)
                else:
                    out.append(f"[{'^' if nxt.isupper() else ''}{body}]")
                i += 2
                continue
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
            elif ch == "[":
                out.append("\\[")
                i += 1
                continue
        elif ch == "[":
            in_class = True
            out.append(ch)
            if i + 1 < n and pattern[i + 1] == "^":
                out.append("^")
                i += 1
            if i + 1 < n and pattern[i + 1] == "]":
                out.append("\\]")
                i += 1
            i += 1
            continue
        elif ch == ".":
            out.append(_DOT)
            i += 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


class JavaPattern:
    """A model pattern, built on its first match, once per process: about a millisecond
    for most, tens for the 1,500-state ``\\p{ASCII}{0,1500}``, never at import.

    ``fullmatch(value)`` returns None when ``value`` does not match, something
    else when it does, in time linear in ``len(value)``.
    """

    __slots__ = ("_places", "_strategy", "fullmatch", "java")

    def __init__(self, java: str) -> None:
        self.java = java
        self.fullmatch: Callable[[str], object] = self._first_match
        self._strategy = ""
        self._places: list[tuple[dict[str, Any], str]] = []

    @property
    def pattern(self) -> str:
        """The Python regex the Java one translates to (as ``re.Pattern.pattern``)."""
        return translate(self.java)

    @property
    def strategy(self) -> str:
        """How values are matched: ``re``, ``dfa`` or ``backtracking`` (see ``linear``)."""
        self.matcher()
        return self._strategy

    def matcher(self) -> Callable[[str], object]:
        """The built ``fullmatch`` (building it if need be)."""
        if not self._strategy:
            self.fullmatch, self._strategy = linear(self.pattern)
            for slots, name in self._places:
                slots[name] = self.fullmatch
            self._places.clear()
        return self.fullmatch

    def place(self, slots: dict[str, Any], name: str) -> None:
        """Keep ``slots[name]`` this pattern's ``fullmatch``: the stand-in until the matcher
        is built (by whichever first use comes first), then the built one itself.

        For generated code, which calls a global: no attribute lookup per call.
        """
        slots[name] = self.fullmatch
        if not self._strategy:
            self._places.append((slots, name))

    def _first_match(self, value: str) -> object:
        return self.matcher()(value)


@functools.cache
def compile_java(pattern: str) -> JavaPattern:
    """The matcher of a model pattern, one per pattern and process."""
    return JavaPattern(pattern)
