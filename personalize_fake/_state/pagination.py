"""Pages of List results with opaque, tamper-evident ``nextToken``\\s.

A token is the next offset plus an HMAC over the operation and offset, keyed
by a per-mock secret: boto3's paginators follow it, and a forged, edited or
foreign token is InvalidNextTokenException, as the service answers.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Collection
from itertools import islice
from typing import Any, TypeVar

from personalize_fake._errors import InvalidNextToken
from personalize_fake._state.store import RegionState

T = TypeVar("T")


def _sign(secret: bytes, scope: str, offset: int) -> str:
    digest = hmac.new(secret, f"{scope}:{offset}".encode(), hashlib.sha256).digest()[:12]
    raw = offset.to_bytes(4, "big") + digest
    return base64.urlsafe_b64encode(raw).decode()


def _offset(secret: bytes, scope: str, token: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(token.encode())
    except (ValueError, UnicodeError):
        raise InvalidNextToken() from None
    if len(raw) != 16:
        raise InvalidNextToken()
    offset = int.from_bytes(raw[:4], "big")
    if not hmac.compare_digest(_sign(secret, scope, offset), token):
        raise InvalidNextToken()
    return offset


def page(
    state: RegionState,
    scope: str,
    items: Collection[T],
    max_results: int | None,
    next_token: str | None,
) -> tuple[list[T], dict[str, Any]]:
    """Slice ``items`` for one call; return the page and ``{"nextToken": ...}`` if more remain.

    ``items`` may be a live view of the store (``RegionState.all``): only the page is copied.

    ``scope`` names the listing (operation and filters) so a token from one
    listing is not accepted by another.
    """
    secret = state.store.secret
    scope = f"{state.account_id}:{state.region}:{scope}"  # a token is good in its region only
    start = _offset(secret, scope, next_token) if next_token else 0
    size = max_results or state.settings.default_max_results
    end = start + size
    extra = {"nextToken": _sign(secret, scope, end)} if end < len(items) else {}
    return list(islice(items, start, end)), extra
