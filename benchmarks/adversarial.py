"""Hostile values for every constrained string member: the slowest answer.

Usage::

    .venv/bin/python benchmarks/adversarial.py           # a few seconds
    .venv/bin/python benchmarks/adversarial.py --all     # every value through every member
    .venv/bin/python benchmarks/adversarial.py --check   # exit 1 when an answer takes >= 5 ms
    .venv/bin/python benchmarks/adversarial.py --before  # and plain re's time (~15 s)

botocore's client checks neither maximum lengths nor patterns, so a value of
any length reaches the fake's validation, which tries every constraint (AWS
reports a length and a pattern failure together). This script walks every
input shape of the three models (nested structures, list members, map keys
and values) and takes every string member with a maximum length or a pattern.

For each distinct (pattern, maximum) it builds values of exactly the maximum
length and one more, in families meant to make a backtracking matcher
struggle:

* one character repeated: every boundary character of the pattern's classes
  (each end, and one past it) and a few others (``:``, newline, space, ``é``);
* for each state of the pattern's minimal DFA (up to 40), the shortest text
  that reaches it, filled up with one character, a literal word of the
  pattern (``:kms:``, ``:kms``) or two of its literal characters alternating
  (``:k:k``), then a newline (or, after one character, a valid end):
  ``arn:-:personalize:`` + ``:`` * n + newline is one of these;
* ``:`` * n + newline, and ``a`` * n.

Each value is first timed against the pattern's matcher alone, and the 8
slowest of each length are kept (``--all`` keeps them all). Then every member
gets those values (and the last two) through a real boto3
client, ``mock_personalize()`` active and ``Config(parameter_validation=False)``,
each call timed whole with ``time.perf_counter`` (a value's time is the
fastest of 3 calls, and each operation is called once before, as its first
call builds its validator). The request's other members are left out, so
most answers are InvalidInputException; a value that passes validation gets
the operation's own answer. Reported: the answers by code, the slowest answer
per member (the 15 worst), per pattern, and overall; the target is under
5 ms each, and no internal error.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from typing import Any

TARGET_MS = 5.0
KEEP = 8
REPEAT = 3
HUGE = (1 << 20, 9 << 20)
Wrap = Callable[[Any], dict[str, Any]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--all", action="store_true", help="every value through every member")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target fails")
    parser.add_argument(
        "--before", action="store_true", help="also time plain re on the translation (slow)"
    )
    args = parser.parse_args()
    from calls import aws_env  # benchmarks/ is on sys.path: the script's own directory

    os.environ.update(aws_env())
    import boto3
    import botocore.session
    from botocore import xform_name
    from botocore.config import Config
    from botocore.exceptions import ClientError

    from personalize_fake import mock_personalize
    from personalize_fake._errors import InvalidInput
    from personalize_fake._model.catalog import SERVICE_NAMES
    from personalize_fake._model.patterns import compile_java, translate
    from personalize_fake._model.validation import PATTERN_CHECK_LIMIT_FACTOR as factor
    from personalize_fake._model.validation import validator

    session = botocore.session.get_session()
    members: list[tuple[str, str, str, Any, Wrap]] = []
    for service in SERVICE_NAMES:
        model = session.get_service_model(service)
        for operation in model.operation_names:
            shape = model.operation_model(operation).input_shape
            if shape is not None:
                for path, leaf, wrap in _walk(shape, "", lambda v: v, frozenset()):
                    members.append((service, operation, path, leaf, wrap))
    print(f"{len(members)} constrained string members in {', '.join(SERVICE_NAMES)}")

    # Values per (pattern, maximum), the slowest for the pattern's matcher kept.
    chosen: dict[tuple[str | None, int], list[str]] = {}
    seeds: dict[tuple[str | None, int], str] = {}  # the slowest just past the factor, to stretch
    matcher_worst: dict[str, tuple[float, int, str]] = {}
    before_worst: dict[str, tuple[float, str]] = {}
    started = time.perf_counter()
    for _, _, _, leaf, _ in members:
        key = (leaf.metadata.get("pattern"), leaf.metadata.get("max", 2048))
        if key in chosen:
            continue
        pattern, maximum = key
        kept: list[str] = []
        # At and just over the maximum, and at the longest value still matched against its
        # pattern (PATTERN_CHECK_LIMIT_FACTOR times the maximum) and one over: the worst
        # bounded work.
        for size in (maximum, maximum + 1, factor * maximum, factor * maximum + 1):
            values = [":" * (size - 1) + "\n", "a" * size]
            if pattern is not None:
                candidates = sorted(set(_family(pattern, size)))
                match = compile_java(pattern).matcher()  # built before timing
                timed = sorted(((_seconds(match, v), v) for v in candidates), reverse=True)
                if timed[0][0] > matcher_worst.get(pattern, (0.0,))[0]:
                    matcher_worst[pattern] = (timed[0][0], len(candidates), timed[0][1])
                if args.before:
                    plain = re.compile(translate(pattern)).fullmatch
                    slow = max((_seconds(plain, v, 1), v) for v in candidates)
                    before_worst[pattern] = max(before_worst.get(pattern, (0.0, "")), slow)
                values += [v for _, v in (timed if args.all else timed[:KEEP])]
                if size == factor * maximum + 1:
                    seeds[key] = timed[0][1]
            kept += values
        chosen[key] = list(dict.fromkeys(kept))
    print(f"values built and screened in {time.perf_counter() - started:.1f} s\n")
    print("slowest value for each pattern's matcher alone (both lengths screened):")
    for pattern, (seconds, count, value) in sorted(matcher_worst.items(), key=lambda kv: -kv[1][0]):
        strategy = compile_java(pattern).strategy
        print(
            f"  {seconds * 1e3:7.3f} ms  {strategy:4} {count:4} values/length  "
            f"{pattern[:48]:48}  {_show(value)}"
        )
    if args.before:
        print("slowest value for plain re on the translated pattern, as before (both lengths):")
        for pattern, (seconds, value) in sorted(before_worst.items(), key=lambda kv: -kv[1][0]):
            print(f"  {seconds * 1e3:9.3f} ms  {pattern[:48]:48}  {_show(value)}")

    config = Config(parameter_validation=False)
    worst: list[tuple[float, str, str]] = []
    per_pattern: dict[str | None, float] = {}
    codes: Counter[str] = Counter()
    with mock_personalize():
        clients = {
            s: boto3.client(s, region_name="us-east-1", config=config) for s in SERVICE_NAMES
        }
        warm: set[str] = set()
        for service, operation, path, leaf, wrap in members:
            method = getattr(clients[service], xform_name(operation))
            if operation not in warm:  # the first call of an operation builds its validator
                warm.add(operation)
                _call(method, {}, ClientError)
            key = (leaf.metadata.get("pattern"), leaf.metadata.get("max", 2048))
            slowest = (0.0, "")
            for value in chosen[key]:
                params = wrap(value)
                elapsed = float("inf")
                for _ in range(REPEAT):
                    start = time.perf_counter()
                    code = _call(method, params, ClientError)
                    elapsed = min(elapsed, time.perf_counter() - start)
                codes[code] += 1
                slowest = max(slowest, (elapsed, value))
            worst.append((slowest[0], f"{service}.{operation} {path}", slowest[1]))
            per_pattern[key[0]] = max(per_pattern.get(key[0], 0.0), slowest[0])

        huge = _huge(members, seeds, clients, validator, InvalidInput, ClientError)

    worst.sort(reverse=True)
    calls = sum(codes.values())
    print(f"\n{calls} values through boto3 (each the fastest of {REPEAT} calls), answered:")
    print("  " + ", ".join(f"{code} {count}" for code, count in codes.most_common()))
    print(f"slowest answer per member (15 worst of {len(worst)}):")
    for seconds, where, value in worst[:15]:
        print(f"  {seconds * 1e3:7.3f} ms  {where:70}  {_show(value)}")
    print("\nslowest answer per pattern:")
    for pattern, seconds in sorted(per_pattern.items(), key=lambda kv: -kv[1]):
        print(f"  {seconds * 1e3:7.3f} ms  {pattern or '(length only)'}")
    overall = worst[0][0] * 1e3
    verdict = "ok" if overall < TARGET_MS else "FAILS"
    print(f"\nslowest answer overall: {overall:.3f} ms (target < {TARGET_MS:g} ms: {verdict})")
    huge_ms = huge * 1e3
    verdict = "ok" if huge_ms < TARGET_MS else "FAILS"
    print(f"slowest validation of a 1 MiB value: {huge_ms:.3f} ms (target < 5 ms: {verdict})")
    failed = codes["InternalFailure"] + codes["raised"]
    return 1 if args.check and (max(overall, huge_ms) >= TARGET_MS or failed) else 0


def _huge(
    members: list[tuple[str, str, str, Any, Wrap]],
    seeds: dict[tuple[str | None, int], str],
    clients: dict[str, Any],
    validator: Callable[[Any], Callable[[dict[str, Any]], None]],
    invalid: Any,
    client_error: Any,
) -> float:
    """Values of 1 MiB and 9 MiB (a body is capped at 10 MiB) in every constrained member:
    the slowest validation of a 1 MiB value, in seconds (the target is judged there).

    Each is the slowest screened value just past the pattern-check bound, repeated up
    to the size, so it stays adversarial for the pattern. Validation of the request holding
    it (the fake's own work, which holds the interpreter lock) is timed per member; it
    includes building the message, which quotes the value (a non-ASCII value is scanned
    for unpaired surrogates then, ~2 ns a character). One whole boto3 call per pattern
    shows what botocore and the JSON codec add, linear in the body whoever answers.
    """
    print(f"\nhuge values ({', '.join(f'{n >> 20} MiB' for n in HUGE)}) in every member:")
    slowest: dict[tuple[tuple[str | None, int], int], tuple[float, str]] = {}
    whole: dict[tuple[tuple[str | None, int], int], float] = {}
    for size in HUGE:
        stretched = {
            key: (seed[:-1] * (size // max(len(seed) - 1, 1) + 1))[: size - 1] + seed[-1]
            for key, seed in seeds.items()
        }
        for service, operation, path, leaf, wrap in members:
            key = (leaf.metadata.get("pattern"), leaf.metadata.get("max", 2048))
            value = stretched.get(key) or "a" * size
            shape = clients[service].meta.service_model.operation_model(operation).input_shape
            check = validator(shape)
            document = wrap(value)

            def validate(_: str, check: Any = check, document: Any = document) -> None:
                with contextlib.suppress(invalid):
                    check(document)

            elapsed = _seconds(validate, value)
            where = f"{service}.{operation} {path}"
            slowest[(key, size)] = max(slowest.get((key, size), (0.0, "")), (elapsed, where))
            if (key, size) not in whole:
                method = getattr(clients[service], _python_name(operation))
                start = time.perf_counter()
                _call(method, wrap(value), client_error)
                whole[(key, size)] = time.perf_counter() - start
    small, large = HUGE
    print("  slowest validation per pattern (and one whole boto3 call), 1 MiB | 9 MiB:")
    keys = sorted({key for key, _ in slowest}, key=lambda k: -slowest[(k, small)][0])
    for key in keys:
        (one, where), (nine, _) = slowest[(key, small)], slowest[(key, large)]
        print(
            f"  {one * 1e3:7.3f} ms (call {whole[(key, small)] * 1e3:5.1f}) | "
            f"{nine * 1e3:7.3f} ms (call {whole[(key, large)] * 1e3:5.1f})  "
            f"{(key[0] or '(length only)')[:40]:40}  {where}"
        )
    nine_ms = max(slowest[(key, large)][0] for key in keys) * 1e3
    print(f"slowest validation of a 9 MiB value: {nine_ms:.3f} ms")
    return max(slowest[(key, small)][0] for key in keys)


def _python_name(operation: str) -> str:
    from botocore import xform_name

    return str(xform_name(operation))


def _call(method: Callable[..., Any], params: dict[str, Any], client_error: Any) -> str:
    """The answer's error code, ``ok``, or ``raised`` for anything but a ClientError."""
    try:
        method(**params)
    except client_error as error:
        return str(error.response["Error"]["Code"])
    except Exception:
        return "raised"
    return "ok"


def _walk(shape: Any, path: str, wrap: Wrap, seen: frozenset[str]) -> Iterator[Any]:
    """(path, string shape, wrap) for every constrained string member under ``shape``;
    ``wrap(value)`` is request parameters holding ``value`` at that place."""
    kind = shape.type_name
    if kind == "structure":
        if shape.name in seen:
            return
        for name, member in shape.members.items():
            yield from _walk(
                member, f"{path}.{name}" if path else name, _inside(wrap, name), seen | {shape.name}
            )
    elif kind == "list":
        yield from _walk(shape.member, f"{path}.1.member", lambda v: wrap([v]), seen)
    elif kind == "map":
        yield from _walk(shape.key, f"{path} (key)", lambda v: wrap({v: "x"}), seen)
        yield from _walk(shape.value, f"{path} (value)", lambda v: wrap({"k": v}), seen)
    elif kind == "string" and ("max" in shape.metadata or "pattern" in shape.metadata):
        yield path, shape, wrap


def _inside(wrap: Wrap, name: str) -> Wrap:
    return lambda value: wrap({name: value})


def _family(pattern: str, size: int) -> Iterator[str]:
    """Hostile values of exactly ``size`` characters for ``pattern``."""
    from personalize_fake._model.automaton import TOP, _sre, minimal_dfa
    from personalize_fake._model.patterns import translate

    regex = translate(pattern)
    dfa = minimal_dfa(regex)
    codes = {c for moves in dfa.moves for r, _ in moves for lo, hi in r for c in (lo, hi)}
    codes |= {c + d for c in set(codes) for d in (-1, 1)}
    boundary = sorted(c for c in codes if 0 <= c <= TOP)
    if len(boundary) > 40:  # the letter classes: a spread of them
        boundary = boundary[:: len(boundary) // 40]
    chars = sorted({*map(chr, boundary), ":", "\n", " ", "a", "0", "/", "é"})
    # The pattern's literal words (":kms:"), each also cut short of its end (":kms").
    words: set[str] = set()
    run = ""
    for op, av in [*_sre.parse(regex).data, (None, None)]:
        if op is _sre.LITERAL:
            run += chr(av)
            continue
        if len(run) > 1:
            words |= {run, run[:-1]}
        run = ""
    literals = sorted({w[0] for w in words} | {w[-1] for w in words})[:6]
    pairs = [a + b for a in literals for b in literals if a != b]
    # The shortest way into each state, then a filling, then a bad or a good end.
    reach = {0: ""}
    queue = deque([0])
    while queue and len(reach) < 40:
        state = queue.popleft()
        for ranges, target in dfa.moves[state]:
            if target not in reach:
                reach[target] = reach[state] + chr(ranges[0][0])
                queue.append(target)
    for ch in chars:
        yield ch * size
    for state, prefix in reach.items():
        loop = [r for r, t in dfa.moves[state] if t == state]
        fillings = {":", "a", chars[0], *words, *pairs, *([chr(loop[0][0][0])] if loop else [])}
        good = [chr(r[0][0]) for r, t in dfa.moves[state] if dfa.accepting[t]] or ["a"]
        for filling in fillings:
            body = (prefix + filling * size)[: size - 1]
            yield body + "\n"
            if len(filling) == 1:
                yield body + good[0]


def _seconds(match: Callable[[str], object], value: str, repeat: int = REPEAT) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        match(value)
        best = min(best, time.perf_counter() - start)
    return best


def _show(value: str) -> str:
    text = repr(value)
    return text if len(text) <= 48 else f"{text[:36]}...{text[-8:]} ({len(value)})"


if __name__ == "__main__":
    sys.exit(main())
