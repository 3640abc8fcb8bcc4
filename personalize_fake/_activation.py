"""``mock_personalize``: decorator, context manager, and start/stop.

Each start makes fresh state and pushes its dispatcher on the hook's stack;
the innermost active mock answers. Stop removes exactly what start pushed, so
mocks nest and may even stop out of order.
"""

from __future__ import annotations

import functools
import inspect
import unittest
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, TypeVar, overload

from personalize_fake import _hook
from personalize_fake._handle import PersonalizeFake
from personalize_fake._settings import Settings

F = TypeVar("F", bound=Callable[..., Any])
C = TypeVar("C", bound=type)


class PersonalizeMock:
    """A mock that can be started, used as a context manager, or decorate tests.

    Args:
        settings: options for each fake this mock starts.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._fake: PersonalizeFake | None = None

    def __repr__(self) -> str:
        state = "active" if self._fake else "stopped"
        return f"<mock_personalize {state} lifecycle={self.settings.lifecycle.value}>"

    @property
    def fake(self) -> PersonalizeFake:
        """The handle of the running fake; RuntimeError when stopped."""
        if self._fake is None:
            raise RuntimeError("this mock_personalize is not started")
        return self._fake

    def start(self) -> PersonalizeFake:
        """Start with fresh state (a no-op if already started); return the handle."""
        if self._fake is None:
            self._fake = PersonalizeFake(self.settings)
            _hook.push(self._fake.dispatcher)
        return self._fake

    def stop(self) -> None:
        """Stop and forget the state; calls pass through again unless another mock is active."""
        if self._fake is not None:
            _hook.pop(self._fake.dispatcher)
            self._fake = None

    def __enter__(self) -> PersonalizeFake:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> PersonalizeFake:
        return self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __call__(self, target: F) -> F:
        """Decorate a function, coroutine function or test class."""
        if isinstance(target, type):
            return self._decorate_class(target)  # type: ignore[return-value]
        if inspect.iscoroutinefunction(target):
            return self._decorate_coroutine(target)  # type: ignore[return-value]
        settings = self.settings

        @functools.wraps(target)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with PersonalizeMock(settings):
                return target(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    def _decorate_coroutine(self, target: Callable[..., Awaitable[Any]]) -> Callable[..., Any]:
        settings = self.settings

        @functools.wraps(target)
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            async with PersonalizeMock(settings):
                return await target(*args, **kwargs)

        return wrapper

    def _decorate_class(self, cls: C) -> C:
        """Give each test of a class fresh state: via setUp for TestCase, else per method."""
        settings = self.settings
        if issubclass(cls, unittest.TestCase):
            original_setup = cls.setUp

            @functools.wraps(original_setup)
            def setUp(case: unittest.TestCase) -> None:
                mock = PersonalizeMock(settings)
                mock.start()
                case.addCleanup(mock.stop)
                original_setup(case)

            cls.setUp = setUp  # type: ignore[method-assign]
            return cls
        for name, member in list(vars(cls).items()):
            if name.startswith("test") and callable(member):
                setattr(cls, name, PersonalizeMock(settings)(member))
        return cls


@overload
def mock_personalize(target: F, /) -> F: ...


@overload
def mock_personalize(target: None = None, /, **options: Any) -> PersonalizeMock: ...


def mock_personalize(target: F | None = None, /, **options: Any) -> F | PersonalizeMock:
    """Fake Amazon Personalize for boto3 clients while active.

    Bare ``@mock_personalize`` decorates a function, coroutine function or
    class; ``mock_personalize(**options)`` returns a mock to use as a
    decorator, a (sync or async) context manager, or with ``start()``/``stop()``.

    Args:
        target: the function or class when used as a bare decorator.
        **options: fields of :class:`~personalize_fake.Settings`, e.g.
            ``lifecycle="instant"`` or ``account_id="111122223333"``.

    Returns:
        The decorated target, or a :class:`PersonalizeMock`.

    Raises:
        TypeError: for an option that does not exist.
    """
    mock = PersonalizeMock(Settings.from_options(options))
    if target is None:
        return mock
    return mock(target)
