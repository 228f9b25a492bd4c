"""Stage 1 (structure): a parsed report checked against the published JSON Schema.

Split from `load` because the schema's verdicts need translating: jsonschema
says "'x' is not of type 'array'"; an editor needs "sections must be a list,
not a string (start each section with '- ')", at the line of the value, and
one diagnostic per mistake, not three symptoms of it.
"""

from __future__ import annotations

import datetime
import difflib
import functools
import json
from collections.abc import Iterator
from importlib import resources
from typing import TYPE_CHECKING, Any

import fastjsonschema

from reportgen import yamltree
from reportgen.diagnostics import error
from reportgen.model import Diagnostic, Position

if TYPE_CHECKING:
    import jsonschema


def load_schema() -> dict[str, Any]:
    """The published JSON Schema, shipped inside the package so installs carry it."""
    text = resources.files("reportgen").joinpath("report.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _inline_refs(node: Any, defs: dict[str, Any]) -> Any:
    """The schema with local `$ref`s replaced by their definitions.

    Resolving references is most of jsonschema's cost per claim; the schema
    has no recursive definitions, so validating an inlined copy is equivalent.
    """
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            rest = {k: v for k, v in node.items() if k != "$ref"}
            return {**_inline_refs(defs[ref.removeprefix("#/$defs/")], defs), **rest}
        return {k: _inline_refs(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline_refs(v, defs) for v in node]
    return node


_SCHEMA = load_schema()


@functools.cache
def _explainer() -> Any:
    """The full validator, only built (and imported) when a file is invalid."""
    import jsonschema

    return jsonschema.Draft202012Validator(
        _inline_refs(_SCHEMA, _SCHEMA.get("$defs", {})),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


_FAST_CHECK = fastjsonschema.compile(
    {
        **_inline_refs(_SCHEMA, _SCHEMA.get("$defs", {})),
        "$schema": "http://json-schema.org/draft-07/schema#",
    },
    formats={"date": r"^\d{4}-\d{2}-\d{2}$"},
)


def validate(tree: yamltree.Tree, shown: str) -> list[Diagnostic]:
    """Schema problems, each at the YAML line of the offending key or value.

    A compiled validator answers yes or no quickly for the common, valid file;
    jsonschema then explains the rare invalid one.
    """
    try:
        _FAST_CHECK(tree.data)
        if _dates_valid(tree.data):
            return []
    except fastjsonschema.JsonSchemaException:
        pass
    out: list[Diagnostic] = []
    for problem in _explainer().iter_errors(tree.data):
        for leaf in _leaves(problem):
            out.append(_schema_diagnostic(leaf, tree, shown))
    return sorted(set(out), key=Diagnostic.sort_key)


def _dates_valid(data: dict[str, Any]) -> bool:
    """Calendar check the compiled validator's date pattern leaves out (2026-02-30)."""
    for name in ("published", "last_checked"):
        try:
            datetime.date.fromisoformat(str(data.get(name)))
        except ValueError:
            return False
    return True


def _leaves(problem: jsonschema.ValidationError) -> Iterator[jsonschema.ValidationError]:
    """For anyOf failures, report the branch that matches the value's shape.

    A claim is text or a mapping; an editor who wrote a mapping wants to hear
    about the mapping's fields, not that it is also not a string.
    """
    if problem.validator != "anyOf" or not problem.context:
        yield problem
        return
    shape = json_type(problem.instance)
    branches = problem.validator_value if isinstance(problem.validator_value, list) else []
    for index, branch in enumerate(branches):
        if isinstance(branch, dict) and branch.get("type") == shape:
            for sub in problem.context:
                if sub.schema_path and sub.schema_path[0] == index:
                    yield from _leaves(sub)
            return
    yield problem


def _schema_diagnostic(
    problem: jsonschema.ValidationError, tree: yamltree.Tree, shown: str
) -> Diagnostic:
    path = list(problem.absolute_path)
    where = _path_text(path)
    line, column = (n + 1 for n in tree.value_at(tuple(path)))
    validator = problem.validator
    if validator == "additionalProperties" and isinstance(problem.instance, dict):
        schema = problem.schema if isinstance(problem.schema, dict) else {}
        allowed = sorted(schema.get("properties", {}))
        extra = sorted(set(problem.instance) - set(allowed))
        name = extra[0] if extra else "?"
        if (*path, name) in tree.keys:
            line, column = (n + 1 for n in tree.keys[(*path, name)])
        close = difflib.get_close_matches(name, allowed, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"allowed: {', '.join(allowed)}"
        return error(
            "schema", f"unknown field '{name}' in {where}", Position(shown, line, column), hint
        )
    if validator == "required":
        missing = str(problem.message).split("'")[1] if "'" in problem.message else "?"
        return error(
            "schema",
            f"missing required field '{missing}' in {where}",
            Position(shown, line, column),
        )
    if validator == "type":
        expected = problem.validator_value
        kinds = expected if isinstance(expected, list) else [expected]
        wanted = " or ".join(yaml_word(str(k)) for k in kinds)
        got = yaml_word(json_type(problem.instance))
        message = f"{where} must be {_article(wanted)} {wanted}, not {_article(got)} {got}"
        return error("schema", message, Position(shown, line, column))
    if validator == "anyOf":
        message = f"{where} must be claim text or a mapping with 'text' (and optional 'id', 'cite')"
        return error("schema", message, Position(shown, line, column))
    message = f"{where}: {_short(problem.message)}"
    if validator == "format":
        message = f"{where} must be a date written YYYY-MM-DD, not {problem.instance!r}"
    elif validator == "pattern":
        message = f"{where} {problem.instance!r} may use only lowercase letters, digits and hyphens"
    elif validator in ("minItems", "minLength"):
        message = f"{where} must not be empty"
    elif validator == "maxLength":
        length = len(problem.instance) if isinstance(problem.instance, str) else 0
        message = (
            f"{where} is {length:,} characters long; at most {problem.validator_value} are allowed"
        )
    return error("schema", message, Position(shown, line, column))


def _path_text(path: list[str | int]) -> str:
    """`sections[1].claims[2]`: the place in the file as an editor counts (from 1)."""
    text = ""
    for step in path:
        text += f"[{step + 1}]" if isinstance(step, int) else f".{step}" if text else str(step)
    return text or "report"


def _short(message: str) -> str:
    return message if len(message) <= 120 else message[:117] + "..."


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def yaml_word(json_type: str) -> str:
    """JSON Schema's type names in the words of YAML editors."""
    return {"array": "list", "object": "mapping", "null": "empty value"}.get(json_type, json_type)


def json_type(value: Any) -> str:
    names = {
        bool: "boolean",
        int: "integer",
        float: "number",
        str: "string",
        list: "array",
        dict: "object",
        type(None): "null",
    }
    for kind, name in names.items():
        if isinstance(value, kind):
            return name
    return type(value).__name__
