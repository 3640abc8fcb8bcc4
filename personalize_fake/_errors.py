"""Service errors as the backend raises them; the dispatcher puts them on the wire.

The backend raises :class:`ServiceError` with the modeled code; the HTTP status
and wire shape come from the service model in the dispatcher, so handlers never
think about protocols.
"""

from __future__ import annotations


class ServiceError(Exception):
    """An error the fake service answers with, carrying the AWS error code."""

    code: str = "InternalFailure"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={self.code!r})"


class InvalidInput(ServiceError):
    code = "InvalidInputException"


class InvalidNextToken(ServiceError):
    code = "InvalidNextTokenException"

    def __init__(self, message: str = "The token is not valid.") -> None:
        super().__init__(message)


class LimitExceeded(ServiceError):
    code = "LimitExceededException"


class ResourceAlreadyExists(ServiceError):
    code = "ResourceAlreadyExistsException"

    @classmethod
    def for_arn(cls, arn: str) -> ResourceAlreadyExists:
        return cls(f"Another resource with Arn {arn} already exists.")


class ResourceInUse(ServiceError):
    code = "ResourceInUseException"


class ResourceNotFound(ServiceError):
    code = "ResourceNotFoundException"

    @classmethod
    def for_arn(cls, arn: str) -> ResourceNotFound:
        return cls(f"Resource Arn {arn} does not exist.")


class TooManyTags(ServiceError):
    code = "TooManyTagsException"


class TooManyTagKeys(ServiceError):
    code = "TooManyTagKeysException"


class NotImplementedOperation(ServiceError):
    """An operation in the model that this version of the fake does not answer yet."""

    code = "NotImplementedException"

    def __init__(self, service: str, operation: str) -> None:
        super().__init__(
            f"personalize-fake does not implement {service} {operation} yet; "
            "see the operations table in docs/operations.md."
        )


class UnknownOperation(ServiceError):
    """A request no modeled operation matches (a wrong target or path)."""

    code = "UnknownOperationException"


class SerializationError(ServiceError):
    """A body that is not the JSON object the protocol requires."""

    code = "SerializationException"
