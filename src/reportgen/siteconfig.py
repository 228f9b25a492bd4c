"""A site as the CLI finds it: mkdocs.yml read once, its reportgen options validated.

Every command but `init` and `schema` works on a site, so a missing or
unusable mkdocs.yml stops the command with exit 2 and a message that says what
to do, never an empty project that "passes".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from reportgen import options
from reportgen.diagnostics import error
from reportgen.model import Diagnostic, Position
from reportgen.settings import Settings
from reportgen.urls import SiteInfo


class UsageError(Exception):
    """A problem with how reportgen was invoked, not with the content (exit 2)."""


class ConfigError(Exception):
    """mkdocs.yml holds values reportgen cannot use; each is a diagnostic (exit 2)."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("; ".join(d.message for d in diagnostics))
        self.diagnostics = diagnostics


@dataclass(frozen=True)
class SiteConfig:
    """What the CLI needs from mkdocs.yml before any engine is loaded."""

    config_file: Path
    settings: Settings
    site_dir: Path
    docs_dir: Path
    strict: bool
    engine: str
    """The engine named by the `engine` option (`mkdocs` unless set)."""
    site: SiteInfo = field(default_factory=SiteInfo)
    """Its name, address and URL style, for feeds and links."""


def read_mkdocs_yml(config_file: Path) -> tuple[dict[str, Any], str]:
    """mkdocs.yml as data and text, without validating (and paying for) MkDocs' whole config."""
    if not config_file.is_file():
        if config_file.exists():
            raise UsageError(f"{config_file} is not a file")
        where = f" in {Path.cwd()}" if config_file.parent == Path() else ""
        raise UsageError(
            f"{config_file} not found{where}: this is not a reportgen site. Run"
            " `reportgen init` to start one here, or pass -f path/to/mkdocs.yml"
        )
    try:
        text = config_file.read_text(encoding="utf-8-sig")
        data = yaml.load(text, Loader=_TolerantLoader)
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {config_file}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise UsageError(f"{config_file} is not valid YAML: {exc}") from exc
    return (data if isinstance(data, dict) else {}), text


class _TolerantLoader(yaml.SafeLoader):
    """mkdocs.yml as data: `!ENV`, `!relative` and `!!python/name:` tags read as plain values.

    reportgen only needs its own options, site_dir, docs_dir and strict; the
    engine itself interprets the tags when it loads the file.
    """


def _untagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    return None


_TolerantLoader.add_multi_constructor("!", _untagged)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _untagged)


def plugin_options(data: dict[str, Any]) -> dict[str, Any] | None:
    """The `reportgen` entry of `plugins:` (list or mapping form), or None if absent."""
    plugins = data.get("plugins", [])
    items = (
        plugins.items()
        if isinstance(plugins, dict)
        else (next(iter(p.items())) if isinstance(p, dict) and p else (p, {}) for p in plugins)
        if isinstance(plugins, list)
        else ()
    )
    for name, values in items:
        if name == "reportgen":
            return values if isinstance(values, dict) else {}
    return None


def open_site(config_file: Path) -> SiteConfig:
    data, text = read_mkdocs_yml(config_file)
    found = plugin_options(data)
    if found is None:
        raise UsageError(
            f"{config_file} does not enable the reportgen plugin; add `- reportgen` under"
            " `plugins:` (see `reportgen init` for a complete example)"
        )
    shown = config_file.name if config_file.parent == Path() else config_file.as_posix()
    values, problems = options.validate(found, shown, text)
    for name, kind in (("site_dir", str), ("docs_dir", str), ("strict", bool)):
        if name in data and not isinstance(data[name], kind):
            wanted = "true or false" if kind is bool else "a folder name"
            problems.append(
                error(
                    "config",
                    f"'{name}' must be {wanted}, not {data[name]!r}",
                    Position(shown, options.option_line(text, name)),
                )
            )
    if problems:
        raise ConfigError(problems)
    root = config_file.resolve().parent
    return SiteConfig(
        config_file=config_file,
        settings=options.settings_from_values(root, values),
        site_dir=root / str(data.get("site_dir") or "site"),
        docs_dir=root / str(data.get("docs_dir") or "docs"),
        strict=bool(data.get("strict", False)),
        engine=str(values["engine"]),
        site=SiteInfo.from_mkdocs_yml(data),
    )
