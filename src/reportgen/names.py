"""Person and organization names as BibTeX defines them.

bibtexparser splits `and`-lists and name parts (First von Last, Jr) exactly
as BibTeX does; this module keeps that structure so JSON-LD can tell a
Person from an Organization and CSL-JSON can round-trip every part. A name
written in braces (`{Congressional Research Service}`) is one literal
organization name; `and others` means "et al.", not an author called others.
"""

from __future__ import annotations

from collections.abc import Callable

from bibtexparser.middlewares.names import (
    InvalidNameError,
    parse_single_name_into_parts,
    split_multiple_persons_names,
)

from reportgen.model import Name


def _is_literal(name: str) -> bool:
    """True when braces enclose the whole name: BibTeX then never splits it."""
    if not (name.startswith("{") and name.endswith("}")):
        return False
    depth = 0
    for index, char in enumerate(name):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0 and index != len(name) - 1:
                return False
    return True


def parse_names(value: str, decode: Callable[[str], str]) -> tuple[tuple[Name, ...], bool]:
    """An `author`-style field as names, and whether it ended with `and others`."""
    names: list[Name] = []
    et_al = False
    for raw in split_multiple_persons_names(value):
        written = raw.strip()
        if not written:
            continue
        if written == "others":
            et_al = True
            continue
        if _is_literal(written):
            names.append(Name(family=decode(written[1:-1]), literal=True))
            continue
        try:
            parts = parse_single_name_into_parts(written, strict=False)
        except InvalidNameError:
            names.append(Name(family=decode(written), literal=True))
            continue
        names.append(
            Name(
                family=decode(" ".join(parts.last)),
                given=decode(" ".join(parts.first)),
                particle=decode(" ".join(parts.von)),
                suffix=decode(" ".join(parts.jr)),
            )
        )
    return tuple(names), et_al
