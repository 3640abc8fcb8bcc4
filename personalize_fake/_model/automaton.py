"""Regular expressions as minimal DFAs over character intervals.

Python's ``re`` backtracks, and some model patterns backtrack polynomially
(``arn:...:.*:.*:.+`` is cubic). Whatever the regex, its language has a
minimal deterministic automaton, which :mod:`personalize_fake._model.linear` runs
or turns back into a regex ``re`` cannot backtrack on. This module builds it:
Python's own parser reads the pattern (so it means exactly what ``re`` reads),
a Thompson NFA is built over sets of code point intervals, determinized by
subset construction and minimized (Hopcroft). Pure logic, built once per
pattern and process.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable
from typing import Any

import attrs

# The parser ``re`` itself uses: re._parser from 3.11 (sre_parse warns there), sre_parse before.
_sre: Any = importlib.import_module("re._parser" if sys.version_info >= (3, 11) else "sre_parse")

TOP = 0x10FFFF
Ranges = tuple[tuple[int, int], ...]
"""A set of code points: sorted, disjoint, non-adjacent inclusive intervals."""

NEWLINE: Ranges = ((10, 10),)
EVERYTHING: Ranges = ((0, TOP),)

# Guards against patterns whose automaton would be too large to build quickly.
_MAX_NFA_STATES = 50_000
_MAX_DFA_WORK = 500_000


class Unsupported(ValueError):
    """The pattern uses something outside regular languages (or this module's reach)."""


def normalize(pairs: Iterable[tuple[int, int]]) -> Ranges:
    """Sorted, merged intervals."""
    merged: list[tuple[int, int]] = []
    for low, high in sorted(pairs):
        if merged and low <= merged[-1][1] + 1:
            if high > merged[-1][1]:
                merged[-1] = (merged[-1][0], high)
        else:
            merged.append((low, high))
    return tuple(merged)


def complement(ranges: Ranges) -> Ranges:
    gaps: list[tuple[int, int]] = []
    next_low = 0
    for low, high in ranges:
        if low > next_low:
            gaps.append((next_low, low - 1))
        next_low = high + 1
    if next_low <= TOP:
        gaps.append((next_low, TOP))
    return tuple(gaps)


def contains(ranges: Ranges, code: int) -> bool:
    return any(low <= code <= high for low, high in ranges)


@attrs.define
class Nfa:
    """Thompson NFA: consuming edges, plain epsilons, and epsilons taken only at the
    value's start (``^``, ``\\A``) or only at its end (``$``, ``\\Z``)."""

    edges: list[list[tuple[Ranges, int]]] = attrs.field(factory=list)
    eps: list[list[int]] = attrs.field(factory=list)
    at_start: list[list[int]] = attrs.field(factory=list)
    at_end: list[list[int]] = attrs.field(factory=list)

    def new(self) -> int:
        if len(self.edges) >= _MAX_NFA_STATES:
            raise Unsupported("pattern too large")
        for table in (self.edges, self.eps, self.at_start, self.at_end):
            table.append([])
        return len(self.edges) - 1

    def step(self, state: int, ranges: Ranges) -> int:
        target = self.new()
        if ranges:
            self.edges[state].append((ranges, target))
        return target

    def closure(self, seeds: Iterable[int], at_start: bool, at_end: bool) -> frozenset[int]:
        seen = set(seeds)
        stack = list(seen)
        while stack:
            state = stack.pop()
            targets = self.eps[state]
            if at_start and self.at_start[state]:
                targets = targets + self.at_start[state]
            if at_end and self.at_end[state]:
                targets = targets + self.at_end[state]
            for target in targets:
                if target not in seen:
                    seen.add(target)
                    stack.append(target)
        return frozenset(seen)


class _Builder:
    """Parsed ``re`` syntax to NFA fragments: ``build(items, state)`` returns the end state."""

    def __init__(self, dotall: bool) -> None:
        self.nfa = Nfa()
        self.dotall = dotall
        self.dollars: list[int] = []

    def sequence(self, items: Iterable[tuple[Any, Any]], state: int) -> int:
        for op, av in items:
            state = self.item(op, av, state)
        return state

    def item(self, op: Any, av: Any, state: int) -> int:
        nfa = self.nfa
        if op is _sre.LITERAL:
            return nfa.step(state, ((av, av),))
        if op is _sre.NOT_LITERAL:
            return nfa.step(state, complement(((av, av),)))
        if op is _sre.IN:
            return nfa.step(state, _class(av))
        if op is _sre.ANY:
            return nfa.step(state, EVERYTHING if self.dotall else complement(NEWLINE))
        if op is _sre.SUBPATTERN:
            _group, add_flags, del_flags, items = av
            if add_flags or del_flags:
                raise Unsupported("inline flags")
            return self.sequence(items, state)
        if op is _sre.BRANCH:
            end = nfa.new()
            for items in av[1]:
                start = nfa.new()
                nfa.eps[state].append(start)
                nfa.eps[self.sequence(items, start)].append(end)
            return end
        if op is _sre.MAX_REPEAT or op is _sre.MIN_REPEAT:  # laziness does not change fullmatch
            low, high, items = av
            return self.repeat(low, high, items, state)
        if op is _sre.AT:
            target = nfa.new()
            if av in (_sre.AT_BEGINNING, _sre.AT_BEGINNING_STRING):
                nfa.at_start[state].append(target)
            elif av in (_sre.AT_END, _sre.AT_END_STRING):
                nfa.at_end[state].append(target)
                if av is _sre.AT_END:
                    self.dollars.append(target)
            else:
                raise Unsupported(f"anchor {av}")
            return target
        raise Unsupported(f"regex construct {op}")

    def repeat(self, low: int, high: int, items: list[tuple[Any, Any]], state: int) -> int:
        nfa = self.nfa
        for _ in range(low):
            state = self.sequence(items, state)
        if high is _sre.MAXREPEAT:
            loop, end = nfa.new(), nfa.new()
            nfa.eps[state].append(loop)
            nfa.eps[self.sequence(items, loop)].append(loop)
            nfa.eps[loop].append(end)
            return end
        # Nested optionals (exit after any copy), so closures stay small.
        exits = [state]
        for _ in range(high - low):
            state = self.sequence(items, state)
            exits.append(state)
        end = nfa.new()
        for each in exits:
            nfa.eps[each].append(end)
        return end

    def check_dollars(self) -> None:
        """``$`` also matches before a final newline; that only matters when the
        pattern can consume something after it, which is refused."""
        nfa = self.nfa
        for state in self.dollars:
            for reached in nfa.closure([state], at_start=True, at_end=True):
                if nfa.edges[reached]:
                    raise Unsupported("'$' before more pattern")


def _class(items: list[tuple[Any, Any]]) -> Ranges:
    pairs: list[tuple[int, int]] = []
    negate = False
    for op, av in items:
        if op is _sre.NEGATE:
            negate = True
        elif op is _sre.LITERAL:
            pairs.append((av, av))
        elif op is _sre.RANGE:
            pairs.append(av)
        else:  # CATEGORY (\d, \w, \s in Unicode mode) and the rest
            raise Unsupported(f"class item {op}")
    ranges = normalize(pairs)
    return complement(ranges) if negate else ranges


def nfa_of(regex: str) -> tuple[Nfa, int, int]:
    """The NFA of a Python regex (meaning what ``re.fullmatch`` means): nfa, start, accept."""
    parsed = _sre.parse(regex)
    harmless = _sre.SRE_FLAG_UNICODE | _sre.SRE_FLAG_DOTALL | _sre.SRE_FLAG_VERBOSE
    flags = parsed.state.flags & ~harmless
    if flags:
        raise Unsupported(f"flags {flags}")
    builder = _Builder(dotall=bool(parsed.state.flags & _sre.SRE_FLAG_DOTALL))
    start = builder.nfa.new()
    accept = builder.sequence(parsed.data, start)
    builder.check_dollars()
    return builder.nfa, start, accept


@attrs.define
class Dfa:
    """State 0 is the start; a code point with no move from a state rejects the value."""

    accepting: list[bool]
    moves: list[list[tuple[Ranges, int]]]
    """Per state: disjoint sets of code points, each with its next state."""

    def loop(self, state: int) -> Ranges:
        """The code points that keep ``state`` where it is (empty if none)."""
        for ranges, target in self.moves[state]:
            if target == state:
                return ranges
        return ()

    def exits(self, state: int) -> list[tuple[Ranges, int]]:
        return [(ranges, target) for ranges, target in self.moves[state] if target != state]


def determinize(nfa: Nfa, start: int, accept: int) -> Dfa:
    """Subset construction; each state's moves come from a sweep over its edges' intervals."""
    first = nfa.closure([start], at_start=True, at_end=False)
    index: dict[tuple[frozenset[int], bool], int] = {(first, True): 0}
    sets = [first]
    accepting: list[bool] = []
    moves: list[list[tuple[Ranges, int]]] = []
    closed: dict[frozenset[int], frozenset[int]] = {}
    work = 0
    while len(moves) < len(sets):
        number = len(moves)
        current = sets[number]
        work += len(current)
        if work > _MAX_DFA_WORK:
            raise Unsupported("automaton too large")
        final = nfa.closure(current, at_start=number == 0, at_end=True)
        accepting.append(accept in final)
        grouped: dict[int, list[tuple[int, int]]] = {}
        for low, high, targets in _sweep(nfa.edges[s] for s in current):
            target_set = closed.get(targets)
            if target_set is None:
                target_set = closed[targets] = nfa.closure(targets, at_start=False, at_end=False)
            key = (target_set, False)
            target = index.get(key)
            if target is None:
                target = index[key] = len(sets)
                sets.append(target_set)
            grouped.setdefault(target, []).append((low, high))
        moves.append([(normalize(pairs), target) for target, pairs in grouped.items()])
    return Dfa(accepting, moves)


def _sweep(
    edge_lists: Iterable[list[tuple[Ranges, int]]],
) -> list[tuple[int, int, frozenset[int]]]:
    """Split the alphabet where any edge starts or stops: (low, high, targets) pieces."""
    events: list[tuple[int, int, int]] = []
    for edges in edge_lists:
        for ranges, target in edges:
            for low, high in ranges:
                events.append((low, 1, target))
                events.append((high + 1, -1, target))
    events.sort()
    pieces: list[tuple[int, int, frozenset[int]]] = []
    active: dict[int, int] = {}
    i = 0
    while i < len(events):
        point = events[i][0]
        while i < len(events) and events[i][0] == point:
            _, delta, target = events[i]
            count = active.get(target, 0) + delta
            if count:
                active[target] = count
            else:
                del active[target]
            i += 1
        if active:
            pieces.append((point, events[i][0] - 1, frozenset(active)))
    return pieces


def minimize(dfa: Dfa) -> Dfa:
    """Hopcroft's partition refinement; unreachable-to-accept states disappear.

    The alphabet is cut into *classes*: code points every state moves on alike
    (for ``\\p{L}`` that is two classes, not thousands of intervals).
    """
    count = len(dfa.moves)
    dead = count  # an explicit sink, so every state moves on every class
    charsets = sorted({ranges for moves in dfa.moves for ranges, _ in moves})
    number = {ranges: i for i, ranges in enumerate(charsets)}
    signature_class: dict[frozenset[int], int] = {}
    classes_of: list[list[int]] = [[] for _ in charsets]
    for _, _, members in _sweep([[(ranges, number[ranges]) for ranges in charsets]]):
        if members not in signature_class:
            signature_class[members] = len(signature_class)
            for charset in members:
                classes_of[charset].append(signature_class[members])
    classes = len(signature_class) + 1  # plus the class of code points no move mentions
    # predecessors[c][t]: states that move to t on class c
    predecessors: list[dict[int, list[int]]] = [{} for _ in range(classes)]
    for state in range(count + 1):
        target_of = [dead] * classes
        for ranges, target in dfa.moves[state] if state < count else ():
            for c in classes_of[number[ranges]]:
                target_of[c] = target
        for c, target in enumerate(target_of):
            predecessors[c].setdefault(target, []).append(state)

    accepting = {s for s in range(count) if dfa.accepting[s]}
    blocks = [b for b in (accepting, set(range(count + 1)) - accepting) if b]
    block_of = [0] * (count + 1)
    for b, block in enumerate(blocks):
        for s in block:
            block_of[s] = b
    pending = set(range(len(blocks)))
    while pending:
        splitter = list(blocks[pending.pop()])
        for c in range(classes):
            incoming = predecessors[c]
            hit: dict[int, set[int]] = {}
            for target in splitter:
                for source in incoming.get(target, ()):
                    hit.setdefault(block_of[source], set()).add(source)
            for b, inside in hit.items():
                if len(inside) == len(blocks[b]):
                    continue
                outside = blocks[b] - inside
                smaller, larger = sorted((inside, outside), key=len)
                blocks[b] = larger
                blocks.append(smaller)
                new = len(blocks) - 1
                for s in smaller:
                    block_of[s] = new
                # b, if pending, stays pending (as the larger half); either way the
                # smaller half is enough to split by (Hopcroft's trick).
                pending.add(new)
    return _quotient(dfa, block_of, dead)


def _quotient(dfa: Dfa, block_of: list[int], dead: int) -> Dfa:
    """The automaton of the blocks, numbered breadth-first from the start, sink left out."""
    sink = block_of[dead]
    representative: dict[int, int] = {}
    for state in range(len(dfa.moves)):
        representative.setdefault(block_of[state], state)
    order = {block_of[0]: 0}
    queue = [block_of[0]]
    accepting: list[bool] = []
    moves: list[list[tuple[Ranges, int]]] = []
    for block in queue:
        if block == sink:  # the value is rejected whatever follows: no state
            return Dfa([False], [[]])
        state = representative[block]
        accepting.append(dfa.accepting[state])
        grouped: dict[int, list[tuple[int, int]]] = {}
        for ranges, target in dfa.moves[state]:
            target_block = block_of[target]
            if target_block == sink:
                continue
            if target_block not in order:
                order[target_block] = len(queue)
                queue.append(target_block)
            grouped.setdefault(order[target_block], []).extend(ranges)
        moves.append([(normalize(pairs), target) for target, pairs in sorted(grouped.items())])
    return Dfa(accepting, moves)


def minimal_dfa(regex: str) -> Dfa:
    """The minimal DFA of ``re.fullmatch(regex, ...)``; raises :class:`Unsupported`."""
    return minimize(determinize(*nfa_of(regex)))
