"""Who may talk to the server: not a web page on another site, nor one renamed to reach it.

Any page a browser shows can make it send requests to ``http://127.0.0.1:4567``.
Simple ones (a GET; a POST of a form or of ``text/plain``) go without asking
the server first: the page cannot read the answer, but the request is done.
And a page whose own name its author re-points at 127.0.0.1 (DNS rebinding)
is same-origin with the server: it may send anything, ``Authorization`` and
``X-Amz-Target`` included, and read every answer. So, before anything else,
the server refuses on every path:

- a ``Host`` that is not an address it is served at: an IP address (a
  rebinding page always sends its own name), ``localhost``, the name it was
  told to listen on, or a name allowed with ``--allow-host`` (``*``: any);
- a browser request from another origin: an ``Origin`` other than the
  server's own, or a ``Sec-Fetch-Site`` other than ``same-origin`` or ``none``
  (what browsers send; SDKs, the AWS CLI and curl send neither).

The AWS operations need an ``Authorization`` header, which a page on another
site cannot send without asking (and the server never says yes), but a
presigned URL's ``X-Amz-Credential`` needs no header, hence the Origin check
everywhere. Under ``/_fake/``, which takes no signature:

- a body not declared ``application/json`` (forms and ``text/plain`` are what a
  page may post without asking);
- with an admin token, a request without ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import hmac
import ipaddress
import re
from collections.abc import Iterable
from typing import Any, Protocol

import attrs

from personalize_fake._wire.dispatch import REST_JSON

ANY_HOST = "*"
TOKEN_VARIABLE = "PERSONALIZE_FAKE_ADMIN_TOKEN"
"""The environment variable ``personalize-fake serve`` reads an admin token from."""

_HOST = re.compile(r"(\[[0-9a-f:.]+\]|[^\[\]:/\s@]*)(?::\d{1,5})?")
"""A ``Host`` value, lowercased: a name, an IPv4 address or a bracketed IPv6 one; a port."""
_NAME = re.compile(r"[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?")
_TOKEN = re.compile(r"[\x21-\x7e]+")
_SAME_SITE = frozenset({"same-origin", "none"})


@attrs.frozen
class Refusal:
    """Why a request is not answered: status, error code, message, extra headers."""

    status: int
    code: str
    message: str
    headers: dict[str, str] = attrs.Factory(dict)


def host_name(value: str) -> str | None:
    """The name a ``Host`` value addresses, lowercased, port dropped; None when malformed."""
    match = _HOST.fullmatch(value.strip().lower())
    if match is None:
        return None
    name = match.group(1)
    return name[:-1] if name.endswith(".") else name


def _is_ip(name: str) -> bool:
    try:
        if name.startswith("["):
            ipaddress.IPv6Address(name[1:-1])
        else:
            ipaddress.IPv4Address(name)
    except ValueError:
        return False
    return True


def _allowed_name(entry: str) -> str:
    """An ``--allow-host`` entry, checked, in the form :func:`host_name` gives."""
    if entry == ANY_HOST:
        return entry
    name = entry.strip().lower().removesuffix(".")
    if ":" in name and not name.startswith("["):
        name = f"[{name}]"  # an IPv6 address, unless it is a name with a port
    if _NAME.fullmatch(name) or _is_ip(name):
        return name
    raise ValueError(f"allowed host {entry!r} is not a host name or IP address (without a port)")


class Guard:
    """The checks every request passes before it is answered (see the module's docstring).

    Args:
        host: the address the server was told to listen on (a name is allowed as ``Host``).
        allowed_hosts: more names clients may address it by; ``"*"`` allows any.
        admin_token: when set, what ``/_fake/`` requests must carry as a bearer token.

    Raises:
        ValueError: for an allowed host that is not a host name, or a token that is
            empty or not visible ASCII.
    """

    def __init__(
        self, host: str, allowed_hosts: Iterable[str] = (), admin_token: str | None = None
    ) -> None:
        if isinstance(allowed_hosts, str):
            raise TypeError("allowed hosts must be a list of names, not one string")
        names = {_allowed_name(entry) for entry in allowed_hosts}
        self.any_host = ANY_HOST in names
        given = host_name(host)
        if given:
            names.add(given)
        self.names = frozenset(names | {"localhost", "127.0.0.1", "[::1]"})
        if admin_token is not None and not _TOKEN.fullmatch(admin_token):
            raise ValueError(
                "the admin token must be one or more visible ASCII characters (no spaces)"
            )
        self.token = admin_token.encode() if admin_token is not None else None

    def host_allowed(self, value: str) -> bool:
        """Whether a ``Host`` header value is an address this server is served at."""
        if self.any_host:
            return True
        name = host_name(value)
        if name is None:
            return False
        return not name or name in self.names or _is_ip(name)

    def check(self, headers: _Headers, admin: bool, body: bytes) -> Refusal | None:
        """Why this request is refused, or None to answer it."""
        hosts = headers.get_all("Host") or []
        if len(hosts) > 1:
            return Refusal(400, "BadRequest", "More than one Host header.")
        host = hosts[0] if hosts else None
        if host is not None and not self.host_allowed(host):
            message = (
                f"Host {host!r} is not an address this server is served at. If clients "
                "reach it by that name, start it with --allow-host NAME (allow_hosts= in "
                "Python)."
            )
            return Refusal(403, "HostNotAllowed", message)
        refusal = self._cross_origin(headers, host)
        if refusal is not None or not admin:
            return refusal
        if self.token is not None:
            refusal = self._token_refusal(headers.get("Authorization"))
            if refusal is not None:
                return refusal
        content_type = headers.get("Content-Type")
        if content_type is not None:
            media = content_type.split(";", 1)[0].strip().lower()
            if media != REST_JSON:
                message = f"Content-Type {content_type!r} is not {REST_JSON}."
                return Refusal(415, "UnsupportedMediaType", message)
        elif body.strip():
            message = f"A body needs Content-Type: {REST_JSON}."
            return Refusal(415, "UnsupportedMediaType", message)
        return None

    @staticmethod
    def _cross_origin(headers: _Headers, host: str | None) -> Refusal | None:
        site = headers.get_all("Sec-Fetch-Site") or []
        foreign = [value for value in site if value.strip().lower() not in _SAME_SITE]
        own = None if host is None else "http://" + host.strip().lower()
        foreign += [o for o in headers.get_all("Origin") or [] if o.strip().lower() != own]
        if not foreign:
            return None
        message = (
            f"A browser request from another origin ({foreign[0]!r}) is refused: a web page "
            "may not drive the fake."
        )
        return Refusal(403, "CrossOriginRequestRefused", message)

    def _token_refusal(self, authorization: str | None) -> Refusal | None:
        assert self.token is not None
        scheme, _, credentials = (authorization or "").strip().partition(" ")
        if scheme.lower() != "bearer":
            message = "This server's /_fake/ endpoints need Authorization: Bearer <admin token>."
            challenge = {"WWW-Authenticate": 'Bearer realm="personalize-fake"'}
            return Refusal(401, "AdminTokenRequired", message, challenge)
        given = credentials.strip()
        if not given.isascii() or not hmac.compare_digest(given.encode(), self.token):
            return Refusal(403, "AdminTokenInvalid", "The admin token is not this server's.")
        return None


def exposure_warning(bound: tuple[Any, ...], token: bool) -> str | None:
    """What to say when the server listens beyond loopback (``bound``: its socket address)."""
    host, port = str(bound[0]), bound[1]
    try:
        if ipaddress.ip_address(host.split("%", 1)[0]).is_loopback:
            return None
    except ValueError:
        pass
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    start = (
        f"personalize-fake listens on {address}, beyond this machine: anyone who can reach "
        "the port can call the fake's AWS operations"
    )
    if token:
        return f"{start}; /_fake/ needs the admin token."
    return (
        f"{start} and use /_fake/ (read recorded data, reset all state). Guard /_fake/ with "
        f"an admin token (--admin-token, or {TOKEN_VARIABLE}; admin_token= in Python), or "
        "listen on 127.0.0.1."
    )


class _Headers(Protocol):
    """What the guard reads of a request's headers (an ``email.message.Message``)."""

    def get(self, name: str) -> str | None: ...

    def get_all(self, name: str) -> list[str] | None: ...
