"""Java regular expressions from the service models, compiled for Python's ``re``.

The models' patterns are Java regexes (the service is Java): ``\\p{L}``,
``\\p{ASCII}`` and friends do not exist in ``re``, and ``\\d``, ``\\w``, ``\\s`` and
``.`` mean different (wider) things in Python's Unicode mode. The service applies
a pattern to the whole value (Java's ``matches``), hence ``fullmatch``.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata

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


@functools.cache
def _category_class(prefix: str) -> str:
    """Ranges of every code point whose Unicode general category starts with ``prefix``.

    Built on first use (about a tenth of a second) and cached for the process.
    """
    ranges: list[str] = []
    start = -1
    for cp in range(sys.maxunicode + 2):
        inside = cp <= sys.maxunicode and unicodedata.category(chr(cp)).startswith(prefix)
        if inside and start < 0:
            start = cp
        elif not inside and start >= 0:
            end = cp - 1
            ranges.append(f"\\U{start:08x}" if start == end else f"\\U{start:08x}-\\U{end:08x}")
            start = -1
    return "".join(ranges)


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


@functools.cache
def compile_java(pattern: str) -> re.Pattern[str]:
    """Compile a model pattern once; match it with ``.fullmatch``."""
    return re.compile(translate(pattern))
