"""The actor gazetteer: well-known organisations and people, and names that are not actors.

The shipped gazetteer is ``ontology/actors.yaml`` (package data ``graphkit.ontology``) with a list
of given names beside it. A user extends it with their own YAML file of the same shape, passed as
``--gazetteer FILE``; their entries win over the shipped ones, and a ``same_as`` map merges actors
the default keeps apart ("Meta AI" stays distinct from "Meta" unless configured).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

KINDS = ("company", "public-body", "research", "ngo", "media")
_FOLD_DROP = re.compile(r"[.’'`]")
_FOLD_SPACE = re.compile(r"[^\w&+]+")


class GazetteerError(ValueError):
    """A gazetteer file is not usable; the message names the file and the entry."""


@lru_cache(maxsize=100_000)
def name_key(name: str) -> str:
    """Fold a name for lookup: accents, case, dots and apostrophes, a possessive, spacing.

    >>> name_key("U.S. Army") == name_key("US army"), name_key("Meta’s"), name_key("Hugging-Face")
    (True, 'meta', 'hugging face')
    """
    text = unicodedata.normalize("NFKD", name.strip())
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"['’]s$", "", text)
    text = _FOLD_DROP.sub("", text)
    return " ".join(_FOLD_SPACE.sub(" ", text).split())


@lru_cache(maxsize=100_000)
def fold_given(name: str) -> str:
    """Case and accents folded: "Renée" and "Renee" are one given name.

    >>> fold_given("Renée") == fold_given("RENEE")
    True
    """
    text = unicodedata.normalize("NFKD", name).casefold()
    return "".join(c for c in text if not unicodedata.combining(c))


@dataclass(frozen=True)
class Entry:
    name: str
    type: str  # "organisation" | "person"
    kind: str | None = None
    ambiguous: bool = False


@dataclass
class Gazetteer:
    """Lookup tables keyed by :func:`name_key`."""

    entries: dict[str, Entry] = field(default_factory=dict)  # name or alias key -> entry
    not_actors: dict[str, str] = field(default_factory=dict)  # key -> why (products, places, …)
    countries: dict[str, str] = field(default_factory=dict)  # country or demonym key -> demonym to print
    given_names: set[str] = field(default_factory=set)
    ambiguous_given_names: set[str] = field(default_factory=set)
    same_as: dict[str, str] = field(default_factory=dict)  # key -> canonical name
    acronyms: set[str] = field(default_factory=set)  # keys known only in capitals ("UN"): "Un" is not one
    _first_words: set[str] | None = field(default=None, repr=False)
    digest: str = ""

    def lookup(self, name: str) -> Entry | None:
        return self.entries.get(name_key(name))

    def may_start(self, word: str) -> bool:
        """Whether some known name starts with this word (a cheap filter before n-gram lookups)."""
        if self._first_words is None:
            self._first_words = {key.split(" ", 1)[0] for key in self.entries}
        return name_key(word).split(" ", 1)[0] in self._first_words

    def rejects(self, name: str) -> str | None:
        """Why a name is not an actor (a product, a place, a law…), or None."""
        key = name_key(name)
        if key in self.entries:
            return None
        if key in self.countries:
            return "countries"
        return self.not_actors.get(key)


def _read_yaml(source: str, text: str) -> dict:
    try:
        # libyaml's loader reads the shipped gazetteer 10x faster than the pure-Python one.
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else source
        raise GazetteerError(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(data, dict):
        raise GazetteerError(f"{source}: expected a mapping with organisations/people/not_actors")
    return data


def _names(source: str, section: str, value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        raise GazetteerError(f"{source}: {section}: expected a list of names")
    return [str(v) for v in value]


def _add(gaz: Gazetteer, source: str, data: dict) -> None:
    unknown = set(data) - {"organisations", "organizations", "people", "not_actors", "countries", "same_as"}
    if unknown:
        raise GazetteerError(
            f"{source}: unknown key(s) {', '.join(sorted(unknown))}; "
            "expected organisations, people, not_actors, countries, same_as"
        )
    for section, type_ in (("organisations", "organisation"), ("organizations", "organisation"), ("people", "person")):
        items = data.get(section) or []
        if not isinstance(items, list):
            raise GazetteerError(f"{source}: {section}: expected a list of entries (- name: …)")
        for n, item in enumerate(items, start=1):
            if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
                raise GazetteerError(f"{source}: {section} entry {n}: needs a 'name'")
            kind = item.get("kind")
            if kind is not None and kind not in KINDS:
                raise GazetteerError(
                    f"{source}: {section} entry {n} ({item['name']}): kind {kind!r} is not one of " + ", ".join(KINDS)
                )
            entry = Entry(item["name"].strip(), type_, kind, bool(item.get("ambiguous", False)))
            for alias in [entry.name, *_names(source, f"{section} {entry.name} aliases", item.get("aliases"))]:
                if key := name_key(alias):
                    if key not in gaz.entries and alias.replace(".", "").isupper():
                        gaz.acronyms.add(key)
                    elif not alias.replace(".", "").isupper():
                        gaz.acronyms.discard(key)
                    gaz.entries[key] = entry
                    gaz.not_actors.pop(key, None)
    not_actors = data.get("not_actors") or {}
    if not isinstance(not_actors, dict):
        raise GazetteerError(f"{source}: not_actors: expected groups of names (products: [...], places: [...])")
    for group, names in not_actors.items():
        for name in _names(source, f"not_actors {group}", names):
            if (key := name_key(name)) and key not in gaz.entries:
                gaz.not_actors[key] = str(group)
    countries = data.get("countries") or {}
    if not isinstance(countries, dict):
        raise GazetteerError(f"{source}: countries: expected 'Country: [demonym, short forms]' entries")
    for country, forms in countries.items():
        forms = _names(source, f"countries {country}", forms)
        demonym = next(
            (f for f in forms if f[:1].isupper() and f.isalpha() and f.endswith(("an", "ese", "ish", "ch", "i", "ic"))),
            None,
        )
        for form in [str(country), *forms]:
            if key := name_key(form):
                gaz.countries[key] = demonym or str(country)
    same_as = data.get("same_as") or {}
    if not isinstance(same_as, dict):
        raise GazetteerError(f"{source}: same_as: expected 'Alias: Canonical name' entries, e.g. 'Meta AI: Meta'")
    for alias, canonical in same_as.items():
        gaz.same_as[name_key(str(alias))] = str(canonical)


def _given_names(text: str, gaz: Gazetteer) -> None:
    ambiguous = False
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("#"):
            ambiguous = ambiguous or line.lstrip("# ").casefold().startswith("ambiguous")
            continue
        if line:
            (gaz.ambiguous_given_names if ambiguous else gaz.given_names).add(fold_given(line))
    gaz.given_names -= gaz.ambiguous_given_names


def load_gazetteer(extra: list[str | Path] | tuple = ()) -> Gazetteer:
    """The shipped gazetteer, extended by the user's files (later files win).

    Examples
    --------
    >>> gaz = load_gazetteer()
    >>> gaz.lookup("Hugging Face").type, gaz.rejects("ChatGPT")
    ('organisation', 'products')
    """
    return _load(tuple(str(p) for p in extra))


@lru_cache(maxsize=8)
def _load(extra: tuple[str, ...]) -> Gazetteer:
    gaz = Gazetteer()
    digest = hashlib.sha256()
    base = resources.files("graphkit.ontology")
    shipped = base.joinpath("actors.yaml").read_text(encoding="utf-8")
    names = base.joinpath("given_names.txt").read_text(encoding="utf-8")
    digest.update(shipped.encode())
    digest.update(names.encode())
    _add(gaz, "ontology/actors.yaml", _read_yaml("ontology/actors.yaml", shipped))
    _given_names(names, gaz)
    for path in extra:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise GazetteerError(f"{path}: cannot read the gazetteer ({exc.strerror})") from None
        except UnicodeDecodeError:
            raise GazetteerError(f"{path}: not UTF-8 text; save the gazetteer as UTF-8") from None
        digest.update(text.encode())
        _add(gaz, path, _read_yaml(path, text))
    gaz.digest = digest.hexdigest()
    return gaz
