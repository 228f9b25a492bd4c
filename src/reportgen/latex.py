r"""LaTeX in bibliography fields to the Unicode text a careful reader expects.

pylatexenc does the parsing and most of the conversion; this module extends
its macro tables with what real bibliographies contain (biblatex's
`\mkbibquote`, `\hyphen`, `\TeX`, Zotero's `\href`, `@preamble` definitions)
and keeps the text LaTeX would lose or mangle but an editor meant literally:
bare `%`, `&`, `#`, `_` and currency `$`, URLs with `~`. Nothing is ever
dropped silently: an unknown command keeps its argument (or its name) and is
reported back to the caller, which turns it into a diagnostic.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

_SYNTAX = re.compile(r"[\\$~`^_%&#{}<>]|--|''")
_ASCII_SPACE = re.compile(r"[ \t\r\n]+")
_URL = re.compile(r"(?:https?|ftp)://(?:[^\s{}\\]|\\[%#&_~$])+")
_VERBATIM = re.compile(
    r"\\(?:url|nolinkurl)\s*\{((?:[^{}]|\{[^{}]*\})*)\}|\\(?:path|verb)\*?\s*([|!+=/])(.*?)\2"
)
_URL_ESCAPE = re.compile(r"\\([%#&_~$])")
_PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")
_DOLLAR = re.compile(r"(?<!\\)\$")
_NEWCOMMAND = re.compile(
    r"\\(?:re)?(?:newcommand|providecommand|DeclareRobustCommand)\*?\s*\{?\\([A-Za-z]+)\}?"
    r"\s*(?:\[(\d)\])?\s*\{"
)
_SINGLE_QUOTES = re.compile(r"(?<![`\\])`(?!`)([^`']*)(?<!\\)'(?!')")
_GUILLEMETS = (("<<", "\u00ab"), (">>", "\u00bb"))

# Commands that print a word, a character or nothing, beyond pylatexenc's own tables.
_WORDS = {
    "TeX": "TeX",
    "LaTeX": "LaTeX",
    "LaTeXe": "LaTeX2e",
    "BibTeX": "BibTeX",
    "XeTeX": "XeTeX",
    "XeLaTeX": "XeLaTeX",
    "LuaTeX": "LuaTeX",
    "ConTeXt": "ConTeXt",
    "hyphen": "-",
    "slash": "/",
    "textmu": "\u00b5",
    "textbackslash": "\\",
    "textbar": "|",
    "textless": "<",
    "textgreater": ">",
    "textasciitilde": "~",
    "textasciicircum": "^",
    "textunderscore": "_",
    "textdollar": "$",
    "textquotesingle": "'",
    "textquotedbl": '"',
    "textperiodcentered": "\u00b7",
    "textellipsis": "\u2026",
    "dots": "\u2026",
    "ldots": "\u2026",
    "quad": "\u2003",
    "qquad": "\u2003\u2003",
    ",": "\u2009",
    "thinspace": "\u2009",
    "enspace": "\u2002",
    "-": "",
    "/": "",
    "!": "",
    "relax": "",
    "ud": " ",
    "par": " ",
    "newblock": " ",
    "protect": "",
    "nobreak": "",
    "unskip": "",
    "em": "",
    "it": "",
    "bf": "",
    "sc": "",
    "tt": "",
    "sf": "",
    "rm": "",
    "sl": "",
    "up": "",
    "normalfont": "",
    "itshape": "",
    "bfseries": "",
    "scshape": "",
    "ttfamily": "",
    "upshape": "",
    "mdseries": "",
    "small": "",
    "footnotesize": "",
    "large": "",
    "Large": "",
    "huge": "",
    "mkbibdateshort": "",
}
# Commands whose one argument is printed as is (their style is lost, never their text).
_KEEP_ARGUMENT = (
    "autocap",
    "mkbibemph",
    "mkbibitalic",
    "mkbibbold",
    "textsc",
    "textsf",
    "texttt",
    "textrm",
    "textup",
    "textmd",
    "textnormal",
    "textsl",
    "emph",
    "textit",
    "textbf",
    "mbox",
    "hbox",
    "text",
    "textsuperscript",
    "textsubscript",
    "uppercase",
    "lowercase",
    "MakeUppercase",
    "MakeLowercase",
    "NoCaseChange",
    "nocite",
    "ensuremath",
    "mathrm",
    "mathit",
    "mathbf",
    "mathsf",
    "mathtt",
    "operatorname",
    "foreignlanguage@",
)
_QUOTE_ARGUMENT = ("mkbibquote", "enquote", "mkbibquote*", "enquote*", "textquote")
_DROP_ARGUMENT = ("noopsort", "sortnoop", "SortNoop", "noop", "hyphenation", "label", "index")
_CITE_COMMANDS = ("cite", "citep", "citet", "autocite", "parencite", "textcite", "footcite")
_MATH_OPERATORS = ("log", "ln", "exp", "sin", "cos", "tan", "max", "min", "lim", "det", "deg")


@dataclass
class Decoded:
    """Decoded text, and the LaTeX commands that were not understood (their text is kept)."""

    text: str
    unknown: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Macro:
    r"""A `\newcommand` from the bibliography's `@preamble`: name, argument count, body."""

    name: str
    arguments: int
    body: str


def preamble_macros(preamble: str) -> tuple[Macro, ...]:
    r"""`\newcommand{\switchargs}[2]{#2#1}` and friends, as written in `@preamble`."""
    found = []
    for match in _NEWCOMMAND.finditer(preamble):
        body, _ = _braced(preamble, match.end() - 1)
        if body is not None:
            found.append(Macro(match.group(1), int(match.group(2) or 0), body))
    return tuple(found)


def _braced(text: str, start: int) -> tuple[str | None, int]:
    """The content of the brace group opening at `start`, and the index after it."""
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if char == "\\":
            continue
        if char == "{" and (index == 0 or text[index - 1] != "\\"):
            depth += 1
        elif char == "}" and text[index - 1] != "\\":
            depth -= 1
            if depth == 0:
                return text[start + 1 : index], index + 1
    return None, len(text)


def _expand(text: str, macros: tuple[Macro, ...]) -> str:
    """Apply preamble definitions (bounded, so a recursive definition cannot loop)."""
    for _ in range(5):
        changed = False
        for macro in macros:
            pattern = re.compile(rf"\\{macro.name}(?![A-Za-z])\s*")
            position = 0
            while True:
                match = pattern.search(text, position)
                if match is None:
                    break
                cursor, arguments = match.end(), []
                for _argument in range(macro.arguments):
                    while cursor < len(text) and text[cursor] == " ":
                        cursor += 1
                    if cursor < len(text) and text[cursor] == "{":
                        value, cursor = _braced(text, cursor)
                        arguments.append(value or "")
                    elif cursor < len(text):
                        arguments.append(text[cursor])
                        cursor += 1
                body = macro.body
                for number, value in enumerate(arguments, start=1):
                    body = body.replace(f"#{number}", value)
                text = text[: match.start()] + "{" + body + "}" + text[cursor:]
                position = match.start() + len(body) + 2
                changed = True
        if not changed:
            break
    return text


class _Converter:
    """pylatexenc's parser and text converter, extended once per process."""

    def __init__(self) -> None:
        from pylatexenc import latexwalker, macrospec
        from pylatexenc.latex2text import (
            LatexNodes2Text,
            MacroTextSpec,
            SpecialsTextSpec,
            get_default_latex_context_db,
        )

        self.latexwalker = latexwalker
        parse_db = latexwalker.get_default_latex_context_db()
        one = [*_KEEP_ARGUMENT, *_QUOTE_ARGUMENT, *_DROP_ARGUMENT]
        parse_db.add_context_category(
            "reportgen",
            prepend=True,
            macros=[
                *(macrospec.std_macro(name.rstrip("*"), name.endswith("*"), 1) for name in one),
                macrospec.std_macro("href", False, 2),
                *(macrospec.std_macro(name, "*[[{") for name in _CITE_COMMANDS),
                macrospec.std_macro("sqrt", "[{"),
                macrospec.std_macro("foreignlanguage", False, 2),
                *(macrospec.std_macro(name, False, 0) for name in _WORDS if name.isalpha()),
            ],
            specials=[macrospec.std_specials("~")],
        )
        self.parse_db = parse_db
        text_db = get_default_latex_context_db()
        self.known: set[str] = set()
        specs = [MacroTextSpec(name, simplify_repl=value) for name, value in _WORDS.items()]
        specs += [MacroTextSpec(name.rstrip("*"), simplify_repl="%(1)s") for name in _KEEP_ARGUMENT]
        specs += [
            MacroTextSpec(name.rstrip("*"), simplify_repl="\u201c%(2)s\u201d")
            if name.endswith("*")
            else MacroTextSpec(name, simplify_repl="\u201c%(1)s\u201d")
            for name in _QUOTE_ARGUMENT
            if not name.endswith("*")
        ]
        specs += [
            MacroTextSpec(name, simplify_repl="\u201c%(2)s\u201d")
            for name in ("enquote", "mkbibquote")
        ]
        specs += [MacroTextSpec(name, discard=True) for name in _DROP_ARGUMENT]
        specs += [
            MacroTextSpec("href", simplify_repl="%(2)s"),
            MacroTextSpec("foreignlanguage", simplify_repl="%(2)s"),
            MacroTextSpec("sqrt", simplify_repl=self._sqrt),
        ]
        specs += [MacroTextSpec(name, simplify_repl=f" {name} ") for name in _MATH_OPERATORS]
        specs += [MacroTextSpec(name, simplify_repl=self._cite) for name in _CITE_COMMANDS]
        text_db.add_context_category(
            "reportgen",
            prepend=True,
            macros=specs,
            specials=[SpecialsTextSpec("~", "\u00a0")],
        )
        self.text_db = text_db
        self.source = ""
        self.unknown: list[str] = []
        converter = self

        class _Text(LatexNodes2Text):  # type: ignore[misc]
            def macro_node_to_text(self, node: Any) -> str:
                if self.latex_context.get_macro_spec(node.macroname) is None:
                    return converter.unknown_macro(node)
                return str(super().macro_node_to_text(node))

        self.to_text = _Text(
            latex_context=text_db,
            math_mode="text",
            strict_latex_spaces={
                "between-macro-and-chars": True,
                "between-latex-constructs": True,
                "after-comment": True,
                "in-equations": {
                    "between-macro-and-chars": False,
                    "between-latex-constructs": False,
                    "after-comment": True,
                    "in-equations": None,
                },
            },
        )

    def _cite(self, node: Any, l2tobj: Any) -> str:
        r"""`\cite{key}` inside a note names another work: keep the key, in brackets."""
        arguments = node.nodeargd.argnlist if node.nodeargd else []
        keys = l2tobj.nodelist_to_text([arguments[-1]]) if arguments and arguments[-1] else ""
        return f"[{keys}]"

    def _sqrt(self, node: Any, l2tobj: Any) -> str:
        argument = node.nodeargd.argnlist[-1] if node.nodeargd else None
        inner = l2tobj.nodelist_to_text([argument]) if argument is not None else ""
        return "\u221a" + (inner if len(inner) <= 1 else f"({inner})")

    def unknown_macro(self, node: Any) -> str:
        r"""Keep what an unknown command would lose, and remember it for the report.

        Its argument follows as a group and is printed anyway; a command with no
        argument keeps its name (`\XeTeX` -> 'XeTeX').
        """
        name = str(node.macroname)
        self.unknown.append(name)
        after = self.source[node.pos + node.len : node.pos + node.len + 1]
        if not name.isalpha() or after == "{":
            return ""
        return name + (" " if node.macro_post_space else "")

    def convert(self, text: str) -> Decoded:
        self.source = text
        self.unknown = []
        walker = self.latexwalker.LatexWalker(
            text, latex_context=self.parse_db, tolerant_parsing=True
        )
        nodes, _, _ = walker.get_latex_nodes()
        return Decoded(str(self.to_text.nodelist_to_text(nodes)), list(self.unknown))


@functools.cache
def _converter() -> _Converter:
    return _Converter()


def _protect(text: str, kept: list[str]) -> str:
    r"""Replace literal passages (URLs, `\url{}`, `\path||`) with placeholders."""

    def keep(value: str) -> str:
        kept.append(_URL_ESCAPE.sub(r"\1", value))
        return f"\ue000{len(kept) - 1}\ue001"

    def verbatim(match: re.Match[str]) -> str:
        return keep(match.group(1) if match.group(1) is not None else match.group(3))

    text = _VERBATIM.sub(verbatim, text)
    # A URL inside \href{...}{...} is the link target, not text: leave it to \href.
    return _URL.sub(
        lambda m: m.group(0) if _in_href_target(text, m.start()) else keep(m.group(0)), text
    )


def _in_href_target(text: str, position: int) -> bool:
    opening = text.rfind("\\href{", 0, position)
    return opening >= 0 and text.find("}", opening, position) < 0


def _escape_bare(text: str) -> str:
    r"""Escape what LaTeX treats as syntax but editors write as text.

    `50%`, `Taylor & Francis`, `#DYK`, `Test_Publisher`, `$5`: escaped so the
    parser reads them as the characters they are.
    """
    text = _currency(text)
    parts = _DOLLAR.split(text)
    for index in range(0, len(parts), 2):  # even parts are outside $...$
        parts[index] = re.sub(r"(?<!\\)([%&#_])", r"\\\1", parts[index])
    return "$".join(parts)


def _currency(text: str) -> str:
    """A `$` that opens no formula (`costs $5 and $10`) is a dollar sign."""
    out, position = [], 0
    while True:
        match = _DOLLAR.search(text, position)
        if match is None:
            out.append(text[position:])
            return "".join(out)
        start = match.start()
        closing = _DOLLAR.search(text, start + 1)
        inner = text[start + 1 : closing.start()] if closing else ""
        money = closing is None or (
            inner[:1].isdigit() and not re.search(r"[\\^_{}]", inner) and " " in inner
        )
        if money:
            out.append(text[position:start] + "\\$")
            position = start + 1
        else:
            end = closing.end() if closing else len(text)
            out.append(text[position:end])
            position = end


def decode(value: str, macros: tuple[Macro, ...] = ()) -> Decoded:
    """Field text as a reader should see it; see the module docstring for the rules."""
    if not _SYNTAX.search(value):
        return Decoded(_finish(value))
    kept: list[str] = []
    text = _expand(value, macros) if macros else value
    text = _protect(text, kept)
    text = _escape_bare(text)
    for ascii_form, char in _GUILLEMETS:
        text = text.replace(ascii_form, char)
    text = _SINGLE_QUOTES.sub("\u2018\\1\u2019", text)
    try:
        decoded = _converter().convert(text)
    except Exception:  # pylatexenc is tolerant; a bad field must still never crash a build
        decoded = Decoded(value, ["(unparsable LaTeX)"])
    result = _PLACEHOLDER.sub(lambda m: kept[int(m.group(1))], decoded.text)
    return Decoded(_finish(result), decoded.unknown)


def _finish(text: str) -> str:
    """ASCII whitespace collapses; no-break and thin spaces stay (they were meant)."""
    return unicodedata.normalize("NFC", _ASCII_SPACE.sub(" ", text).strip())


def decode_url(value: str) -> str:
    r"""A url/doi field: LaTeX escapes (`\%`, `\~`) undone, `\url{}` unwrapped, nothing else."""
    text = value.strip()
    match = re.fullmatch(r"\\(?:url|href)\s*\{(.*)\}(?:\{.*\})?", text)
    if match:
        text = match.group(1)
    return _URL_ESCAPE.sub(r"\1", text).replace("{", "").replace("}", "").strip()


def decode_literal(value: str) -> str:
    """A field that is data, not prose (dates, ISBNs): braces and edge spaces go, `~` stays."""
    return _ASCII_SPACE.sub(" ", value.replace("{", "").replace("}", "")).strip()
