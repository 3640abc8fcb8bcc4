"""The server's ``/_fake/`` endpoints: recorded data and lifecycle control over HTTP.

For tests written in other languages, which cannot hold the Python handle:
reset the state, read recorded events, users, items and actions, and
advance, settle or fail resources. JSON in (query string or body), JSON out;
never an AWS path.
"""

from __future__ import annotations

import base64
import datetime
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from personalize_fake._domain.codec import decode, encode, has_unpaired
from personalize_fake._errors import StateFileError
from personalize_fake._wire.dispatch import REST_JSON, WireResponse

if TYPE_CHECKING:
    from personalize_fake.server import PersonalizeServer

ADMIN_PREFIX = "/_fake/"
MAX_TIMES = 1000
"""The most creations one ``fail-next`` call may doom: a request must not cost unbounded state."""
MAX_DECLARED = 10_000
"""The longest answer one ``declare`` call may declare."""
MAX_REASON = 1000
"""The longest failure reason ``fail`` and ``fail-next`` take, in characters."""

log = logging.getLogger("personalize_fake.server")


class AdminError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


class Admin:
    """The ``/_fake/`` endpoints: JSON in (query string or body), JSON out.

    Args:
        server: the server whose fake they read and steer.
    """

    READS = (
        "health",
        "status",
        "events",
        "action-interactions",
        "users",
        "items",
        "actions",
        "interactions",
        "objects",
    )
    WRITES = ("reset", "advance", "settle", "fail", "fail-next", "put-object", "declare")

    def __init__(self, server: PersonalizeServer) -> None:
        self.server = server
        self.fake = server.fake

    def answer(self, method: str, path: str, body: bytes) -> WireResponse:
        """Answer one admin request; every failure is a JSON error, never an exception."""
        split = urlsplit(path)
        name = split.path[len(ADMIN_PREFIX) :].strip("/")
        try:
            if name not in self.READS + self.WRITES:
                endpoints = ", ".join(ADMIN_PREFIX + n for n in self.READS + self.WRITES)
                raise AdminError(
                    404, "NotFound", f"No admin endpoint {split.path}; try {endpoints}."
                )
            if name in self.WRITES and method != "POST":
                raise AdminError(405, "MethodNotAllowed", f"{split.path} takes POST, not {method}.")
            if method not in ("GET", "HEAD", "POST"):
                raise AdminError(405, "MethodNotAllowed", f"{split.path} takes GET or POST.")
            arguments: dict[str, Any] = dict(parse_qsl(split.query))
            if body.strip():
                try:
                    document = decode(body.decode())
                except ValueError as exc:  # UnicodeDecodeError included
                    raise AdminError(400, "BadRequest", f"Body is not JSON: {exc}") from None
                except RecursionError:
                    raise AdminError(400, "BadRequest", "Body nests too deeply.") from None
                if not isinstance(document, dict):
                    raise AdminError(400, "BadRequest", "Body must be a JSON object.")
                arguments.update(document)
            for key, value in arguments.items():  # nothing the fake could not keep faithfully
                if isinstance(value, str) and has_unpaired(value):
                    message = f"Parameter {key!r} holds an unpaired surrogate."
                    raise AdminError(400, "BadRequest", message)
            result = getattr(self, "_" + name.replace("-", "_"))(arguments)
            if name == "health" and result["status"] != "ok":
                return self._respond(503, result)
            return self._respond(200, result)
        except AdminError as exc:
            return self._respond(exc.status, {"__type": exc.code, "message": exc.message})
        except StateFileError as exc:  # the change was made but could not be saved (logged)
            return self._respond(500, {"__type": "StateFileError", "message": str(exc)})
        except KeyError as exc:
            return self._respond(404, {"__type": "ResourceNotFound", "message": str(exc.args[0])})
        except ValueError as exc:
            return self._respond(409, {"__type": "Conflict", "message": str(exc)})
        except Exception:  # a bug in the fake: answer, keep serving
            log.exception("personalize-fake admin failed on %s %s", method, path)
            message = "personalize-fake internal error; see the server log."
            return self._respond(500, {"__type": "InternalFailure", "message": message})

    def error(self, status: int, code: str, message: str) -> WireResponse:
        """An admin error: ``{"__type": code, "message": message}``."""
        return self._respond(status, {"__type": code, "message": message})

    @staticmethod
    def _respond(status: int, document: dict[str, Any]) -> WireResponse:
        body = encode(document, default=_json_value)
        headers = {"content-type": REST_JSON, "content-length": str(len(body))}
        return WireResponse(status, headers, body, document)

    @staticmethod
    def _required(arguments: dict[str, Any], name: str) -> str:
        value = arguments.get(name)
        if not isinstance(value, str) or not value:
            raise AdminError(400, "BadRequest", f"Parameter {name!r} (a string) is required.")
        return value

    def _health(self, arguments: dict[str, Any]) -> dict[str, Any]:
        settings = self.fake.settings
        answer = {
            "status": "ok",
            "lifecycle": settings.lifecycle.value,
            "accountId": settings.account_id,
        }
        failure = self.server.state_file_failure
        if failure is not None:  # answered with 503
            answer.update(status="failing", problem=failure)
        return answer

    def _status(self, arguments: dict[str, Any]) -> dict[str, Any]:
        arn = self._required(arguments, "arn")
        return {"arn": arn, "status": self.fake.status(arn)}

    def _events(self, arguments: dict[str, Any]) -> dict[str, Any]:
        return {"events": self.fake.events(self._required(arguments, "trackingId"))}

    def _action_interactions(self, arguments: dict[str, Any]) -> dict[str, Any]:
        tracking_id = self._required(arguments, "trackingId")
        return {"actionInteractions": self.fake.action_interactions(tracking_id)}

    def _users(self, arguments: dict[str, Any]) -> dict[str, Any]:
        return {"users": self.fake.users(self._required(arguments, "datasetArn"))}

    def _items(self, arguments: dict[str, Any]) -> dict[str, Any]:
        return {"items": self.fake.items(self._required(arguments, "datasetArn"))}

    def _actions(self, arguments: dict[str, Any]) -> dict[str, Any]:
        return {"actions": self.fake.actions(self._required(arguments, "datasetArn"))}

    def _interactions(self, arguments: dict[str, Any]) -> dict[str, Any]:
        return {"interactions": self.fake.interactions(self._required(arguments, "datasetArn"))}

    def _objects(self, arguments: dict[str, Any]) -> dict[str, Any]:
        """The objects the fake holds under ``prefix``: UTF-8 ones as ``body``, others as
        ``base64``."""
        prefix = arguments.get("prefix", "s3://")
        if not isinstance(prefix, str):
            raise AdminError(400, "BadRequest", "Parameter 'prefix' must be a string.")
        found = []
        for location, data in self.fake.objects(prefix).items():
            try:
                found.append({"location": location, "body": data.decode()})
            except UnicodeDecodeError:
                found.append({"location": location, "base64": base64.b64encode(data).decode()})
        return {"objects": found}

    def _put_object(self, arguments: dict[str, Any]) -> dict[str, Any]:
        """Hand the fake an object for import, deletion and batch jobs: ``body`` (text,
        stored as UTF-8) or ``base64``."""
        location = self._required(arguments, "location")
        body, encoded = arguments.get("body"), arguments.get("base64")
        if isinstance(body, str) and encoded is None:
            data = body.encode()
        elif isinstance(encoded, str) and body is None:
            try:
                data = base64.b64decode(encoded, validate=True)
            except ValueError:
                raise AdminError(400, "BadRequest", "Parameter 'base64' is not base64.") from None
        else:
            message = "Give the object as 'body' (text) or 'base64' (a string), one of them."
            raise AdminError(400, "BadRequest", message)
        try:
            self.fake.put_object(location, data)
        except ValueError as exc:
            raise AdminError(400, "BadRequest", str(exc)) from None
        return {"location": location, "size": len(data)}

    def _reset(self, arguments: dict[str, Any]) -> dict[str, Any]:
        self.fake.store.clear()
        return {}

    def _advance(self, arguments: dict[str, Any]) -> dict[str, Any]:
        arn = self._required(arguments, "arn")
        return {"arn": arn, "status": self.fake.advance(arn)}

    def _settle(self, arguments: dict[str, Any]) -> dict[str, Any]:
        if arguments.get("arn") is None:
            self.fake.settle()
            return {}
        arn = self._required(arguments, "arn")
        self.fake.settle(arn)
        return {"arn": arn, "status": self._current(arn)}

    @staticmethod
    def _reason(arguments: dict[str, Any]) -> str:
        reason = arguments.get("reason", "Injected failure.")
        if not isinstance(reason, str) or len(reason) > MAX_REASON:
            message = f"Parameter 'reason' must be a string of at most {MAX_REASON} characters."
            raise AdminError(400, "BadRequest", message)
        return reason

    def _fail(self, arguments: dict[str, Any]) -> dict[str, Any]:
        arn = self._required(arguments, "arn")
        self.fake.fail(arn, self._reason(arguments))
        return {"arn": arn, "status": self.fake.status(arn)}

    def _fail_next(self, arguments: dict[str, Any]) -> dict[str, Any]:
        kind = self._required(arguments, "kind")
        reason = self._reason(arguments)
        times = arguments.get("times", 1)
        if isinstance(times, bool) or not isinstance(times, int) or not 1 <= times <= MAX_TIMES:
            message = f"Parameter 'times' must be an integer from 1 to {MAX_TIMES}."
            raise AdminError(400, "BadRequest", message)
        try:
            self.fake.fail_next(kind, reason, times=times)
        except ValueError as exc:
            raise AdminError(400, "BadRequest", str(exc)) from None
        return {}

    def _declare(self, arguments: dict[str, Any]) -> dict[str, Any]:
        arn = self._required(arguments, "arn")
        answer = arguments.get("answer")
        if not isinstance(answer, list) or len(answer) > MAX_DECLARED:
            message = f"Parameter 'answer' must be a list of at most {MAX_DECLARED} entries."
            raise AdminError(400, "BadRequest", message)
        user, item = arguments.get("userId"), arguments.get("itemId")
        for name, value in (("userId", user), ("itemId", item)):
            if value is not None and not isinstance(value, str):
                raise AdminError(400, "BadRequest", f"Parameter {name!r} must be a string.")
        try:
            self.fake.declare(arn, answer, user=user, item=item)
        except ValueError as exc:
            raise AdminError(400, "BadRequest", str(exc)) from None
        return {"arn": arn, "declared": len(answer)}

    def _current(self, arn: str) -> str:
        try:
            return self.fake.status(arn)
        except KeyError:
            return "DELETED"
