"""Full matches in time linear in the value, whatever the pattern.

:func:`linear` takes a Python regex, builds its minimal DFA
(:mod:`personalize_fake._model.automaton`) and picks one of two matchers:

``re``
    When the DFA's only cycles are self-loops (every model ARN, name and
    printable-text pattern), it is written back as a regex that ``re`` runs
    in linear time. Each state becomes ``[loop]*`` followed by its other
    moves as alternatives ``[class]<next state>``, the empty alternative last
    when the state accepts. The classes of one state are pairwise disjoint and
    disjoint from its loop class, so:

    - the star stops at the first character outside the loop class, and at
      most one alternative can take that character: of all the places the
      engine may try, only the one on the DFA's path goes further;
    - when that path fails, the star gives characters back one at a time;
      each is in the loop class, so no alternative takes it and the empty one
      fails at once (the group ends the whole regex, and ``fullmatch`` needs
      the end of the value): O(1) per character given back;
    - stars only ever repeat a single class (``re``'s fast single-character
      repeat), and each is entered at most once, on the path.

    So every character is consumed once and given back at most once. States
    reached by several paths are written once per path (up to a bound);
    a run of one class is written ``[c]{k}``, or ``[c]{0,k}`` when it ends the
    value (``\\p{ASCII}{0,1500}``).
``dfa``
    Otherwise (``arn:aws.*:kms:.*:[0-9]{12}:key/.*`` searches for
    ``:kms:``, a cycle through several states), the DFA runs in Python: one
    step per character, except that a self-loop skips its whole run with a
    compiled ``[loop]*`` and a forced literal chain is one ``str.startswith``.

A pattern outside regular languages (back-references, lookarounds) keeps
``re`` as is (``backtracking``); tests/model/test_automaton.py holds every model
pattern to one of the linear two.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable

from personalize_fake._model.automaton import TOP, Dfa, Ranges, Unsupported, complement, minimal_dfa

FullMatch = Callable[[str], object]
"""``fullmatch(value)``: None when the value does not match, anything else when it does."""

# Bounds on the written regex: states written (counting each copy) and group depth.
_MAX_WRITTEN = 400
_MAX_DEPTH = 40


class _TooLarge(Exception):
    pass


def _char(code: int) -> str:
    if 0x20 < code < 0x7F:
        return re.escape(chr(code))  # escapes what is special in and out of classes
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def char_class(ranges: Ranges) -> str:
    """``ranges`` as a regex atom: a literal, or a class (negated when that is shorter)."""
    if len(ranges) == 1 and ranges[0][0] == ranges[0][1]:
        return _char(ranges[0][0])
    negated = complement(ranges)
    body, caret = (negated, "^") if 0 < len(negated) < len(ranges) else (ranges, "")
    parts = [_char(low) if low == high else f"{_char(low)}-{_char(high)}" for low, high in body]
    return f"[{caret}{''.join(parts)}]"


class _Writer:
    def __init__(self, dfa: Dfa) -> None:
        self.dfa = dfa
        self.written = 0

    def forced(self, state: int) -> tuple[Ranges, int] | None:
        """The one move of a state that neither accepts nor loops."""
        exits = self.dfa.exits(state)
        if self.dfa.accepting[state] or self.dfa.loop(state) or len(exits) != 1:
            return None
        return exits[0]

    def write(self, state: int, depth: int) -> str:
        dfa = self.dfa
        pieces: list[str] = []
        while True:
            self.written += 1
            if self.written > _MAX_WRITTEN or depth > _MAX_DEPTH:
                raise _TooLarge
            loop, exits = dfa.loop(state), dfa.exits(state)
            if loop:
                pieces.append(char_class(loop) + "*")
            if not dfa.accepting[state] and len(exits) == 1:
                # One way on: [c]{k} for a run of states forced onward by the same class.
                ranges, state = exits[0]
                count = 1
                while (step := self.forced(state)) is not None and step[0] == ranges:
                    state = step[1]
                    count += 1
                atom = char_class(ranges)
                if count > 1 and (len(atom) > 2 or count > 3):
                    atom += f"{{{count}}}"
                else:
                    atom *= count
                pieces.append(atom)
                continue
            tail = None if loop else self.optional_run(state)
            if tail is not None:
                pieces.append(tail)
                break
            alternatives = [char_class(r) + self.write(t, depth + 1) for r, t in exits]
            if dfa.accepting[state]:
                alternatives.append("")
            if len(alternatives) == 1:
                pieces.append(alternatives[0])
            else:
                pieces.append("(?:" + "|".join(alternatives) + ")")
            break
        return "".join(pieces)

    def optional_run(self, state: int) -> str | None:
        """``[c]{0,k}`` when the value may end anywhere along a run of one class to a
        state that accepts and moves nowhere."""
        dfa = self.dfa
        count = 0
        ranges: Ranges | None = None
        while True:
            exits = dfa.exits(state)
            if not dfa.accepting[state] or dfa.loop(state):
                return None
            if not exits:
                return None if ranges is None else f"{char_class(ranges)}{{0,{count}}}"
            if len(exits) != 1 or (ranges is not None and exits[0][0] != ranges):
                return None
            ranges, state = exits[0]
            count += 1


def _only_self_loops(dfa: Dfa) -> bool:
    """Whether the moves, self-loops aside, form no cycle."""
    done: set[int] = set()
    for root in range(len(dfa.moves)):
        if root in done:
            continue
        on_path = {root}
        stack = [(root, iter(dfa.exits(root)))]
        while stack:
            state, moves = stack[-1]
            step = next(moves, None)
            if step is None:
                stack.pop()
                on_path.discard(state)
                done.add(state)
                continue
            target = step[1]
            if target in on_path:
                return False
            if target not in done:
                on_path.add(target)
                stack.append((target, iter(dfa.exits(target))))
    return True


def to_regex(dfa: Dfa) -> str | None:
    """A regex ``re`` fullmatches in linear time, or None if there is none of this form."""
    if not dfa.accepting[0] and not dfa.moves[0]:
        return "(?!)"  # matches nothing
    if not _only_self_loops(dfa):
        return None
    try:
        return _Writer(dfa).write(0, 0)
    except _TooLarge:
        return None


class DfaMatcher:
    """Runs a DFA in Python, one step per character, except that a self-loop's run
    is skipped by a compiled ``[loop]*`` and a forced literal chain (``arn:aws``)
    is one ``str.startswith``.

    Each state's next state is looked up by character in a dict, filled for ASCII
    up front and for other characters as they are met (up to ``_MEMO`` of them;
    past that, a bisection of the DFA's interval bounds).
    """

    _MEMO = 4096

    def __init__(self, dfa: Dfa) -> None:
        points = {0} | {p for m in dfa.moves for r, _ in m for a, b in r for p in (a, b + 1)}
        self._bounds = sorted(p for p in points if p <= TOP)
        self._targets: list[list[int]] = []  # per state, per interval of _bounds
        self._rows: list[dict[str, int] | None] = []  # None: a forced literal chain
        self._skips: list[Callable[[str, int], re.Match[str] | None] | None] = []
        self._chains: list[tuple[str, int]] = []
        self._accepting = list(dfa.accepting)
        writer = _Writer(dfa)
        for state, moves in enumerate(dfa.moves):
            targets = [-1] * len(self._bounds)
            for ranges, target in moves:
                for low, high in ranges:
                    first = bisect_right(self._bounds, low) - 1
                    last = bisect_right(self._bounds, high) - 1
                    targets[first : last + 1] = [target] * (last - first + 1)
            self._targets.append(targets)
            loop = dfa.loop(state)
            self._skips.append(re.compile(char_class(loop) + "*").match if loop else None)
            chain, end = "", state
            while (step := writer.forced(end)) is not None and len(step[0]) == 1:
                ((low, high),) = step[0]
                if low != high or len(chain) > 64 or step[1] == state:
                    break
                chain += chr(low)
                end = step[1]
            self._chains.append((chain, end))
            ascii_row = {chr(c): self._lookup(state, c) for c in range(128)}
            self._rows.append(ascii_row if len(chain) < 2 else None)

    def _lookup(self, state: int, code: int) -> int:
        return self._targets[state][bisect_right(self._bounds, code) - 1]

    def fullmatch(self, value: str) -> bool | None:
        rows, skips = self._rows, self._skips
        state, position, size = 0, 0, len(value)
        while position < size:
            row = rows[state]
            if row is None:
                text, state = self._chains[state]
                if not value.startswith(text, position):
                    return None
                position += len(text)
                continue
            char = value[position]
            target = row.get(char)
            if target is None:
                target = self._lookup(state, ord(char))
                if len(row) < self._MEMO:
                    row[char] = target
            if target < 0:
                return None
            position += 1
            if target == state:
                skip = skips[state]
                assert skip is not None
                found = skip(value, position)
                assert found is not None
                position = found.end()
            state = target
        return True if self._accepting[state] else None


def linear(regex: str) -> tuple[FullMatch, str]:
    """A full-match function for ``regex`` and the strategy it uses:
    ``re``, ``dfa``, or ``backtracking`` (not a regular language: plain ``re``)."""
    try:
        dfa = minimal_dfa(regex)
    except Unsupported:
        return re.compile(regex).fullmatch, "backtracking"
    written = to_regex(dfa)
    if written is not None:
        return re.compile(written).fullmatch, "re"
    return DfaMatcher(dfa).fullmatch, "dfa"
