"""The YAML mapping from digest section and column names to graphkit's model.

The default mapping ships as ``graphkit/ingest/mapping.yaml``; a user passes their own file to read
digests whose sections carry other names.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

SECTION_KINDS = {"list", "fields", "text", "links", "table"}
#: Model fields a section of each kind may feed; anything else in a mapping is an error.
KNOWN_SECTIONS = {
    "keywords": "list",
    "themes": "list",
    "other": "fields",
    "summary": "text",
    "closest": "links",
    "signals": "table",
    "concerns": "table",
    "behaviors": "table",
    "technologies": "table",
    "issues": "table",
}
KNOWN_FIELDS = {"category", "type"}
KNOWN_COLUMNS = {"name", "description", "change", "horizon", "driving_force", "relevancy", "source"}


class MappingError(ValueError):
    """The mapping file is not usable; the message says which entry and why."""


@lru_cache(maxsize=4096)
def alias_key(text: str) -> str:
    """Fold a section, field or column name for alias lookup.

    >>> alias_key("Driving force") == alias_key("driving-force")
    True
    """
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]+", "", text)


@dataclass(frozen=True)
class Mapping:
    """Lookup tables built from a mapping file."""

    sections: dict[str, tuple[str, str]]  # folded alias -> (section key, kind)
    fields: dict[str, str]  # folded alias -> field
    columns: dict[str, str]  # folded alias -> column field
    digest: str  # sha256 of the file, so a changed mapping forces a full rebuild

    def section(self, heading: str) -> tuple[str, str] | None:
        return self.sections.get(alias_key(heading))

    def field(self, name: str) -> str | None:
        return self.fields.get(alias_key(name))

    def column(self, header: str) -> str | None:
        return self.columns.get(alias_key(header))


def _aliases(where: str, value) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise MappingError(f"{where}: expected a list of names, got {value!r}")
    return value


def load_mapping(path: str | Path | None = None) -> Mapping:
    """Load a mapping file (the shipped default when ``path`` is None).

    Raises :class:`MappingError` with the offending entry named when the file is malformed.
    """
    import yaml  # only needed here; keeps `import graphkit` light

    if path is None:
        raw = resources.files("graphkit.ingest").joinpath("mapping.yaml").read_bytes()
        name = "graphkit/ingest/mapping.yaml"
    else:
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise MappingError(f"cannot read mapping file {path}: {exc.strerror}") from None
        name = str(path)
    try:
        data = yaml.safe_load(raw) or {}
    except yaml.YAMLError as exc:
        raise MappingError(f"{name}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise MappingError(f"{name}: expected a mapping with 'sections', 'fields', 'columns'")

    sections: dict[str, tuple[str, str]] = {}
    for key, spec in (data.get("sections") or {}).items():
        if key not in KNOWN_SECTIONS:
            raise MappingError(f"{name}: sections.{key}: unknown section; known: {', '.join(KNOWN_SECTIONS)}")
        if not isinstance(spec, dict):
            raise MappingError(f"{name}: sections.{key}: expected 'kind' and 'aliases'")
        kind = spec.get("kind", KNOWN_SECTIONS[key])
        if kind != KNOWN_SECTIONS[key]:
            raise MappingError(f"{name}: sections.{key}.kind must be {KNOWN_SECTIONS[key]!r}")
        for alias in _aliases(f"{name}: sections.{key}.aliases", spec.get("aliases", [key])):
            sections[alias_key(alias)] = (key, kind)
    fields = {}
    for key, aliases in (data.get("fields") or {}).items():
        if key not in KNOWN_FIELDS:
            raise MappingError(f"{name}: fields.{key}: unknown field; known: {sorted(KNOWN_FIELDS)}")
        for alias in _aliases(f"{name}: fields.{key}", aliases):
            fields[alias_key(alias)] = key
    columns = {}
    for key, aliases in (data.get("columns") or {}).items():
        if key not in KNOWN_COLUMNS:
            raise MappingError(f"{name}: columns.{key}: unknown column; known: {sorted(KNOWN_COLUMNS)}")
        for alias in _aliases(f"{name}: columns.{key}", aliases):
            columns[alias_key(alias)] = key
    return Mapping(sections, fields, columns, hashlib.sha256(raw).hexdigest())
