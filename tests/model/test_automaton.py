"""Patterns are matched in linear time and mean exactly what ``re.fullmatch`` means."""

from __future__ import annotations

import functools
import itertools
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_patterns import MODEL_PATTERNS

from personalize_fake._model import automaton
from personalize_fake._model.automaton import (
    TOP,
    Ranges,
    Unsupported,
    complement,
    minimal_dfa,
    normalize,
)
from personalize_fake._model.linear import DfaMatcher, linear, to_regex
from personalize_fake._model.patterns import compile_java, translate

EXTRA = "\n\r \x00:aZ9é\u2028\U0001f600"
"""Characters every generated text may use besides the pattern's own."""


@functools.cache
def reference(java: str) -> Any:
    return re.compile(translate(java)).fullmatch


@functools.cache
def alphabet(java: str) -> list[str]:
    """The pattern's boundary characters (each end of each class, and one past it), and EXTRA."""
    codes: set[int] = set()
    for moves in minimal_dfa(translate(java)).moves:
        for ranges, _ in moves:
            for low, high in ranges:
                codes |= {low - 1, low, high, high + 1}
    boundary = sorted(c for c in codes if 0 <= c <= TOP)
    if len(boundary) > 60:  # \p{L} and friends: a spread of them
        boundary = boundary[:: len(boundary) // 60]
    return sorted({*map(chr, boundary), *EXTRA})


def strategy_id(java: str) -> str:
    return f"{MODEL_PATTERNS[java]}-{compile_java(java).strategy}"


def agree(java: str, value: str) -> None:
    expected = reference(java)(value) is not None
    assert (compile_java(java).fullmatch(value) is not None) is expected, value
    assert (dfa_matcher(java).fullmatch(value) is not None) is expected, value


@functools.cache
def dfa_matcher(java: str) -> DfaMatcher:
    return DfaMatcher(minimal_dfa(translate(java)))


@st.composite
def mutated(draw: st.DrawFn, java: str) -> str:
    """A value of the pattern with a few characters inserted, replaced or deleted."""
    chars = list(draw(st.from_regex(translate(java), fullmatch=True)))
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(chars)))
        edit = draw(st.sampled_from(["insert", "replace", "delete"]))
        if edit != "insert" and at < len(chars):
            del chars[at]
        if edit != "delete":
            chars.insert(at, draw(st.sampled_from(alphabet(java))))
    return "".join(chars)


PATTERNS = sorted(MODEL_PATTERNS)
by_pattern = pytest.mark.parametrize("java", PATTERNS, ids=map(strategy_id, PATTERNS))


class TestModelPatterns:
    """Every pattern of the three models; the test ids say which matcher each one got."""

    @by_pattern
    @settings(max_examples=60, deadline=None)
    @given(data=st.data())
    def test_agrees_with_re_on_values_of_the_pattern(self, java: str, data: st.DataObject) -> None:
        """Values generated from the pattern match, as they do with ``re``."""
        agree(java, data.draw(st.from_regex(translate(java), fullmatch=True)))

    @by_pattern
    @settings(max_examples=100, deadline=None)
    @given(data=st.data())
    def test_agrees_with_re_on_near_misses(self, java: str, data: st.DataObject) -> None:
        """Values of the pattern with a few edits match exactly when ``re`` says they do."""
        agree(java, data.draw(mutated(java)))

    @by_pattern
    @settings(max_examples=100, deadline=None)
    @given(data=st.data())
    def test_agrees_with_re_on_text_of_its_characters(self, java: str, data: st.DataObject) -> None:
        """Text over the pattern's boundary characters matches exactly when ``re`` says so."""
        agree(java, data.draw(st.text(st.sampled_from(alphabet(java)), max_size=24)))

    @pytest.mark.parametrize(
        "shape", ["Arn", "Name", "RoleArn", "S3Location", "TagKey", "EventAttributionSource"]
    )
    def test_the_common_patterns_run_in_re(self, shape: str) -> None:
        """The ARN, name and other common patterns are matched by ``re`` itself (fast)."""
        (java,) = [p for p, where in MODEL_PATTERNS.items() if where.endswith(f".{shape}")]
        assert compile_java(java).strategy == "re"

    @by_pattern
    def test_written_regex_cannot_backtrack(self, java: str) -> None:
        """A written regex has only the linear form: single-class stars, disjoint choices."""
        written = to_regex(minimal_dfa(translate(java)))
        if written is None:
            pytest.skip("run as a DFA")
        assert_linear_form(written)


def assert_linear_form(regex: str) -> None:
    """Every repeat is of one class, followed by nothing it could also take; the first
    characters of a group's alternatives are pairwise disjoint; groups end the regex."""
    sre = automaton._sre

    def first(items: list[tuple[Any, Any]]) -> Ranges:
        if not items:
            return ()
        op, av = items[0]
        if op is sre.BRANCH:
            return normalize(r for alternative in av[1] for r in first(alternative))
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            assert av[0] > 0 or av[1] == 0, "an optional run only ends the regex"
            return first(av[2])
        return nfa_class(op, av)

    def check(items: list[tuple[Any, Any]]) -> None:
        for position, (op, av) in enumerate(items):
            if op is sre.BRANCH:
                assert position == len(items) - 1
                seen: list[tuple[int, int]] = []
                for alternative in av[1]:
                    ranges = first(alternative)
                    assert not _overlap(ranges, tuple(seen))
                    seen = list(normalize([*seen, *ranges]))
                    check(alternative)
            elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
                low, high, body = av
                assert len(body) == 1 and body[0][0] in (sre.LITERAL, sre.IN, sre.NOT_LITERAL)
                if low != high:
                    assert not _overlap(nfa_class(*body[0]), first(items[position + 1 :]))
            else:
                assert op in (sre.LITERAL, sre.IN, sre.NOT_LITERAL), op

    check(list(sre.parse(regex).data))


def nfa_class(op: Any, av: Any) -> Ranges:
    sre = automaton._sre
    if op is sre.LITERAL:
        return ((av, av),)
    if op is sre.NOT_LITERAL:
        return complement(((av, av),))
    return automaton._class(av)


def _overlap(a: Ranges, b: Ranges) -> bool:
    return any(x <= w and v <= y for x, y in a for v, w in b)


HAND_PATTERNS = [
    "",
    "a",
    "a|b",
    "ab|ac",
    "a{2,4}",
    "(?:ab){1,3}",
    "(?:ab){0,50}",
    "(?:ab|cd){0,200}",
    "a{0,3}b?",
    "[a-c]+",
    "[^a]*",
    "a.c",
    "a*b*c*",
    "a*(?:b|c)a*",
    "(a|b)*abb",
    "(?:a|ab)(?:c|bcd)",
    "a?a?a?aaa",
    "[ab]*a[ab]{2}",
    "(?:a*b*)*",
    "(?:a|)+b",
    "a+?b",
    "^a$",
    "^(?:a|b)*$",
    r"\Aa\Z",
    "a$",
    "$",
    "^",
    "^^a",
    "(?:^a|b)c",
    "a(?:b$|c)",
    "(?:a$)?",
    "[\n]a",
    "(?s).a",
    "[\u00e0-\u00ff]+b",
    "[^é]*é",
]
SMALL = "abcd\né"
ALL_SHORT = ["".join(p) for n in range(6) for p in itertools.product(SMALL, repeat=n)]


class TestHandPatterns:
    @pytest.mark.parametrize("regex", HAND_PATTERNS)
    def test_every_short_string_agrees_with_re(self, regex: str) -> None:
        """Both matchers accept exactly what ``re.fullmatch`` accepts (all strings up to 5 long)."""
        expected = re.compile(regex).fullmatch
        chosen, _ = linear(regex)
        simulated = DfaMatcher(minimal_dfa(regex)).fullmatch
        for value in ALL_SHORT:
            truth = expected(value) is not None
            assert (chosen(value) is not None) is truth, value
            assert (simulated(value) is not None) is truth, value

    @pytest.mark.parametrize(
        ("regex", "states"),
        [
            ("a|b", 2),
            ("a{2,4}", 5),
            ("[a-c]+", 2),
            ("(a|b)*abb", 4),
            ("a*a*a*", 1),
            ("[^\\x00-\\U0010ffff]", 1),
        ],
    )
    def test_the_dfa_is_minimal(self, regex: str, states: int) -> None:
        """Equivalent states are merged (and the rejecting sink is left out)."""
        assert len(minimal_dfa(regex).moves) == states

    @pytest.mark.parametrize(
        ("regex", "written"),
        [
            (r".*:.*:.+", r"[^\x0a:]*:[^\x0a:]*:[^\x0a][^\x0a]*"),
            ("[0-9]{12}", "[0-9]{12}"),
            ("x{0,1500}", "x{0,1500}"),
            (r"[ab]*[bc]+", None),
            ("(a|b)*abb", None),
            ("a?b", "(?:ab|b)"),
            ("", ""),
        ],
    )
    def test_written_forms(self, regex: str, written: str | None) -> None:
        """The form a DFA is written back in, or None when it has cycles beyond self-loops."""
        assert to_regex(minimal_dfa(regex)) == written

    @pytest.mark.parametrize("regex", ["(a|b)*abb", "(?:ab){0,600}", "[ab]*a[ab]{8}"])
    def test_large_or_cyclic_automata_run_as_dfa(self, regex: str) -> None:
        """A DFA with real cycles, or too large to write out, is simulated instead."""
        assert linear(regex)[1] == "dfa"

    @pytest.mark.parametrize(
        "regex",
        [r"(a)\1", "(?=a)a", "(?!b)a", r"\ba", "(?i)a", r"\d", "a(?:$\n)", r"(?<=a)b"],
    )
    def test_constructs_outside_the_automaton_keep_re(self, regex: str) -> None:
        """What is not a plain regular language is refused by the builder and left to ``re``."""
        with pytest.raises(Unsupported):
            minimal_dfa(regex)
        assert linear(regex)[1] == "backtracking"

    def test_class_arithmetic(self) -> None:
        """Intervals merge when they touch, and complements cover the rest of Unicode."""
        assert normalize([(5, 9), (0, 2), (3, 4), (20, 20)]) == ((0, 9), (20, 20))
        assert complement(((0, 9), (20, 20))) == ((10, 19), (21, TOP))
        assert complement(()) == ((0, TOP),)
