"""The one registry of diagnostic codes: the code, the README table and the tests read it.

A code is part of the product's interface (CI filters on it, editors search
for it), so each one is declared once, with its severity, what it means and
how to fix it. `diagnostics.error`/`warning` refuse an unregistered code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    severity: str
    meaning: str
    fix: str


CONTENT = "content"
BIBLIOGRAPHY = "bibliography"
ENVIRONMENT = "environment"

CODES: dict[str, Code] = {
    # Content
    "placeholder": Code(
        "error",
        "`TODO` or `FIXME` left in a title, section title or claim (as `reportgen new` writes"
        " them)",
        "write the finished text",
    ),
    "uncited-claim": Code(
        "error",
        "a summary sentence, claim, open question or bottom-line claim cites nothing",
        "add `[@key]` where the evidence supports it, or a `cite:` list",
    ),
    "empty-claim": Code(
        "error",
        'a claim that is only a citation (`"[@key]"`), with no text for it to support',
        "write the statement before the citation",
    ),
    "quote-not-cited": Code(
        "error",
        "a claim's `quotes:` names a source the claim does not cite",
        "cite the source in the claim, or move the quote",
    ),
    "quote-too-long": Code(
        "error",
        "a supporting quote over `max_quote_words` (75) words: quote, do not copy",
        "quote the sentence that supports the claim",
    ),
    "note-without-date": Code(
        "error",
        "an editor's note (`note:` on a claim) without its `date`",
        "add `date: YYYY-MM-DD` under `note:`",
    ),
    "quote-needs-context": Code(
        "warning",
        "a supporting quote of fewer than 4 words with no `before`/`after`: its link may open"
        " the source at another place with the same words",
        "write the quote as `{text: ..., before: ..., after: ...}`",
    ),
    "correction-unknown-claim": Code(
        "error",
        "a correction names a claim id the report does not have",
        "use the claim's `id:`, or the derived id in its permalink (`s1-2`, `oq-1`)",
    ),
    "date-order": Code(
        "error",
        "`last_checked` before `published`, a correction dated before publication, or a date"
        " in the future",
        "use the dates the work was done",
    ),
    "unknown-source": Code(
        "error",
        "a citation names a key that is not in `references.bib` (hint: did you mean...)",
        "fix the key (keys are case-sensitive) or add the entry",
    ),
    "citation-syntax": Code(
        "error",
        "a malformed group: `[@` unclosed, `[@]`, `[@a;]`, a key with spaces, `[@-key]`",
        "write `[@key]`, `[@a; @b]`, or `[@{-key}]` for unusual keys",
    ),
    "missing-open-questions": Code(
        "error",
        "no `open_questions`, or an empty list",
        "list what the sources do not settle, each cited",
    ),
    "duplicate-claim-id": Code(
        "error",
        "two claims share an id, or an id takes a built-in anchor (`summary`, `sources`,"
        " `src-N`...)",
        "give the claim its own `id`",
    ),
    "duplicate-slug": Code("error", "two reports share a slug (one page)", "rename one slug"),
    "schema": Code(
        "error",
        "wrong type, unknown field (with did-you-mean), missing required field, bad date or"
        " slug, a heading over 300 characters; at the YAML line",
        "follow the message; the schema documents each field",
    ),
    "yaml-syntax": Code(
        "error",
        "not parseable YAML: tabs, duplicate keys, unclosed quotes, aliases, tags",
        "fix at the line shown",
    ),
    "encoding": Code("error", "the file is not UTF-8", "save as UTF-8"),
    "unreadable": Code(
        "error",
        "a content file or the bib cannot be read: permissions, a folder, a device or pipe"
        " (`/dev/zero`, a FIFO) instead of a regular file",
        "make it a readable regular file",
    ),
    "no-content": Code(
        "error",
        "the content directory (`content_dir`) does not exist",
        "create it, or fix `content_dir` in `mkdocs.yml`",
    ),
    "file-too-large": Code(
        "error",
        "a content file over `max_content_bytes` (1 MB) or a bib over `max_bib_bytes` (50 MB);"
        " never read past the limit",
        "split it, or raise the limit in `mkdocs.yml`",
    ),
    # Bibliography
    "duplicate-source": Code(
        "error",
        "the same bib key twice (also keys equal but for case)",
        "remove or rename one entry",
    ),
    "bib-syntax": Code(
        "error",
        "an entry or value BibTeX cannot read (unbalanced braces, a missing comma, a"
        " malformed `#`), or no bib",
        "fix the entry at the line shown",
    ),
    "incomplete-source": Code(
        "error",
        "an entry without a title, or that readers cannot find: no url, doi, eprint or isbn,"
        " and not what its type needs (an article's journal and year, a book's publisher and"
        " year, a report's number...)",
        "add the missing field",
    ),
    "unsafe-url": Code(
        "error",
        "a url whose scheme is not http/https (`javascript:`, `data:`...), with spaces, or with"
        " invisible or direction-changing characters (U+202E, U+200B)",
        "use a full `https://` address, typed plainly",
    ),
    "unused-source": Code(
        "warning",
        "a bib entry no report cites (entries a cited one inherits from count as cited)",
        "cite it or remove it",
    ),
    "undefined-macro": Code(
        "warning",
        "a value uses an `@string` macro that is not defined (BibTeX prints nothing; the name"
        " is shown)",
        "define it with `@string`, or put the text in braces",
    ),
    "duplicate-field": Code(
        "warning",
        "a field appears twice in one entry (any letter case); the first value is used",
        "remove one of them",
    ),
    "missing-parent": Code(
        "warning",
        "`crossref` or `xdata` names an entry that is not in the bib; nothing is inherited",
        "add that entry, or remove the field",
    ),
    "bib-latex": Code(
        "warning",
        "a field uses a LaTeX command reportgen does not know; its text is kept, the command"
        " dropped",
        "write the text without the command",
    ),
    # `reportgen import` (plain-text briefs)
    "import-structure": Code(
        "error",
        "the brief is empty, or has no summary or bottom line",
        "give the brief its title, summary, sections and bottom line",
    ),
    "import-unknown-number": Code(
        "error",
        "a `[n]` marker with no n-th source in the sources `.bib`",
        "add the source, or map it with `--map N=key`",
    ),
    "import-empty-section": Code(
        "error", "a numbered section with no text", "write the section or remove its heading"
    ),
    "import-conflict": Code(
        "error",
        "a key of the brief's sources already names a different source in `references.bib`",
        "give one of them another key, or make them the same source",
    ),
    "import-numbering": Code(
        "warning",
        "the brief does not number its sources in order of first citation, so the site's"
        " numbers will differ from the brief's",
        "renumber the brief, or accept the site's numbering",
    ),
    # The site's settings
    "missing-site-url": Code(
        "warning",
        "`mkdocs.yml` has no `site_url`: feeds, sharing cards, citation tags, canonical links"
        " and the sitemap need the site's address",
        "add `site_url: https://...` (where the site is published) to `mkdocs.yml`",
    ),
    # The user's environment and invocation (exit 2)
    "config": Code(
        "error",
        "a reportgen option in `mkdocs.yml` is unknown or has a wrong value"
        " (`max_content_bytes: lots`), or `site_dir`/`docs_dir`/`strict` has the wrong type",
        "fix the value at the line shown",
    ),
    "output-refused": Code(
        "error",
        "the output folder is or contains the project, its content, bib, docs, config or"
        " `.git`, or is a non-empty folder reportgen did not build",
        "choose another `--out`/`site_dir`, or `--force` for a foreign folder",
    ),
    "output-unwritable": Code(
        "error",
        "the site cannot be written: full disk, read-only folder, permissions; the previous"
        " site is kept",
        "free space or fix permissions, then build again",
    ),
    "environment": Code(
        "error",
        "the machine refused another file operation (disk full, read-only, permissions)",
        "fix the file system problem named",
    ),
}


def markdown_table() -> str:
    """The README's diagnostics table, generated so it cannot drift from the code."""
    rows = ["| code | severity | meaning | fix |", "| --- | --- | --- | --- |"]
    for name, code in CODES.items():
        severity = "warning (error with `--strict`)" if code.severity == "warning" else "error"
        rows.append(f"| `{name}` | {severity} | {code.meaning} | {code.fix} |")
    return "\n".join(rows) + "\n"
