"""The ``requests`` adapter: calls to Personalize endpoints answered in-process, via ``responses``.

While a mock is active, a ``requests`` call to ``https://personalize.<region>.amazonaws.com/``
(or ``personalize-events.``, ``personalize-runtime.``, their FIPS and
dual-stack forms, any partition: see :func:`endpoint`) goes to the same front
door and dispatcher as the HTTP server, with the region read from the host, and
the innermost active mock answers, as with boto3. Every other URL passes through
untouched.

The first mock to start patches in the ``send`` of a ``responses.RequestsMock``
of the fake's own (never the global default one, which ``@responses.activate``
starts, stops and resets); the last to stop puts the previous ``send`` back.
Its pass-through goes to whatever ``HTTPAdapter.send`` was in place when it
started, so a ``responses`` mock the user started *before* still answers
everything but Personalize; one started *after* is outermost and answers
everything itself. If the last mock stops while such a later patch is still in
place, undoing ours would undo theirs, so ours stays where it is, passing
everything on; the next mock makes it answer again if it is back on top, and
otherwise puts a new patch on top of whatever is there. ``responses`` (and with
it ``requests``) is imported at the first start, not with the package.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

from personalize_fake._model.catalog import SERVICE_NAMES
from personalize_fake._shared import Shared
from personalize_fake._wire import hook

if TYPE_CHECKING:
    from personalize_fake._wire.front_door import FrontDoor

_TEMPLATE = re.compile(r"https://([a-z0-9-]+)\.\{Region\}\.\{PartitionResult#(\w+)\}")
"""An endpoint URL in the services' rule sets: host prefix, then the partition output named."""


@functools.cache
def endpoint() -> re.Pattern[str]:
    """A URL of one of the three Personalize services; group 1 is the region.

    Every host form botocore's endpoint rules build for the three services
    (plain, FIPS, dual-stack, FIPS and dual-stack), in every partition's DNS
    suffixes: read from botocore's data when the first mock starts (~10 ms).
    """
    from botocore.loaders import create_loader

    loader = create_loader()
    prefixes, outputs = set(SERVICE_NAMES), {"dnsSuffix"}
    for service in SERVICE_NAMES:
        rules = loader.load_service_model(service, "endpoint-rule-set-1")
        for url in _urls(rules):
            match = _TEMPLATE.fullmatch(url)
            if match:
                prefixes.add(match.group(1))
                outputs.add(match.group(2))
    suffixes = {
        str(partition["outputs"][name])
        for partition in loader.load_data("partitions")["partitions"]
        for name in outputs
        if name in partition["outputs"]
    }
    return re.compile(
        rf"^https?://{_alternatives(prefixes)}\.([a-z0-9-]+)\.{_alternatives(suffixes)}"
        r"(?::\d+)?(?:[/?#]|$)",
        re.IGNORECASE,
    )


def _urls(rules: Any) -> Iterator[str]:
    """Every endpoint ``url`` anywhere in an endpoint rule set."""
    if isinstance(rules, dict):
        for key, value in rules.items():
            if key == "url" and isinstance(value, str):
                yield value
            else:
                yield from _urls(value)
    elif isinstance(rules, list):
        for value in rules:
            yield from _urls(value)


def _alternatives(texts: set[str]) -> str:
    return "(?:" + "|".join(re.escape(t) for t in sorted(texts, key=len, reverse=True)) + ")"


_EVERYTHING = re.compile("")
_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")

_mock: Any = None
"""The fake's RequestsMock, kept for the next mock while it may be reused."""
_target: Any = None
"""The ``send`` it passes other URLs on to (what was in place when it was built)."""
_send: Any = None
"""Its patch function, from arming until the last mock stops with it on top.

Set after the last stop only when a later patch covered it: it is then left
in place, passing everything on, and the next arm looks at where it stands.
"""
_previous: Any = None
"""What ``_send`` replaced, put back when the last mock stops."""
_front: FrontDoor | None = None


def _disarm() -> None:
    """After the last mock: undo the patch (or, if patched over since, pass all on).

    Either way the mock forgets the calls it saw: responses records every one,
    and a kept mock would otherwise hold every test's requests for good.
    """
    global _send, _mock
    if _send is None:
        return
    import requests.adapters

    _mock.calls.reset()
    for registered in _mock.registered():
        registered.calls.reset()
    if requests.adapters.HTTPAdapter.send is _send:
        requests.adapters.HTTPAdapter.send = _previous  # type: ignore[method-assign]
        _send = None
    else:
        _mock.reset()
        _mock.add_passthru(_EVERYTHING)


def _arm() -> None:
    """Patch ``HTTPAdapter.send`` by assignment (``responses.start`` costs far more per mock).

    The mock and its registrations are reused while it would pass on to what
    it replaces. A mock left passing all on answers again only if it is back on
    top; one still under another patch, or since unpatched by someone else, is
    left alone and a new one goes on top of whatever is in place now.
    """
    global _mock, _target, _send, _previous, _front
    import requests.adapters

    current = requests.adapters.HTTPAdapter.send
    if _send is not None:
        if current is _send:  # the patch over it has gone: answer again
            _register(_mock)
            return
        _mock = _send = None  # leave it passing all on wherever it still is
    if _mock is None or _target is not current:
        import responses

        from personalize_fake._wire.front_door import FrontDoor

        if _front is None:
            _front = FrontDoor()
        _mock = responses.RequestsMock(
            assert_all_requests_are_fired=False, real_adapter_send=cast(Any, current)
        )
        _target = current
        _register(_mock)
    _previous = current
    _send = _mock.unbound_on_send()
    requests.adapters.HTTPAdapter.send = _send  # type: ignore[method-assign]


def _register(mock: Any) -> None:
    mock.reset()
    pattern = endpoint()
    for method in _METHODS:
        mock.add_callback(method, pattern, _answer, content_type=None)
    mock.add_passthru(re.compile(f"^(?!{pattern.pattern[1:]})", re.IGNORECASE))


INTERCEPTION = Shared(_arm, _disarm)
"""Held by every active mock: the first starts answering Personalize URLs."""
hold, release = INTERCEPTION.hold, INTERCEPTION.release


def _answer(request: Any) -> tuple[int, dict[str, str], bytes] | Exception:
    """The ``responses`` callback: one prepared request in; status, headers, body out."""
    front = _front
    if not hook._active or front is None:  # only if a mock stopped mid-call
        return ConnectionError(f"personalize-fake: no mock active to answer {request.url}")
    match = endpoint().match(str(request.url))
    region = match.group(1).lower() if match else None
    body = request.body
    if body is None:
        body = b""
    elif isinstance(body, str):
        body = body.encode()
    elif not isinstance(body, bytes):  # an iterable of chunks
        body = b"".join(c.encode() if isinstance(c, str) else c for c in body)
    response = front.answer(
        str(request.method),
        request.path_url,
        dict(request.headers),
        body,
        region,
        dispatcher=hook._active[-1],
    )
    return response.status, response.headers, response.body
