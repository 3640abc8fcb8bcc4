"""The filter expression language: text to :class:`~personalize_fake._domain.filters.FilterTree`.

A tokenizer and a recursive-descent parser of the grammar in docs/filters.md. Keywords,
targets, dataset names and ``Current*`` are taken in any case (real filters reached ACTIVE
as ``EXCLUDE itemId WHERE INTERACTIONS.event_type in (...)``); placeholders and quoted
values are kept as written. Every refusal is InvalidInput whose message names the symbol,
says why, and gives its 1-based character position, opening as AWS's does: "Could not
create filter. Invalid input symbol: ...".
"""

from __future__ import annotations

import functools
import re
from typing import Literal, NamedTuple, NoReturn

from personalize_fake._domain.filters import (
    CURRENT,
    DATASET_NAMES,
    DISPLAY,
    EVENT_DATASETS,
    PERMISSIVE,
    SINGULAR_NAMES,
    TARGET_DATASETS,
    UNFILTERABLE_ACTION_FIELDS,
    And,
    AnyEventType,
    Column,
    Condition,
    Current,
    DatasetType,
    Expression,
    FilterTree,
    Node,
    Number,
    Op,
    Operand,
    Or,
    Placeholder,
    Rules,
    Strings,
    Target,
    conditions,
    spelled,
)
from personalize_fake._errors import InvalidInput

_TOKEN = re.compile(
    r"""
    \s*
    (?:
      (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<param>\$[A-Za-z0-9_]*)
    | (?P<number>-?[0-9]+(?:\.[0-9]+)?)
    | (?P<string>"[^"]*"?)
    | (?P<op><=|>=|!=|<|>|=)
    | (?P<punct>[().,|])
    )
    """,
    re.VERBOSE,
)
TARGETS: dict[str, Target] = {"ITEMID": "ItemID", "USERID": "UserID", "ACTIONID": "ActionID"}
OPS = {op.value: op for op in Op if op not in (Op.IN, Op.NOT_IN)}
END = "end"


class Token(NamedTuple):
    kind: str
    """``word``, ``param``, ``number``, ``string``, ``op``, ``punct``, or :data:`END`."""
    text: str
    at: int
    """1-based character where it starts."""
    upper: str = ""
    """A word in upper case (keywords are taken in any case); "" for other tokens."""

    def symbol(self) -> str:
        if self.kind == END:
            return "<end of expression>"
        return self.text if len(self.text) <= 60 else self.text[:57] + "..."


def fail(token: Token, why: str) -> NoReturn:
    raise InvalidInput(
        f"Could not create filter. Invalid input symbol: {token.symbol()}. {why} "
        f"(at character {token.at})"
    )


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``, then an :data:`END` token; InvalidInput at a stray character."""
    tokens: list[Token] = []
    position = 0
    match = _TOKEN.match(text)
    while match is not None:
        kind = match.lastgroup
        assert kind is not None
        value = match.group(kind)
        token = Token(kind, value, match.start(kind) + 1, value.upper() if kind == "word" else "")
        if kind == "string" and (len(value) == 1 or value[-1] != '"'):
            fail(token, "The quoted string is not closed.")
        if kind == "param" and value == "$":
            fail(token, "A placeholder is $ followed by letters, digits or underscores.")
        tokens.append(token)
        position = match.end()
        match = _TOKEN.match(text, position)
    rest = text[position:].lstrip()
    if rest:
        fail(Token("char", rest[0], len(text) - len(rest) + 1), "It is not part of the grammar.")
    tokens.append(Token(END, "", len(text) + 1))
    return tokens


@functools.lru_cache(maxsize=512)
def parse_filter(text: str, rules: Rules = PERMISSIVE) -> FilterTree:
    """The tree of a filter expression, or InvalidInput saying where and why it is wrong."""
    if rules.max_length is not None and len(text) > rules.max_length:
        raise InvalidInput(
            f"Could not create filter. The expression is {len(text)} characters long; "
            f"it can be at most {rules.max_length}."
        )
    return _Parser(tokenize(text), rules).filter()


class _Parser:
    def __init__(self, tokens: list[Token], rules: Rules) -> None:
        self.tokens = tokens
        self.position = 0
        self.rules = rules

    def peek(self) -> Token:
        return self.tokens[self.position]

    def take(self) -> Token:
        token = self.tokens[self.position]
        if token.kind != END:
            self.position += 1
        return token

    def expect(self, text: str, why: str) -> Token:
        token = self.take()
        if token.text != text or token.kind not in ("punct", "op"):
            fail(token, why)
        return token

    # -- the chain and its expressions ---------------------------------------------------

    def filter(self) -> FilterTree:
        expressions = [self.expression(None)]
        while self.peek().text == "|" and self.peek().kind == "punct":
            self.take()
            expressions.append(self.expression(expressions[0].target))
        token = self.peek()
        if token.kind != END:
            fail(token, "Expected AND, OR, IF, | or the end of the expression.")
        tree = FilterTree(tuple(expressions))
        self.check_limits(tree)
        return tree

    def expression(self, chained: Target | None) -> Expression:
        token = self.take()
        if token.upper not in ("INCLUDE", "EXCLUDE"):
            fail(token, "An expression starts with INCLUDE or EXCLUDE.")
        action: Literal["INCLUDE", "EXCLUDE"] = "INCLUDE" if token.upper == "INCLUDE" else "EXCLUDE"
        token = self.take()
        target = TARGETS.get(token.upper)
        if target is None:
            fail(token, f"{action} is followed by ItemID, UserID or ActionID.")
        if chained is not None and target != chained:
            fail(token, f"Expressions chained with | filter one target; the first is {chained}.")
        if self.take().upper != "WHERE":
            fail(self.tokens[self.position - 1], f"{target} is followed by WHERE.")
        where = self.disjunction(target)
        self.check_datasets(where, target)
        when: tuple[Condition, ...] = ()
        if self.peek().upper == "IF":
            self.take()
            when = self.user_conditions()
        return Expression(action, target, where, when)

    def check_datasets(self, where: Node, target: Target) -> None:
        columns = [c.subject for c in conditions(where) if isinstance(c.subject, Column)]
        first = columns[0]
        allowed = TARGET_DATASETS[target]
        if first.dataset not in allowed:
            names = " and ".join(DISPLAY[d] for d in allowed)
            fail(
                Token("word", DISPLAY[first.dataset], first.at),
                f"{target} filters use the {names} datasets.",
            )
        for column in columns[1:]:
            if column.dataset != first.dataset:
                fail(
                    Token("word", DISPLAY[column.dataset], column.at),
                    "Conditions chained with AND or OR can only use fields of the dataset of "
                    f"the first condition ({DISPLAY[first.dataset]}); chain another expression "
                    "with | instead.",
                )

    # -- WHERE -------------------------------------------------------------------------

    def disjunction(self, target: Target) -> Node:
        terms = [self.conjunction(target)]
        while self.peek().upper == "OR":
            self.take()
            terms.append(self.conjunction(target))
        return terms[0] if len(terms) == 1 else Or(tuple(terms))

    def conjunction(self, target: Target) -> Node:
        terms: list[Node] = [self.condition(target)]
        while self.peek().upper == "AND":
            self.take()
            terms.append(self.condition(target))
        return terms[0] if len(terms) == 1 else And(tuple(terms))

    def condition(self, target: Target) -> Condition:
        token = self.peek()
        if token.upper == "CURRENTUSER":
            fail(
                token, "CurrentUser can be used only in the IF clause at the end of an expression."
            )
        if token.upper in ("CURRENTITEM", "CURRENTACTION"):
            dataset = "Items" if token.upper == "CURRENTITEM" else "Actions"
            fail(token, f"{token.text} is compared with: {dataset}.FIELD IN {token.text}.FIELD.")
        column = self.column()
        op = self.operator()
        if column.dataset in EVENT_DATASETS and op not in (Op.IN, Op.NOT_IN):
            fail(self.tokens[self.position - 1], "EVENT_TYPE takes IN or NOT IN.")
        return Condition(column, op, self.operand(column, op, target))

    def column(self) -> Column:
        token = self.take()
        dataset: DatasetType | None = DATASET_NAMES.get(token.upper)
        if dataset is None and self.rules.singular_names:
            dataset = SINGULAR_NAMES.get(token.upper)
        if dataset is None:
            fail(
                token,
                "Expected a field of a dataset: Interactions, Items, Users, Actions or "
                "Action_Interactions, then a dot and the field's name.",
            )
        self.expect(".", f"A dataset is followed by a dot and a field: {token.text}.FIELD.")
        name = self.field_name()
        if dataset in EVENT_DATASETS and name.upper != "EVENT_TYPE":
            fail(name, f"A filter can use only the EVENT_TYPE field of {DISPLAY[dataset]}.")
        if dataset == "ACTIONS" and name.upper in UNFILTERABLE_ACTION_FIELDS:
            fail(name, f"{name.upper} is applied by Amazon Personalize; a filter cannot use it.")
        return Column(dataset, name.text, token.at)

    def field_name(self) -> Token:
        token = self.take()
        if token.kind != "word":
            fail(token, "Expected the name of a field.")
        return token

    def operator(self) -> Op:
        token = self.take()
        if token.upper == "IN":
            return Op.IN
        if token.upper == "NOT":
            if self.take().upper != "IN":
                fail(self.tokens[self.position - 1], "NOT is followed by IN.")
            return Op.NOT_IN
        if token.kind == "op":
            return OPS[token.text]
        fail(token, "Expected IN, NOT IN, =, !=, <, <=, > or >=.")

    def operand(self, column: Column, op: Op, target: Target) -> Operand:
        token = self.peek()
        if op in (Op.IN, Op.NOT_IN):
            if op is Op.IN and token.upper in ("CURRENTITEM", "CURRENTACTION", "CURRENTUSER"):
                return self.current(target)
            return self.values(op, event_type=column.dataset in EVENT_DATASETS)
        return self.comparand(op, target)

    def values(self, op: Op, *, event_type: bool) -> Strings | AnyEventType | Placeholder:
        self.expect("(", f"{op.value} takes quoted strings or one $PLACEHOLDER in parentheses.")
        token = self.take()
        if token.kind == "param":
            if op is Op.NOT_IN:
                fail(token, "Placeholders are not allowed with NOT_IN operator.")
            self.expect(")", "A placeholder stands alone in its parentheses.")
            return self.placeholder(token)
        values: list[str] = []
        while True:
            if token.kind != "string":
                fail(token, f"{op.value} compares exact strings: quote each value.")
            values.append(token.text[1:-1])
            token = self.take()
            if token.text == ")" and token.kind == "punct":
                break
            if token.text != "," or token.kind != "punct":
                fail(token, "Expected , or ) in the list of values.")
            token = self.take()
        if event_type and "*" in values:
            return AnyEventType()
        return Strings(tuple(values))

    def comparand(self, op: Op, target: Target) -> Operand:
        token = self.take()
        if token.kind == "number":
            return Number(float(token.text) if "." in token.text else int(token.text))
        if token.kind == "param":
            return self.placeholder(token)
        if token.kind == "string":  # the grammar's comparison operands are numbers only
            fail(token, f"{op.value} compares numbers; match strings with IN (...).")
        if token.text == "(" and token.kind == "punct":
            inner = self.take()
            if inner.kind not in ("number", "param"):
                fail(inner, "Expected a number or a $PLACEHOLDER in the parentheses.")
            self.expect(")", "Expected ) after the value.")
            if inner.kind == "param":
                return self.placeholder(inner)
            return Number(float(inner.text) if "." in inner.text else int(inner.text))
        if token.upper.startswith("CURRENT"):
            self.position -= 1
            return self.current(target)
        fail(token, f"{op.value} is followed by a number, a $PLACEHOLDER or CurrentItem.FIELD.")

    def current(self, target: Target) -> Current:
        token = self.take()
        of = token.upper.removeprefix("CURRENT")
        if token.upper == "CURRENTUSER":
            fail(
                token, "CurrentUser can be used only in the IF clause at the end of an expression."
            )
        if of not in CURRENT:
            fail(token, "Expected CurrentItem.FIELD or CurrentAction.FIELD.")
        wanted = "ItemID" if of == "ITEM" else "ActionID"
        if target != wanted:
            fail(token, f"{token.text} can be used only in {wanted} filters.")
        self.expect(".", f"{token.text} is followed by a dot and a field.")
        name = self.field_name()
        return Current("ITEM" if of == "ITEM" else "ACTION", name.text, token.at)

    def placeholder(self, token: Token) -> Placeholder:
        limit = self.rules.max_placeholder_name
        if limit is not None and len(token.text) - 1 > limit:
            fail(token, f"A placeholder's name is at most {limit} characters (a filterValues key).")
        return Placeholder(token.text[1:], token.at)

    # -- IF ----------------------------------------------------------------------------

    def user_conditions(self) -> tuple[Condition, ...]:
        found = [self.user_condition()]
        while self.peek().upper == "AND":
            self.take()
            found.append(self.user_condition())
        token = self.peek()
        if token.upper == "OR":
            fail(token, "An IF clause joins its conditions with AND only.")
        if token.upper == "IF":
            fail(token, "IF can be used only once, at the end of an expression.")
        return tuple(found)

    def user_condition(self) -> Condition:
        token = self.take()
        if token.upper != "CURRENTUSER":
            fail(token, "An IF clause checks fields of CurrentUser only.")
        self.expect(".", "CurrentUser is followed by a dot and a field.")
        name = self.field_name()
        subject = Current("USER", name.text, token.at)
        op = self.operator()
        if op is Op.NOT_IN:
            fail(self.tokens[self.position - 1], "An IF condition takes IN or a comparison.")
        if op is Op.IN:
            return Condition(subject, op, self.values(op, event_type=False))
        if self.peek().upper.startswith("CURRENT"):
            fail(self.peek(), "An IF condition compares with a value or a $PLACEHOLDER.")
        return Condition(subject, op, self.comparand(op, "UserID"))

    # -- limits over the whole chain ----------------------------------------------------

    def check_limits(self, tree: FilterTree) -> None:
        limit = self.rules.max_fields
        if limit is not None:
            seen: set[tuple[str, str]] = set()
            for expression in tree.expressions:
                for field in expression.fields():
                    seen.add((field.dataset, field.name.upper()))
                    if len(seen) > limit:
                        fail(
                            Token("word", spelled(field), field.at),
                            f"A filter can use at most {limit} distinct dataset fields.",
                        )
        limit = self.rules.max_placeholders
        if limit is not None:
            names: set[str] = set()
            for expression in tree.expressions:
                for condition in (*conditions(expression.where), *expression.when):
                    if isinstance(condition.operand, Placeholder):
                        names.add(condition.operand.name)
                        if len(names) > limit:
                            placeholder = condition.operand
                            fail(
                                Token("param", f"${placeholder.name}", placeholder.at),
                                f"A filter can have at most {limit} distinct placeholders.",
                            )
