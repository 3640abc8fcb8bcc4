"""Java regexes from the models, translated for Python's ``re``, behave as Java's do."""

from __future__ import annotations

import functools
import time
import unicodedata
from typing import Any

import botocore
import botocore.session
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from personalize_fake._model import patterns
from personalize_fake._model.catalog import SERVICE_NAMES
from personalize_fake._model.patterns import compile_java, translate


def _model_patterns() -> dict[str, str]:
    """Every distinct pattern in the three models, keyed by a shape that uses it."""
    session = botocore.session.get_session()
    found: dict[str, str] = {}
    for service in SERVICE_NAMES:
        model = session.get_service_model(service)
        for name in model.shape_names:
            pattern = model.shape_for(name).metadata.get("pattern")
            if pattern is not None:
                found.setdefault(pattern, f"{service}.{name}")
    return found


MODEL_PATTERNS = _model_patterns()


def _botocore_version() -> tuple[int, ...]:
    return tuple(int(part) for part in botocore.__version__.split(".")[:2])


NAME = r"^[a-zA-Z0-9][a-zA-Z0-9\-_]*"
ARN = r"arn:([a-z\d-]+):personalize:.*:.*:.+"
ROLE_ARN = r"arn:([a-z\d-]+):iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+"
S3 = r"(s3|http|https)://.+"
NEXT_TOKEN = r"\p{ASCII}{0,1500}"
TAG = r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$"
ATTRIBUTE = r"[A-Za-z\d_]+"
SCHEDULE = r"rate\(\d+ days?\)"
ARABIC_DIGITS = "١٢٣٤٥٦٧٨٩٠١٢"  # twelve Arabic-Indic digits: Unicode Nd, not Java's \d

TAG_CHARACTERS = "_.:/=+-@"


def matches(pattern: str, value: str) -> bool:
    return compile_java(pattern).fullmatch(value) is not None


class TestModelPatterns:
    def test_the_models_have_the_patterns_these_tests_name(self) -> None:
        """The named patterns below are the models' own, so the cases test real constraints
        (the nextToken and schedule patterns came after botocore 1.34, the oldest supported)."""
        newer = (NEXT_TOKEN, SCHEDULE) if _botocore_version() >= (1, 44) else ()
        for pattern in (NAME, ARN, ROLE_ARN, S3, TAG, ATTRIBUTE, *newer):
            assert pattern in MODEL_PATTERNS

    @pytest.mark.parametrize("pattern", sorted(MODEL_PATTERNS), ids=MODEL_PATTERNS.get)
    def test_every_model_pattern_compiles(self, pattern: str) -> None:
        """Each pattern of the three models translates and compiles to a linear-time matcher."""
        assert compile_java(pattern).strategy in ("re", "dfa")


JAVA_CASES = [
    # \p{L}, \p{N}, \p{Z} are Unicode categories, as in Java
    ("letter-e-acute", TAG, "é", True),
    ("letter-sharp-s", TAG, "ß", True),
    ("letter-cjk", TAG, "中文", True),
    ("letter-greek-upper", TAG, "Ω", True),
    ("letter-astral", TAG, "\U0001d400", True),
    ("number-arabic-indic", TAG, "٣", True),
    ("number-roman", TAG, "Ⅻ", True),
    ("number-superscript", TAG, "²", True),
    ("space-nbsp", TAG, "a\u00a0b", True),
    ("space-ideographic", TAG, "\u3000", True),
    ("line-separator", TAG, "\u2028", True),
    ("tag-punctuation", TAG, "aws:key/a=b+c-d@e_f.g", True),
    ("tag-empty", TAG, "", True),
    ("tab-is-not-z", TAG, "a\tb", False),
    ("newline-is-not-z", TAG, "a\nb", False),
    ("mark-is-not-l", TAG, "e\u0301", False),
    ("symbol-is-not-l", TAG, "€", False),
    ("exclamation", TAG, "a!", False),
    # \d, \w, \s are ASCII-only in Java
    ("role-ascii-digits", ROLE_ARN, "arn:aws:iam::123456789012:role/r", True),
    ("role-arabic-digits", ROLE_ARN, f"arn:aws:iam::{ARABIC_DIGITS}:role/r", False),
    ("attribute-arabic-digit", ATTRIBUTE, "a٣", False),
    ("attribute-ascii", ATTRIBUTE, "a_3", True),
    ("schedule-fullwidth-digit", SCHEDULE, "rate(\uff17 days)", False),
    ("schedule", SCHEDULE, "rate(7 days)", True),
    ("schedule-one-day", SCHEDULE, "rate(1 day)", True),
    # \p{ASCII}
    ("ascii-del", NEXT_TOKEN, "\x7f", True),
    ("ascii-latin1", NEXT_TOKEN, "é", False),
    ("ascii-at-bound", NEXT_TOKEN, "a" * 1500, True),
    ("ascii-over-bound", NEXT_TOKEN, "a" * 1501, False),
    # '.' is not a line terminator
    ("dot-newline", ARN, "arn:aws:personalize:us-east-1:1:x/a\nb", False),
    ("dot-carriage-return", ARN, "arn:aws:personalize:us-east-1:1:x/a\rb", False),
    ("dot-next-line", S3, "s3://a\u0085b", False),
    ("dot-line-separator", S3, "s3://a\u2028b", False),
    ("dot-paragraph-separator", S3, "s3://a\u2029b", False),
    ("dot-tab", S3, "s3://a\tb", True),
    ("dot-astral", S3, "s3://\U0001f600", True),
    # the whole value must match (Java's matches())
    ("name", NAME, "my-name_1", True),
    ("name-leading-dash", NAME, "-name", False),
    ("name-space", NAME, "my name", False),
    ("name-prefix-only", NAME, "name!", False),
    ("name-trailing-newline", NAME, "name\n", False),
    ("tag-trailing-newline", TAG, "key\n", False),
    ("arn-trailing-newline", ARN, "arn:aws:personalize:us-east-1:1:x/a\n", False),
    ("s3-scheme-mid-string", S3, "see s3://bucket", False),
]


class TestJavaSemantics:
    @pytest.mark.parametrize(
        ("pattern", "value", "expected"),
        [case[1:] for case in JAVA_CASES],
        ids=[case[0] for case in JAVA_CASES],
    )
    def test_model_patterns_match_like_java(self, pattern: str, value: str, expected: bool) -> None:
        """A model pattern accepts exactly what the service's Java regex accepts."""
        assert matches(pattern, value) is expected

    @pytest.mark.parametrize(
        ("java", "value", "expected"),
        [
            (r"\w+", "é", False),
            (r"\w+", "a_1", True),
            (r"\W", "é", True),
            (r"\s", "\u00a0", False),
            (r"\s", "\x0b", True),
            (r"\S", "\u00a0", True),
            (r"\d", "٣", False),
            (r"\D", "٣", True),
            (r"[\d\s]+", "1 2", True),
            (r"[\d]+", "٣", False),
            (r"\P{L}", "é", False),
            (r"\P{L}", "1", True),
            (r"\p{IsL}+", "Ωé", True),
            (r"\p{Lu}+", "ÀB", True),
            (r"\p{Lu}", "à", False),
            (r"\p{Nd}", "٣", True),
            (r"\p{Nd}", "²", False),
            (r"\p{Zs}", "\u2028", False),
            (r"\p{Alpha}", "é", False),
            (r"\p{Alnum}+", "a1", True),
            (r"\p{Punct}+", "!-]\\", True),
            (r"[]a]+", "]a", True),
            (r"[^]a]", "b", True),
            (r"[^]a]", "]", False),
            (r"a.c", "a\nc", False),
            (r"[.]", "\n", False),
            (r"[.]", ".", True),
        ],
    )
    def test_translation_rules(self, java: str, value: str, expected: bool) -> None:
        """Shorthands, categories, POSIX classes, '.' and class edges, one by one."""
        assert matches(java, value) is expected

    @pytest.mark.parametrize("java", [r"\p{InGreek}", r"\p{IsLatin}", r"[\P{L}]", r"[\D]"])
    def test_unsupported_constructs_fail_loudly(self, java: str) -> None:
        """A construct the translation cannot honour raises instead of matching wrongly."""
        with pytest.raises(ValueError):
            translate(java)

    @settings(max_examples=100, deadline=None)
    @given(st.text(max_size=12))
    def test_tag_pattern_is_the_unicode_category_rule(self, value: str) -> None:
        """TagKey/TagValue accept a string iff every character is L, Z, N or listed punctuation."""
        oracle = all(unicodedata.category(ch)[0] in "LZN" or ch in TAG_CHARACTERS for ch in value)
        assert matches(TAG, value) is oracle

    @settings(max_examples=100, deadline=None)
    @given(st.text(alphabet="aZ09-_ é\n٣!", max_size=8))
    def test_name_pattern_is_ascii_alnum_then_dash_underscore(self, value: str) -> None:
        """Name accepts an ASCII letter or digit followed by ASCII letters, digits, '-', '_'."""
        ascii_alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        oracle = bool(value) and value[0] in ascii_alnum
        oracle = oracle and all(ch in ascii_alnum + "-_" for ch in value[1:])
        assert matches(NAME, value) is oracle


class TestHostileValues:
    def test_an_overlong_arn_that_backtracked_for_seconds(self, personalize: Any) -> None:
        """The cubic ARN pattern's worst value (within 4 times the maximum, so its pattern is
        still checked) is answered with both of its violations."""
        arn = "arn:aws:personalize:" + ":" * 1000 + "\n"
        with pytest.raises(personalize.exceptions.InvalidInputException) as caught:
            personalize.describe_dataset_group(datasetGroupArn=arn)
        shown = f"Value '{arn}' at 'datasetGroupArn' failed to satisfy constraint: "
        assert caught.value.response["Error"]["Message"] == (
            f"2 validation errors detected: {shown}Member must have length less than or "
            f"equal to 256; {shown}Member must satisfy regular expression pattern: {ARN}"
        )

    def test_a_placed_matcher_is_replaced_by_the_built_one(self) -> None:
        """Generated code's slot for a pattern holds the stand-in, then, once any first use
        built the matcher, the built one itself (one lazy build, no per-call indirection)."""
        pattern = patterns.JavaPattern(ARN)
        slots: dict[str, Any] = {}
        pattern.place(slots, "m")
        assert slots["m"] == pattern._first_match
        assert pattern.fullmatch("arn:aws:personalize:::x")
        assert slots["m"] is pattern.fullmatch != pattern._first_match
        later: dict[str, Any] = {}
        pattern.place(later, "m")
        assert later["m"] is pattern.fullmatch

    def test_matchers_are_built_on_first_use(self) -> None:
        """Making a pattern's matcher builds nothing (validators are made per operation);
        its first match does, once."""
        pattern = patterns.JavaPattern(ARN)
        assert pattern.fullmatch == pattern._first_match
        assert pattern.fullmatch("arn:aws:personalize:::x")
        built = pattern.fullmatch
        assert built != pattern._first_match
        assert pattern.strategy == "re"
        assert pattern.fullmatch is built


@functools.cache
def _categories() -> list[str]:
    return list(map(unicodedata.category, patterns._all_code_points()))


class TestCategoryClasses:
    @pytest.mark.parametrize("prefix", ["L", "N", "Z", "Lu", "Nd", "Zs", "Cc"])
    def test_ranges_are_exactly_the_unicode_category(self, prefix: str) -> None:
        """The class of \\p{X} holds every code point of category X and nothing else."""
        expected = [cp for cp, found in enumerate(_categories()) if found.startswith(prefix)]
        got = [
            cp for start, end in patterns._category_ranges(prefix) for cp in range(start, end + 1)
        ]
        assert got == expected

    def test_all_code_points(self) -> None:
        """The helper string is every code point in order, surrogates included."""
        text = patterns._all_code_points()
        assert len(text) == 0x110000
        assert [ord(text[cp]) for cp in (0, 0x41, 0xD800, 0xFFFF, 0x10000, 0x10FFFF)] == [
            0,
            0x41,
            0xD800,
            0xFFFF,
            0x10000,
            0x10FFFF,
        ]

    def test_building_the_letter_class_is_quick(self) -> None:
        """\\p{L} is built in well under 0.3 s (a naive walk of 1.1M code points takes ~0.5 s)."""
        best = float("inf")
        for _ in range(3):
            patterns._category_class.cache_clear()
            start = time.perf_counter()
            patterns._category_class("L")
            best = min(best, time.perf_counter() - start)
        assert best < 0.3, f"building \\p{{L}} took {best:.3f} s"

    def test_classes_are_cached(self) -> None:
        """A class is built once per process: the second translation reuses it."""
        translate(TAG)
        start = time.perf_counter()
        translate(TAG)
        assert time.perf_counter() - start < 0.05
