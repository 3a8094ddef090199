"""Process-wide values built on first use, once, however many threads ask at the same time."""

import functools
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Once(Generic[T]):
    """`build()` run on the first call only (under a lock: a second thread waits, it does not build again).

    `reset()` forgets the value, so the next call builds afresh (after the data it was built from changed).
    """

    def __init__(self, build: Callable[[], T]):
        functools.update_wrapper(self, build)
        self._build, self._lock = build, threading.Lock()
        self._value: T | None = None
        self._built = False

    def __call__(self) -> T:
        if not self._built:
            with self._lock:
                if not self._built:
                    self._value, self._built = self._build(), True
        return self._value  # type: ignore[return-value]

    def reset(self) -> None:
        with self._lock:
            self._value, self._built = None, False


def once(build: Callable[[], T]) -> Once[T]:
    """Decorator: `@once def get_index(): return build_index()`."""
    return Once(build)
