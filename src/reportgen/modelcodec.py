"""Loaded models to JSON and back, for the load cache.

JSON, not pickle: a cache restored by CI from another run must never be able
to run code, only to hold data. The shapes come from the models' own type
hints, so a new field is cached without anyone touching this file; each
dataclass is written as a list of its fields in order (half the size of a
mapping, and the decoders below are compiled once per type, not per object).
Fields marked `metadata={"derived": True}` are left out: the model computes
them again when it is made.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import operator
import types
import typing
from collections.abc import Callable, Hashable
from typing import Any

Decoder = Callable[[Any], Any]
Encoder = Callable[[Any], Any]


def encode(value: Any) -> Any:
    """Plain JSON data (lists, strings, numbers, null) for a model value."""
    return _encoder(typing.cast(Hashable, type(value)))(value)


@functools.cache
def _encoder(hashable: Hashable) -> Encoder:
    """How to encode values of one runtime type, worked out once per type."""
    kind = typing.cast(type, hashable)
    if dataclasses.is_dataclass(kind):
        getters = [operator.attrgetter(f.name) for f in _stored_fields(kind)]
        return lambda value: [encode(get(value)) for get in getters]
    if issubclass(kind, enum.Enum):
        return operator.attrgetter("value")
    if issubclass(kind, dict):
        return lambda value: {key: encode(item) for key, item in value.items()}
    if issubclass(kind, tuple | list):  # NamedTuples (Position) included
        return lambda value: [encode(item) for item in value]
    if issubclass(kind, frozenset | set):
        return lambda value: sorted(encode(item) for item in value)
    if kind is type(None) or issubclass(kind, str | int | float | bool):
        return _same
    raise TypeError(f"cannot cache a {kind.__name__}")


def decoder(kind: Any) -> Decoder:
    """A function from `encode`'s output back to a value of type `kind`."""
    return _decoder(kind)


@functools.cache
def _stored_fields(cls: type) -> tuple[dataclasses.Field[Any], ...]:
    return tuple(f for f in dataclasses.fields(cls) if not f.metadata.get("derived"))


@functools.cache
def _decoder(kind: Any) -> Decoder:
    origin = typing.get_origin(kind)
    arguments = typing.get_args(kind)
    if kind in (str, int, float, bool, typing.Any):
        return _same
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return kind
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _dataclass_decoder(kind)
    if isinstance(kind, type) and issubclass(kind, tuple) and hasattr(kind, "_fields"):
        named: Callable[..., Any] = kind
        return lambda data: named(*data)
    if origin is tuple:
        if len(arguments) == 2 and arguments[1] is Ellipsis:
            item = _decoder(arguments[0])
            if item is _same:
                return tuple
            return lambda data: tuple([item(x) for x in data])
        items = [_decoder(a) for a in arguments]
        return lambda data: tuple([d(x) for d, x in zip(items, data, strict=True)])
    if origin is dict:
        value = _decoder(arguments[1])
        if value is _same:
            return dict
        return lambda data: {k: value(v) for k, v in data.items()}
    if origin is frozenset:
        return frozenset
    if origin in (typing.Union, types.UnionType):
        return _union_decoder(arguments)
    raise TypeError(f"no cache decoder for {kind!r}")


def _same(data: Any) -> Any:
    return data


def _union_decoder(arguments: tuple[Any, ...]) -> Decoder:
    """`X | None`, and `str | SomeDataclass` (told apart by their JSON shape)."""
    rest = [a for a in arguments if a is not type(None)]
    if len(rest) == 1:
        inner = _decoder(rest[0])
        return lambda data: None if data is None else inner(data)
    if len(rest) == 2 and str in rest:
        other = _decoder(next(a for a in rest if a is not str))
        return lambda data: data if data is None or isinstance(data, str) else other(data)
    raise TypeError(f"no cache decoder for the union {arguments!r}")


def _dataclass_decoder(cls: type) -> Decoder:
    hints = typing.get_type_hints(cls)
    fields = _stored_fields(cls)
    names = [f.name for f in fields]
    decoders = [_decoder(hints[name]) for name in names]
    make: Callable[..., Any] = cls
    if (
        all(f.init and f.kw_only is not True for f in fields)
        and [f.name for f in dataclasses.fields(cls)][: len(fields)] == names
    ):
        # The stored fields lead the signature: positional arguments, the fast call.
        count = len(names)

        def positional(data: list[Any]) -> Any:
            if len(data) != count:
                raise ValueError("cached shape differs")
            return make(*[d(x) for d, x in zip(decoders, data, strict=True)])

        return positional

    def decode(data: list[Any]) -> Any:
        return make(**{n: d(x) for n, d, x in zip(names, decoders, data, strict=True)})

    return decode
