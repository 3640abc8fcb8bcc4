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
    _coverage: str | None = None
    """What the message says of the package, worked out on the first one."""

    def __init__(self, service: str, operation: str) -> None:
        super().__init__(
            f"personalize-fake {self._covered()} does not implement {service} {operation} yet: "
            "`python -m personalize_fake._model.coverage` lists which operations it answers."
        )

    @classmethod
    def _covered(cls) -> str:
        """The version and how many operations it answers: the installed package has no docs/."""
        if cls._coverage is None:
            from importlib import metadata

            from personalize_fake._model.coverage import rows  # late: coverage imports the handlers

            try:
                version = metadata.version("personalize-fake")
            except metadata.PackageNotFoundError:  # run from a checkout that is not installed
                version = "(not installed)"
            table = rows()
            done = sum(row.implemented for row in table)
            cls._coverage = f"{version} (answering {done} of {len(table)} operations)"
        return cls._coverage


class UnknownOperation(ServiceError):
    """A request no modeled operation matches (a wrong target or path)."""

    code = "UnknownOperationException"


class SerializationError(ServiceError):
    """A body that is not the JSON object the protocol requires."""

    code = "SerializationException"


class StateFileError(Exception):
    """A state file that cannot be loaded or written: says which file and why.

    Not a :class:`ServiceError`: the dispatcher answers it as a 500 of its own
    (logged in one line, not as a bug), and ``serve`` exits 1 on it.
    """

    def __repr__(self) -> str:  # how the dispatcher's 500 message shows it
        return f"StateFileError: {self}"
