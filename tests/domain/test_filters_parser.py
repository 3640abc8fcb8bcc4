"""The filter expression parser alone: every documented expression, every construct, every
limit, and refusals that say where and why."""

from __future__ import annotations

import contextlib
import re

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from personalize_fake._domain.filter_parser import parse_filter
from personalize_fake._domain.filters import (
    And,
    AnyEventType,
    Column,
    Condition,
    Current,
    Expression,
    FilterTree,
    Number,
    Op,
    Or,
    Placeholder,
    Rules,
    Strings,
)
from personalize_fake._errors import InvalidInput

DEFAULT = Rules(max_placeholders=25, max_placeholder_name=50)
"""The limits the API passes in: filterValues' bounds, from personalize-runtime's model."""

REAL = {
    "01": "EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ($EVENT_TYPE)",
    "02": 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click", "stream")',
    "03": 'INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")',
    "04": 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchased")',
    "05a": 'INCLUDE ItemID WHERE Interaction.event_type IN ("*")',
    "05b": 'INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("*")',
    "06": "EXCLUDE ItemID WHERE Items.CATEGORY IN ($CATEGORY)",
    "07": "INCLUDE ItemID WHERE Items.PRICE < CurrentItem.PRICE"
    " AND Items.GENRE IN CurrentItem.GENRE",
    "08a": 'EXCLUDE ItemID WHERE Items.CATEGORY_L1 IN ("shoe")'
    ' AND Items.CATEGORY_L2 NOT IN ("boot")',
    "08b": 'EXCLUDE ItemID WHERE Items.CATEGORY IN ("shoe") AND Items.DESCRIPTION NOT IN ("boot")',
    "09": "INCLUDE ItemID WHERE Items.PRICE <= $PRICE",
    "10": "INCLUDE ItemID WHERE Items.CREATION_TIMESTAMP < $DATE",
    "11": "INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)",
    "12": "INCLUDE ItemID WHERE Items.PRICE < CurrentItem.PRICE"
    " AND Items.CREATION_TIMESTAMP > $DATE",
    "13a": "INCLUDE ItemID WHERE Items.NUMBER_OF_DOWNLOADS < 20",
    "13b": "INCLUDE ItemID WHERE Items.NUMBER_OF_DOWNLOADS = $NUMBER_OF_DOWNLOADS",
    "14": 'INCLUDE ItemID WHERE Items.OWNER IN ("in-house")',
    "15": 'INCLUDE ItemID WHERE Items.CATEGORY IN ("clothing") AND Items.AVAILABLE IN ("True")',
    "16": "EXCLUDE ItemID WHERE Items.GENRE IN ($GENRE) IF CurrentUser.AGE = $AGE",
    "17a": 'INCLUDE ItemID WHERE Items.CATEGORY_L1 IN ("watch") AND Items.CATEGORY_L2 IN ("luxury")'
    " IF CurrentUser.AGE > 18",
    "17b": 'INCLUDE ItemID WHERE Items.CATEGORY IN ("watch") AND Items.DESCRIPTION IN ("luxury")'
    " IF CurrentUser.AGE > 18",
    "18": "EXCLUDE ItemID WHERE Items.NUMBER_OF_DOWNLOADS < 20"
    " IF CurrentUser.AGE > 18 AND CurrentUser.AGE < 30",
    "19": "INCLUDE UserID WHERE Users.MEMBERSHIP_STATUS IN ($MEMBERSHIP)",
    "20": "EXCLUDE UserID WHERE Users.AGE < $AGE",
    "21a": 'INCLUDE UserID WHERE Interactions.EVENT_TYPE IN ("click", "rating")',
    "21b": 'INCLUDE UserID WHERE Interactions.EVENT_TYPE IN ("click, rating")',
    "22": "EXCLUDE UserID WHERE Interactions.EVENT_TYPE IN ($EVENT_TYPE)",
    "23": 'exclude UserId where users.country in ("England", "Japan購入")',
    "24": "INCLUDE ActionID WHERE Action_Interactions.EVENT_TYPE IN ($EVENT_TYPE)",
    "25": 'EXCLUDE ActionID WHERE Action_Interactions.EVENT_TYPE IN ("NOT_TAKEN")',
    "26": "EXCLUDE ActionID WHERE Actions.CATEGORY IN ($CATEGORY)",
    "27": "INCLUDE ActionID WHERE Actions.VALUE > ($VALUE)",
    "28": 'INCLUDE ActionID WHERE Action.MEMBERSHIP_LEVEL IN ("Premium")'
    " IF CurrentUser.MEMBERSHIP = $PREMIUM",
    "29": "EXCLUDE ActionID WHERE Actions.VALUE < ($VALUE) IF CurrentUser.MEMBERSHIP = $PREMIUM",
    "30": "INCLUDE ItemID WHERE Items.CATEGORY IN ($CATEGORY)"
    ' | INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("favorite")',
    "31": "INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)"
    ' | EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click", "stream")',
    "32": "INCLUDE ItemID WHERE Items.ARTICLE_GENRE IN ($GENRELIST) AND Items.CREATION_TIMESTAMP"
    ' > $CUTOFF | EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("*")',
    "33a": 'EXCLUDE itemId WHERE INTERACTIONS.event_type in ("Purchase")',
    "33b": "INCLUDE ItemID WHERE Items.CATEGORY_L1 IN ($CATEGORY)",
    "34a": "INCLUDE ItemID WHERE Items.GENRES IN ($GENRE)",
    "34b": 'INCLUDE ItemID WHERE Items.PROMOTION IN ("true")',
    "34c": "INCLUDE ItemID WHERE Items.YEAR >= $YEAR1 AND Items.YEAR < $YEAR2",
    "34d": 'INCLUDE ItemID WHERE Interactions.event_type IN ("Watch")',
    "34e": 'EXCLUDE ItemID WHERE Interactions.event_type IN ("Watch")',
}
"""Every expression of shared/reference/filters.md §5 (items 1-34; a letter where an item
shows several), as AWS's docs print them or as real filters reached ACTIVE."""


def refusal(text: str, rules: Rules = DEFAULT) -> str:
    with pytest.raises(InvalidInput) as exc:
        parse_filter(text, rules)
    return exc.value.message


def where(text: str) -> int:
    """The character position a refusal names."""
    found = re.search(r"\(at character (\d+)\)$", text)
    assert found is not None, text
    return int(found.group(1))


@pytest.mark.parametrize("text", REAL.values(), ids=REAL.keys())
def test_every_documented_expression_parses(text: str) -> None:
    """Each expression AWS documents or real filters used parses under the default rules."""
    tree = parse_filter(text, DEFAULT)
    assert tree.expressions
    assert parse_filter(text) == tree  # the permissive re-parse gives the same tree


def test_the_documented_rejection_is_refused_with_aws_text() -> None:
    """Item 35, a placeholder after NOT IN, is refused with the error page's text."""
    message = refusal("INCLUDE ItemID WHERE Items.GENRE NOT IN ($GENRE)")
    assert message.startswith(
        "Could not create filter. Invalid input symbol: $GENRE. "
        "Placeholders are not allowed with NOT_IN operator."
    )
    assert where(message) == 42


def cond(dataset: str, name: str, op: Op, operand: object) -> Condition:
    return Condition(Column(dataset, name), op, operand)  # type: ignore[arg-type]


class TestTree:
    def test_in_a_list_of_strings(self) -> None:
        """INCLUDE ItemID WHERE Items.X IN ("a", "b"): one condition, strings kept as written."""
        tree = parse_filter('INCLUDE ItemID WHERE Items.GENRE IN ("Comedy", "a b,c")')
        assert tree == FilterTree(
            (
                Expression(
                    "INCLUDE",
                    "ItemID",
                    cond("ITEMS", "GENRE", Op.IN, Strings(("Comedy", "a b,c"))),
                ),
            )
        )

    def test_keywords_and_datasets_in_any_case(self) -> None:
        """Keywords, targets and dataset names are canonical in the tree; fields as written."""
        tree = parse_filter('exclude USERID where USERS.country NOT in ("x")')
        (expression,) = tree.expressions
        assert (expression.action, expression.target) == ("EXCLUDE", "UserID")
        assert expression.where == cond("USERS", "country", Op.NOT_IN, Strings(("x",)))

    @pytest.mark.parametrize(
        ("text", "op"),
        [("=", Op.EQ), ("!=", Op.NE), ("<", Op.LT), ("<=", Op.LE), (">", Op.GT), (">=", Op.GE)],
    )
    def test_each_comparison(self, text: str, op: Op) -> None:
        """=, !=, <, <=, > and >= each compare with a number."""
        tree = parse_filter(f"INCLUDE ItemID WHERE Items.PRICE {text} 9.5")
        assert tree.expressions[0].where == cond("ITEMS", "PRICE", op, Number(9.5))

    @pytest.mark.parametrize(
        ("operand", "expected"),
        [
            ("-3", Number(-3)),
            ("$P", Placeholder("P")),
            ("($P)", Placeholder("P")),
            ("(7)", Number(7)),
        ],
    )
    def test_comparison_operands(self, operand: str, expected: object) -> None:
        """A comparison takes a number, a placeholder (in parentheses or not) or, with = and
        !=, a quoted string."""
        tree = parse_filter(f"INCLUDE ItemID WHERE Items.LEVEL = {operand}")
        assert tree.expressions[0].where == cond("ITEMS", "LEVEL", Op.EQ, expected)

    def test_and_binds_tighter_than_or(self) -> None:
        """a OR b AND c is a OR (b AND c)."""
        tree = parse_filter(
            'INCLUDE ItemID WHERE Items.A IN ("1") OR Items.B IN ("2") AND Items.C IN ("3")'
        )
        a, b, c = (
            cond("ITEMS", n, Op.IN, Strings((v,))) for n, v in zip("ABC", "123", strict=True)
        )
        assert tree.expressions[0].where == Or((a, And((b, c))))

    def test_current_item_and_if_clause(self) -> None:
        """CurrentItem is compared with in WHERE; CurrentUser conditions are the IF clause."""
        tree = parse_filter(
            "INCLUDE ItemID WHERE Items.GENRE IN CurrentItem.GENRE "
            'IF CurrentUser.AGE >= $AGE AND CurrentUser.TIER IN ("gold")'
        )
        (expression,) = tree.expressions
        assert expression.where == cond("ITEMS", "GENRE", Op.IN, Current("ITEM", "GENRE"))
        assert expression.when == (
            Condition(Current("USER", "AGE"), Op.GE, Placeholder("AGE")),
            Condition(Current("USER", "TIER"), Op.IN, Strings(("gold",))),
        )

    def test_current_action(self) -> None:
        """CurrentAction is to action filters what CurrentItem is to item filters."""
        tree = parse_filter("INCLUDE ActionID WHERE Actions.VALUE > CurrentAction.VALUE")
        operand = tree.expressions[0].where
        assert operand == cond("ACTIONS", "VALUE", Op.GT, Current("ACTION", "VALUE"))

    def test_star_is_every_event_type(self) -> None:
        """EVENT_TYPE IN ("*") is every event type; elsewhere "*" is a plain string."""
        tree = parse_filter('EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("*")')
        assert tree.expressions[0].where == cond(
            "INTERACTIONS", "EVENT_TYPE", Op.IN, AnyEventType()
        )
        tree = parse_filter('EXCLUDE ItemID WHERE Items.GENRE IN ("*")')
        assert tree.expressions[0].where == cond("ITEMS", "GENRE", Op.IN, Strings(("*",)))

    def test_chain_placeholders_and_fields(self) -> None:
        """A chain keeps its expressions in order; placeholders and fields are listed once."""
        tree = parse_filter(REAL["32"])
        assert [e.action for e in tree.expressions] == ["INCLUDE", "EXCLUDE"]
        assert tree.target == "ItemID"
        assert tree.placeholders() == ("GENRELIST", "CUTOFF")
        assert tree.fields() == (
            ("ITEMS", "ARTICLE_GENRE"),
            ("ITEMS", "CREATION_TIMESTAMP"),
            ("INTERACTIONS", "EVENT_TYPE"),
        )

    def test_positions(self) -> None:
        """Fields and placeholders know where they start (1-based), not counted in equality."""
        tree = parse_filter("INCLUDE ItemID WHERE Items.P < $X")
        condition = tree.expressions[0].where
        assert isinstance(condition, Condition)
        assert isinstance(condition.subject, Column) and condition.subject.at == 22
        assert isinstance(condition.operand, Placeholder) and condition.operand.at == 32

    def test_whitespace_anywhere_between_symbols(self) -> None:
        """Newlines, tabs and no spaces at all around punctuation are all taken."""
        tree = parse_filter(
            'INCLUDE\tItemID\nWHERE Items . GENRE NOT\n IN("a","b")|EXCLUDE ItemID WHERE Items.X<=1'
        )
        assert len(tree.expressions) == 2

    def test_singular_dataset_names_are_a_rule(self) -> None:
        """Interaction and Action (as AWS's docs print them) are refused when the rule says."""
        strict = Rules(singular_names=False)
        message = refusal(REAL["28"], strict)
        assert "Invalid input symbol: Action." in message
        assert where(message) == 24


REFUSED = [
    # (expression, symbol named, position, part of the reason)
    ("", "<end of expression>", 1, "starts with INCLUDE or EXCLUDE"),
    ("   ", "<end of expression>", 4, "starts with INCLUDE or EXCLUDE"),
    ('KEEP ItemID WHERE Items.A IN ("x")', "KEEP", 1, "INCLUDE or EXCLUDE"),
    ('INCLUDE Items WHERE Items.A IN ("x")', "Items", 9, "ItemID, UserID or ActionID"),
    ('INCLUDE ItemID Items.A IN ("x")', "Items", 16, "followed by WHERE"),
    ('INCLUDE ItemID WHERE Stuff.A IN ("x")', "Stuff", 22, "Expected a field of a dataset"),
    ('INCLUDE ItemID WHERE Items IN ("x")', "IN", 28, "followed by a dot"),
    ('INCLUDE ItemID WHERE Items.A LIKE ("x")', "LIKE", 30, "Expected IN, NOT IN"),
    ('INCLUDE ItemID WHERE Items.A NOT ("x")', "(", 34, "NOT is followed by IN"),
    ('INCLUDE ItemID WHERE Items.A IN "x"', '"x"', 33, "in parentheses"),
    ("INCLUDE ItemID WHERE Items.A IN (1, 2)", "1", 34, "quote each value"),
    ('INCLUDE ItemID WHERE Items.A IN ("x" "y")', '"y"', 38, "Expected , or )"),
    ('INCLUDE ItemID WHERE Items.A IN ("x", $P)', "$P", 39, "quote each value"),
    ('INCLUDE ItemID WHERE Items.A IN ($P, "x")', ",", 36, "stands alone"),
    ("INCLUDE ItemID WHERE Items.A IN ()", ")", 34, "quote each value"),
    ('INCLUDE ItemID WHERE Items.A IN ("x)', '"x)', 34, "not closed"),
    ("INCLUDE ItemID WHERE Items.A IN ('x')", "'", 34, "not part of the grammar"),
    ("INCLUDE ItemID WHERE Items.A IN ($)", "$", 34, "letters, digits or underscores"),
    ('INCLUDE ItemID WHERE Items.A < "x"', '"x"', 32, "< compares numbers"),
    ('INCLUDE ItemID WHERE Items.A = "x"', '"x"', 32, "= compares numbers; match strings with IN"),
    ('INCLUDE ItemID WHERE Items.A != "x"', '"x"', 33, "!= compares numbers"),
    ("INCLUDE ItemID WHERE Items.A = ", "<end of expression>", 32, "followed by a number"),
    ("INCLUDE ItemID WHERE Items.A = ($P", "<end of expression>", 35, "Expected )"),
    ('INCLUDE ItemID WHERE Items.A = ("x")', '"x"', 33, "number or a $PLACEHOLDER"),
    ('INCLUDE ItemID WHERE Items.A IN ("x") Items.B', "Items", 39, "Expected AND, OR, IF, |"),
    ('INCLUDE ItemID WHERE (Items.A IN ("x"))', "(", 22, "Expected a field of a dataset"),
    ('INCLUDE ItemID WHERE Items.A IN ("x") |', "<end of expression>", 40, "INCLUDE or EXCLUDE"),
    (
        'INCLUDE ItemID WHERE Items.A IN ("x") | EXCLUDE UserID WHERE Users.A IN ("y")',
        "UserID",
        49,
        "one target; the first is ItemID",
    ),
    ('INCLUDE ItemID WHERE Users.A IN ("x")', "Users", 22, "Interactions and Items datasets"),
    ('INCLUDE UserID WHERE Items.A IN ("x")', "Items", 22, "Users and Interactions"),
    ('INCLUDE ActionID WHERE Items.A IN ("x")', "Items", 24, "Action_Interactions and Actions"),
    (
        'INCLUDE ItemID WHERE Items.A IN ("x") AND Interactions.EVENT_TYPE IN ("y")',
        "Interactions",
        43,
        "dataset of the first condition (Items)",
    ),
    ('INCLUDE ItemID WHERE Interactions.ITEM_ID IN ("x")', "ITEM_ID", 35, "only the EVENT_TYPE"),
    ("INCLUDE ItemID WHERE Interactions.EVENT_TYPE = 1", "=", 46, "takes IN or NOT IN"),
    (
        "INCLUDE ActionID WHERE Actions.REPEAT_FREQUENCY < 3",
        "REPEAT_FREQUENCY",
        32,
        "applied by Amazon Personalize",
    ),
    ('INCLUDE ItemID WHERE CurrentUser.A IN ("x")', "CurrentUser", 22, "only in the IF"),
    ("INCLUDE ItemID WHERE Items.A IN CurrentUser.A", "CurrentUser", 33, "only in the IF"),
    ('INCLUDE ItemID WHERE CurrentItem.A IN ("x")', "CurrentItem", 22, "is compared with"),
    ("INCLUDE UserID WHERE Users.A = CurrentItem.A", "CurrentItem", 32, "only in ItemID filters"),
    ("INCLUDE ItemID WHERE Items.A NOT IN CurrentItem.A", "CurrentItem", 37, "in parentheses"),
    ('INCLUDE ItemID WHERE Items.A IN ("x") IF Items.B = 1', "Items", 42, "CurrentUser only"),
    (
        'INCLUDE ItemID WHERE Items.A IN ("x") IF CurrentUser.B = 1 OR CurrentUser.C = 2',
        "OR",
        60,
        "with AND only",
    ),
    (
        'INCLUDE ItemID WHERE Items.A IN ("x") IF CurrentUser.B = 1 IF CurrentUser.C = 2',
        "IF",
        60,
        "only once",
    ),
    ('INCLUDE ItemID WHERE Items.A IN ("x") IF CurrentUser.B NOT IN ("y")', "IN", 60, "IN or a"),
    (
        'INCLUDE ItemID WHERE Items.A IN ("x") IF CurrentUser.B = CurrentItem.B',
        "CurrentItem",
        58,
        "a value or a $PLACEHOLDER",
    ),
    ("INCLUDE ItemID WHERE Items.A = 5 % 2", "%", 34, "not part of the grammar"),
]


@pytest.mark.parametrize(("text", "symbol", "at", "why"), REFUSED, ids=[r[3] for r in REFUSED])
def test_refusals_say_where_and_why(text: str, symbol: str, at: int, why: str) -> None:
    """A bad expression is InvalidInput naming the symbol, its 1-based position and why."""
    message = refusal(text)
    assert message.startswith(f"Could not create filter. Invalid input symbol: {symbol}. ")
    assert why in message
    assert where(message) == at


def test_a_long_symbol_is_shortened_in_the_message() -> None:
    """A huge quoted value is named by its first characters, not all of it."""
    message = refusal(f'INCLUDE ItemID WHERE Items.A < "{"x" * 1000}"')
    assert len(message) < 300


class TestLimits:
    def test_length(self) -> None:
        """A length given is enforced with the length; none is by default (the API leaves it
        to the model's bound on filterExpression, which the dispatcher checks)."""
        bounded = Rules(max_length=2500)
        base = 'INCLUDE ItemID WHERE Items.A IN ("'
        fits = base + "x" * (2500 - len(base) - 2) + '")'
        assert len(parse_filter(fits, bounded).expressions) == 1
        message = refusal(fits[:-2] + 'x")', bounded)
        assert "2501 characters long; it can be at most 2500" in message
        assert len(parse_filter(fits[:-2] + 'x")', DEFAULT).expressions) == 1

    def test_distinct_fields(self) -> None:
        """At most 10 distinct dataset fields across the chain; the 11th is named, with its
        position. A field named again (any case, or as CurrentItem) does not count twice."""
        ten = " AND ".join(f'Items.F{n} IN ("x")' for n in range(10))
        parse_filter(f"INCLUDE ItemID WHERE {ten} AND Items.f0 < CurrentItem.F1", DEFAULT)
        text = f'INCLUDE ItemID WHERE {ten} | EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("x")'
        message = refusal(text)
        assert "Invalid input symbol: Interactions.EVENT_TYPE." in message
        assert "at most 10 distinct dataset fields" in message
        assert where(message) == text.index("Interactions") + 1
        assert parse_filter(text, Rules(max_fields=11))

    def test_if_fields_count(self) -> None:
        """CurrentUser's fields are Users fields, and count toward the limit."""
        text = 'INCLUDE ItemID WHERE Items.A IN ("x") IF CurrentUser.AGE > 1'
        assert "at most 1 distinct" in refusal(text, Rules(max_fields=1))

    def test_distinct_placeholders(self) -> None:
        """At most 25 distinct placeholders; a name used twice counts once; case matters."""
        many = " AND ".join(f"Items.N < $P{n}" for n in range(25))
        unbounded = attrs.evolve(DEFAULT, max_fields=None)
        parse_filter(f"INCLUDE ItemID WHERE {many} AND Items.N > $P0", unbounded)
        message = refusal(f"INCLUDE ItemID WHERE {many} AND Items.N > $p0", unbounded)
        assert "Invalid input symbol: $p0." in message
        assert "at most 25 distinct placeholders" in message

    def test_placeholder_name_length(self) -> None:
        """A placeholder's name is at most 50 characters: the longest filterValues key."""
        parse_filter(f"INCLUDE ItemID WHERE Items.N < ${'A' * 50}", DEFAULT)
        message = refusal(f"INCLUDE ItemID WHERE Items.N < ${'A' * 51}")
        assert "at most 50 characters" in message
        assert where(message) == 32


SYMBOLS = re.findall(
    r"\S+",
    "INCLUDE EXCLUDE ItemID UserID ActionID WHERE IF AND OR IN NOT Items Interactions Users "
    "Actions Action_Interactions Item CurrentUser CurrentItem CurrentAction . , ( ) | = != < "
    '<= > >= $P $Q GENRE EVENT_TYPE AGE 5 -2.5 "x" "*" "" "y',
)
"""Symbols of the language, and a few broken ones, for the parser to take in any order."""


@given(st.lists(st.sampled_from(SYMBOLS), max_size=30))
def test_any_sequence_of_symbols_is_a_tree_or_a_refusal(symbols: list[str]) -> None:
    """Whatever the symbols, the parser gives a tree or InvalidInput, never another error."""
    text = " ".join(symbols)
    try:
        tree = parse_filter(text, DEFAULT)
    except InvalidInput as exc:
        assert 1 <= where(exc.message) <= len(text) + 1
    else:
        assert tree.expressions


@given(st.text(max_size=200))
def test_any_text_is_a_tree_or_a_refusal(text: str) -> None:
    """Any text at all (surrogates, controls, other scripts) is parsed or refused."""
    with contextlib.suppress(InvalidInput):
        parse_filter("INCLUDE ItemID WHERE Items.A IN (" + text, DEFAULT)
