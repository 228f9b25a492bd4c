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
import re
from collections.abc import Iterator
from importlib import resources
from typing import TYPE_CHECKING, Any

import fastjsonschema

from reportgen import yamlhelp, yamltree
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


def validate(tree: yamltree.Tree, shown: str, text: str = "") -> list[Diagnostic]:
    """Schema problems, each at the YAML line of the offending key or value.

    A compiled validator answers yes or no quickly for the common, valid file;
    jsonschema then explains the rare invalid one. One mistake gives one
    diagnostic: a claim YAML split at ': ' is reported as that, not as a
    missing 'text' plus an unknown field; a misspelt required field as the
    misspelling, not also as missing.
    """
    try:
        _FAST_CHECK(tree.data)
        if _dates_valid(tree.data):
            return []
    except fastjsonschema.JsonSchemaException:
        pass
    lines = text.splitlines()
    split_claims = _claims_split_at_colon(tree, shown, lines)
    covered = {path for path, _ in split_claims}
    out: list[Diagnostic] = [d for _, d in split_claims]
    problems = [
        leaf
        for problem in _explainer().iter_errors(tree.data)
        for leaf in _leaves(problem)
        if not any(tuple(leaf.absolute_path)[: len(p)] == p for p in covered)
    ]
    misspelt = {
        (tuple(p.absolute_path), name)
        for p in problems
        if p.validator == "additionalProperties" and isinstance(p.instance, dict)
        for name in p.instance
        if isinstance(p.schema, dict) and name not in p.schema.get("properties", {})
    }
    for leaf in problems:
        if leaf.validator == "required" and _misspelt(leaf, misspelt):
            continue
        if leaf.validator == "pattern" and leaf.instance == "":
            continue  # reported once, as empty (minLength)
        out.append(_schema_diagnostic(leaf, tree, shown, lines))
    return sorted(set(out), key=Diagnostic.sort_key)


def _misspelt(problem: jsonschema.ValidationError, unknown: set[tuple[Any, str]]) -> bool:
    """A required field missing because the editor misspelt it (reported as the misspelling)."""
    missing = str(problem.message).split("'")[1] if "'" in problem.message else ""
    here = tuple(problem.absolute_path)
    return any(
        path == here and difflib.get_close_matches(missing, [name], n=1) for path, name in unknown
    )


_CLAIM_LISTS = ("summary", "open_questions", "bottom_line")
_CLAIM_FIELDS = {"text", "id", "cite"}


def _claims_split_at_colon(
    tree: yamltree.Tree, shown: str, lines: list[str]
) -> list[tuple[tuple[str | int, ...], Diagnostic]]:
    """`- Reporting found: many things` is a mapping to YAML; the editor meant one claim."""
    data = tree.data if isinstance(tree.data, dict) else {}
    places: list[tuple[tuple[str | int, ...], Any]] = [
        ((name,), data.get(name)) for name in _CLAIM_LISTS
    ]
    sections = data.get("sections")
    if isinstance(sections, list):
        places += [
            (("sections", i, "claims"), s.get("claims"))
            for i, s in enumerate(sections)
            if isinstance(s, dict)
        ]
    found = []
    for path, items in places:
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            if not isinstance(item, dict) or set(item) & _CLAIM_FIELDS or len(item) != 1:
                continue
            claim_path = (*path, index)
            line0, col0 = tree.value_at(claim_path)
            raw = lines[line0] if line0 < len(lines) else ""
            (name,) = item
            found.append(
                (
                    claim_path,
                    error(
                        "schema",
                        f"this claim contains ': ', so YAML reads '{name}' as a field name",
                        Position(shown, line0 + 1, col0 + 1),
                        yamlhelp.quote_hint(raw),
                    ),
                )
            )
    return found


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


_TEXT_FIELDS = ("title", "description", "open_questions_title", "text")
_YAML_WORDS = {"yes", "no", "true", "false", "on", "off", "y", "n", "null", "~"}


def _schema_diagnostic(
    problem: jsonschema.ValidationError, tree: yamltree.Tree, shown: str, lines: list[str]
) -> Diagnostic:
    path = list(problem.absolute_path)
    where = _path_text(path)
    line, column = (n + 1 for n in tree.value_at(tuple(path)))
    raw = lines[line - 1] if 0 < line <= len(lines) else ""
    position = Position(shown, line, column)
    validator = problem.validator
    if validator == "additionalProperties" and isinstance(problem.instance, dict):
        schema = problem.schema if isinstance(problem.schema, dict) else {}
        allowed = sorted(schema.get("properties", {}))
        extra = sorted(set(problem.instance) - set(allowed))
        name = extra[0] if extra else "?"
        if (*path, name) in tree.keys:
            line, column = (n + 1 for n in tree.keys[(*path, name)])
        close = difflib.get_close_matches(name, allowed, n=1)
        advice = f"did you mean '{close[0]}'?" if close else f"allowed: {', '.join(allowed)}"
        return error(
            "schema", f"unknown field '{name}' in {where}", Position(shown, line, column), advice
        )
    if validator == "required":
        missing = str(problem.message).split("'")[1] if "'" in problem.message else "?"
        return error("schema", f"missing required field '{missing}' in {where}", position)
    if validator in ("type", "anyOf"):
        return _wrong_type(problem, where, position, raw)
    message = f"{where}: {_short(problem.message)}"
    hint: str | None = None
    if validator == "format":
        message, hint = _date_message(where, str(problem.instance))
    elif validator == "pattern" and problem.validator_value == "\\S":
        message = f"{where} must not be empty or only spaces"
    elif validator == "pattern":
        message = f"{where} {problem.instance!r} may use only lowercase letters, digits and hyphens"
    elif validator in ("minItems", "minLength"):
        message = f"{where} must not be empty"
    elif validator == "maxLength":
        length = len(problem.instance) if isinstance(problem.instance, str) else 0
        message = (
            f"{where} is {length:,} characters long; at most {problem.validator_value} are allowed"
        )
    return error("schema", message, position, hint)


def _wrong_type(
    problem: jsonschema.ValidationError, where: str, position: Position, raw: str
) -> Diagnostic:
    """A value of the wrong kind, with the YAML reading that most likely caused it."""
    instance = problem.instance
    if problem.validator == "anyOf":
        wanted = "claim text or a mapping with 'text' (and optional 'id', 'cite')"
    else:
        expected = problem.validator_value
        kinds = expected if isinstance(expected, list) else [expected]
        words = " or ".join(yaml_word(str(k)) for k in kinds)
        wanted = f"{_article(words)} {words}"
    got = yaml_word(json_type(instance))
    message = f"{where} must be {wanted}, not {_article(got)} {got}"
    hint: str | None = None
    written = raw.split(":", 1)[-1].strip() if ":" in raw else raw.strip().removeprefix("- ")
    wants_text = problem.validator == "anyOf" or "string" in str(problem.validator_value)
    wants_list = problem.validator == "type" and "array" in str(problem.validator_value)
    is_date = where in ("published", "last_checked")
    if is_date:
        message = f"{where} must be a date written YYYY-MM-DD, not {_article(got)} {got}"
        hint = "for example 2026-03-31"
    elif wants_text and instance is None and written.lstrip("- ").startswith("#"):
        message = f"{where} is empty: YAML reads a text that starts with '#' as a comment"
        hint = yamlhelp.quote_hint(raw)
    elif wants_text and isinstance(instance, bool | int | float):
        message = f"{where} must be text, but YAML reads '{written}' as {_article(got)} {got}"
        hint = yamlhelp.quote_hint(raw)
    elif wants_text and instance is None:
        message = f"{where} is empty"
        hint = (
            "write the text after the dash, or remove the line"
            if where.endswith("]")
            else "write the text after the colon"
        )
    elif wants_list and isinstance(instance, str):
        hint = (
            f"write cite: [{instance}]"
            if where.endswith(".cite")
            else "start each item with '- ' on its own line"
        )
    elif wants_list and instance is None:
        hint = "add at least one item below it, each on its own line starting with '- '"
    return error("schema", message, position, hint)


def _date_message(where: str, value: str) -> tuple[str, str | None]:
    """A date that is not YYYY-MM-DD, or not a day of the calendar."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return (
            f"{where} {value} is not a day of the calendar",
            "check the month and the day",
        )
    parts = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value)
    if parts:
        padded = f"{parts[1]}-{int(parts[2]):02d}-{int(parts[3]):02d}"
        return f"{where} must be written YYYY-MM-DD, not {value!r}", f"write {padded}"
    return (
        f"{where} must be written YYYY-MM-DD (year first), not {value!r}",
        "for example 2026-03-31",
    )


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
