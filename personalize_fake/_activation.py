"""``mock_personalize``: decorator, context manager, and start/stop.

Each start makes fresh state and pushes its dispatcher on the hook's stack;
the innermost active mock answers. Stop removes exactly what start pushed, so
mocks nest and may even stop out of order.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import sys
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar, overload

if TYPE_CHECKING:
    import unittest

from personalize_fake import _environment
from personalize_fake._handle import PersonalizeFake
from personalize_fake._settings import Settings
from personalize_fake._wire import hook, interception

F = TypeVar("F", bound=Callable[..., Any])
AF = TypeVar("AF", bound=Callable[..., Awaitable[Any]])
C = TypeVar("C", bound=type)

_WRAPPER = "__personalize_fake_wrapper__"
"""Set on every wrapper this module makes, so decorating a subclass replaces, not nests."""
_INSTANCE_MOCK = "_personalize_fake_mock"
"""Where a decorated plain class's ``setup_method`` keeps the mock its test then runs in."""


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
    def active(self) -> bool:
        """Whether this mock is started (it answers only while no mock started later is active)."""
        return self._fake is not None

    @property
    def fake(self) -> PersonalizeFake:
        """The handle of the running fake.

        Raises:
            RuntimeError: when this mock is not started.
        """
        if self._fake is None:
            raise RuntimeError(f"{self!r} is not started; call start() or use it in a with block")
        return self._fake

    def start(self) -> PersonalizeFake:
        """Start with fresh state; a no-op (same handle) if already started.

        Returns:
            The handle of the running fake.
        """
        if self._fake is None:
            self._fake = PersonalizeFake(self.settings)
            if self.settings.disable_instance_metadata:
                _environment.hold()
            hook.push(self._fake.dispatcher)
            interception.hold()
        return self._fake

    def stop(self) -> None:
        """Stop and forget the state; a no-op if not started.

        Calls then pass through to botocore again, unless another mock is active.
        """
        if self._fake is not None:
            interception.release()
            hook.pop(self._fake.dispatcher)
            if self.settings.disable_instance_metadata:
                _environment.release()
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

    @overload
    def __call__(self, target: C) -> C: ...

    @overload
    def __call__(self, target: AF) -> AF: ...

    @overload
    def __call__(self, target: F) -> F: ...

    def __call__(self, target: Any) -> Any:
        """Decorate a function, coroutine function or test class.

        Every call of the result runs in a mock of its own, with fresh state.
        In a ``unittest.TestCase`` that mock starts before ``setUp`` and stops
        after the cleanups; in a plain class it spans ``setup_method``, the
        test and ``teardown_method``.

        Raises:
            TypeError: when ``target`` is neither callable nor a class.
        """
        if isinstance(target, type):
            if _is_test_case(target):
                _decorate_test_case(target, self.settings)
                return target
            return _decorate_plain_class(target, self.settings)
        if not callable(target):
            raise TypeError(
                f"mock_personalize decorates a function, coroutine function or class, "
                f"not {target!r}; give options as keywords, e.g. "
                f"mock_personalize(lifecycle='instant')"
            )
        return _wrap(target, self.settings)


def _unwrap(fn: Any) -> Any:
    """The function under our wrappers (a decorated base class's, say)."""
    while getattr(fn, _WRAPPER, False):
        fn = fn.__wrapped__
    return fn


def _instance_mock(args: tuple[Any, ...]) -> PersonalizeMock | None:
    """The active mock ``setup_method`` started for the instance a method is called on."""
    mock = getattr(args[0], _INSTANCE_MOCK, None) if args else None
    return mock if isinstance(mock, PersonalizeMock) and mock.active else None


def _wrap(
    fn: Callable[..., Any], settings: Settings, *, method: bool = False
) -> Callable[..., Any]:
    """``fn`` running in a fresh mock (or, for a ``method``, in its setup's mock)."""

    def activation(args: tuple[Any, ...]) -> PersonalizeMock | contextlib.nullcontext[None]:
        if method and _instance_mock(args) is not None:
            return contextlib.nullcontext()
        return PersonalizeMock(settings)

    wrapper: Callable[..., Any]
    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            async with activation(args):
                return await fn(*args, **kwargs)

        wrapper = async_wrapper
    elif inspect.isgeneratorfunction(fn):  # e.g. a pytest yield fixture: mock spans the yields

        @functools.wraps(fn)
        def generator_wrapper(*args: Any, **kwargs: Any) -> Any:
            with activation(args):
                return (yield from fn(*args, **kwargs))

        wrapper = generator_wrapper
    elif inspect.isasyncgenfunction(fn):

        @functools.wraps(fn)
        async def async_generator_wrapper(*args: Any, **kwargs: Any) -> Any:
            async with activation(args):
                async for item in fn(*args, **kwargs):
                    yield item

        wrapper = async_generator_wrapper
    else:

        @functools.wraps(fn)
        def sync_wrapper(*args: Any, **kwargs: Any) -> Any:
            with activation(args):
                return fn(*args, **kwargs)

        wrapper = sync_wrapper
    setattr(wrapper, _WRAPPER, True)
    return wrapper


def _is_test_case(cls: type) -> bool:
    # A class can only be a TestCase if unittest is already imported: no need to import it.
    unittest = sys.modules.get("unittest")
    return unittest is not None and issubclass(cls, unittest.TestCase)


def _decorate_test_case(cls: type[unittest.TestCase], settings: Settings) -> None:
    """Start a fresh mock before ``setUp``; stop it after the test's cleanups."""
    original_setup = _unwrap(cls.setUp)

    @functools.wraps(original_setup)
    def setUp(case: unittest.TestCase) -> None:
        mock = PersonalizeMock(settings)
        mock.start()
        case.addCleanup(mock.stop)
        original_setup(case)

    setattr(setUp, _WRAPPER, True)
    setattr(cls, "setUp", setUp)  # noqa: B010  (mypy rejects assigning a method)


def _call_xunit(bound: Callable[..., Any], method: Any) -> None:
    """Call ``setup_method``/``teardown_method`` as pytest does: with the test if it takes one."""
    if inspect.signature(bound).parameters:
        bound(method)
    else:
        bound()


def _decorate_plain_class(cls: C, settings: Settings) -> C:
    """Wrap each ``test*`` method; with setup/teardown methods, one mock spans all three."""
    for name in dir(cls):
        if not name.startswith("test"):
            continue
        member = inspect.getattr_static(cls, name)
        if isinstance(member, (staticmethod, classmethod)):
            setattr(cls, name, type(member)(_wrap(_unwrap(member.__func__), settings)))
        elif inspect.isfunction(member):
            setattr(cls, name, _wrap(_unwrap(member), settings, method=True))

    original_setup = _unwrap(inspect.getattr_static(cls, "setup_method", None))
    original_teardown = _unwrap(inspect.getattr_static(cls, "teardown_method", None))
    if original_setup is None and original_teardown is None:
        return cls

    def setup_method(self: Any, method: Any = None) -> None:
        mock = PersonalizeMock(settings)
        mock.start()
        setattr(self, _INSTANCE_MOCK, mock)
        if original_setup is not None:
            try:
                _call_xunit(original_setup.__get__(self, type(self)), method)
            except BaseException:
                mock.stop()
                raise

    def teardown_method(self: Any, method: Any = None) -> None:
        try:
            if original_teardown is not None:
                _call_xunit(original_teardown.__get__(self, type(self)), method)
        finally:
            mock = _instance_mock((self,))
            if mock is not None:
                mock.stop()

    for wrapper, original in ((setup_method, original_setup), (teardown_method, original_teardown)):
        if original is not None:
            functools.update_wrapper(wrapper, original)
        wrapper.__wrapped__ = original  # type: ignore[attr-defined]  # None: there was none
        setattr(wrapper, _WRAPPER, True)
        setattr(cls, wrapper.__name__, wrapper)
    return cls


@overload
def mock_personalize(target: C, /) -> C: ...


@overload
def mock_personalize(target: AF, /) -> AF: ...


@overload
def mock_personalize(target: F, /) -> F: ...


@overload
def mock_personalize(target: None = None, /, **options: Any) -> PersonalizeMock: ...


def mock_personalize(target: Any = None, /, **options: Any) -> Any:
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
        TypeError: for an option that does not exist, or a ``target`` that
            is neither callable nor a class.
        ValueError: for an option value the setting does not accept.
    """
    mock = PersonalizeMock(Settings.from_options(options))
    if target is None:
        return mock
    return mock(target)
