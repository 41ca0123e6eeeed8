"""The caches of the validity judge, behind three named helpers.

Complaints repeat words, shingles, products and case ids, and a judge derives tables from its
settings; each of those is remembered in one of these, never in an ad-hoc dict.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

__all__ = ["DerivedFromSettings", "FreshWhenFull", "computed_once"]


class FreshWhenFull(dict[K, V], Generic[K, V]):
    """key -> compute(key), computed on first use; starts afresh once it holds `limit` entries.

    A plain dict rather than an LRU cache: looking a hit up (``map(table.__getitem__, keys)``)
    calls no Python code and, unlike an LRU cache, does not reorder entries.
    """

    def __init__(self, compute: Callable[[K], V], limit: int) -> None:
        super().__init__()
        self.compute = compute
        self.limit = limit

    def __missing__(self, key: K) -> V:
        if len(self) >= self.limit:
            self.clear()
        value = self[key] = self.compute(key)
        return value


class DerivedFromSettings:
    """Values a judge derives from some of its settings (phrase tables, gated patterns, ...),
    computed on first use and again whenever one of those settings is replaced by another object
    (settings are immutable values, so identity says whether they changed)."""

    def __init__(self) -> None:
        self._slots: dict[str, tuple[tuple[Any, ...], Any]] = {}

    def get(self, name: str, sources: tuple[Any, ...], compute: Callable[..., V]) -> V:
        """compute(*sources), remembered under `name` while `sources` stay the same objects."""
        cached = self._slots.get(name)
        if cached is None or len(cached[0]) != len(sources) or any(a is not b for a, b in zip(cached[0], sources, strict=True)):
            cached = (sources, compute(*sources))
            self._slots[name] = cached
        return cached[1]


class computed_once:
    """A lazily computed attribute, like `functools.cached_property` without its lock (Python 3.11
    takes a lock on every first access, which costs more than most of the values here): the value
    is stored in the instance dict, where later reads find it without calling anything."""

    def __init__(self, compute: Any) -> None:
        self.compute = compute
        self.name = compute.__name__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.compute(obj)
        return value
