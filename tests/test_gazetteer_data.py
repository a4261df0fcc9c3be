"""Consistency checks for the gazetteer data shipped in ``ontology/``.

These tests only look at the data files (``actors.yaml`` and
``given_names.txt``); they do not exercise the extractor itself.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology"
ACTORS_PATH = ONTOLOGY / "actors.yaml"
GIVEN_NAMES_PATH = ONTOLOGY / "given_names.txt"

TOP_LEVEL_KEYS = {"organisations", "people", "not_actors", "countries"}
ORG_KINDS = {"company", "public-body", "research", "ngo", "media"}
ORG_KEYS = {"name", "kind", "aliases", "ambiguous"}
PERSON_KEYS = {"name", "aliases", "ambiguous"}
NOT_ACTOR_SECTIONS = {"products", "laws_events", "places", "generic"}
AMBIGUOUS_MARKER = "# ambiguous"


def fold(text: str) -> str:
    """Normalise a surface form for duplicate detection."""
    return unicodedata.normalize("NFC", text).strip().casefold()


def name_sort_key(text: str) -> tuple[str, str]:
    """Alphabetical order ignoring case and accents (then exact text)."""
    stripped = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return (stripped.casefold(), text)


def _is_clean_string(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip()) and value == value.strip()


def _report(problems: list[str], limit: int = 60) -> str:
    shown = "\n  ".join(problems[:limit])
    more = f"\n  ... and {len(problems) - limit} more" if len(problems) > limit else ""
    return f"{len(problems)} problem(s):\n  {shown}{more}"


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def actors() -> dict:
    assert ACTORS_PATH.is_file(), f"missing {ACTORS_PATH}"
    with ACTORS_PATH.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    assert isinstance(data, dict), "actors.yaml must be a mapping at top level"
    return data


@pytest.fixture(scope="module")
def given_names() -> dict:
    """Parse given_names.txt into its header, main and ambiguous sections."""
    assert GIVEN_NAMES_PATH.is_file(), f"missing {GIVEN_NAMES_PATH}"
    lines = GIVEN_NAMES_PATH.read_text(encoding="utf-8").splitlines()
    sections: dict[str, list[str]] = {"main": [], "ambiguous": []}
    current = "main"
    seen_marker = False
    for line in lines:
        stripped = line.strip()
        if stripped == AMBIGUOUS_MARKER:
            seen_marker = True
            current = "ambiguous"
            continue
        if not stripped or stripped.startswith("#"):
            continue
        sections[current].append(line)
    return {"first_line": lines[0] if lines else "", "has_marker": seen_marker, **sections}


def _surface_forms(entries: list[dict], label: str) -> list[tuple[str, str]]:
    """(surface form, owner description) for every name and alias."""
    forms = []
    for entry in entries:
        owner = f"{label} {entry.get('name')!r}"
        forms.append((entry["name"], owner))
        for alias in entry.get("aliases") or []:
            forms.append((alias, owner))
    return forms


def _country_forms(countries: dict) -> list[tuple[str, str]]:
    forms = []
    for country, variants in countries.items():
        owner = f"country {country!r}"
        forms.append((country, owner))
        for variant in variants:
            forms.append((variant, owner))
    return forms


# --------------------------------------------------------------------- actors.yaml


def test_top_level_structure(actors):
    assert set(actors) == TOP_LEVEL_KEYS, f"unexpected top-level keys: {sorted(actors)}"
    assert isinstance(actors["organisations"], list) and actors["organisations"]
    assert isinstance(actors["people"], list) and actors["people"]
    assert isinstance(actors["not_actors"], dict)
    assert isinstance(actors["countries"], dict) and actors["countries"]


def test_reasonable_sizes(actors):
    # Guards against accidental truncation of the shipped data.
    assert len(actors["organisations"]) >= 500
    assert len(actors["people"]) >= 100
    assert len(actors["countries"]) >= 190
    for section in NOT_ACTOR_SECTIONS:
        assert len(actors["not_actors"][section]) >= 50, section


def _check_entry(entry, allowed_keys: set[str], where: str) -> list[str]:
    problems = []
    if not isinstance(entry, dict):
        return [f"{where}: entry is not a mapping: {entry!r}"]
    extra = set(entry) - allowed_keys
    if extra:
        problems.append(f"{where}: unexpected keys {sorted(extra)}")
    name = entry.get("name")
    if not _is_clean_string(name):
        problems.append(f"{where}: bad name {name!r}")
        return problems
    if "aliases" in entry:
        aliases = entry["aliases"]
        if not isinstance(aliases, list) or not aliases:
            problems.append(f"{where} {name!r}: aliases must be a non-empty list (omit it if none)")
        else:
            for alias in aliases:
                if not _is_clean_string(alias):
                    problems.append(f"{where} {name!r}: bad alias {alias!r}")
                elif fold(alias) == fold(name):
                    problems.append(f"{where} {name!r}: alias {alias!r} repeats the name")
    if "ambiguous" in entry and entry["ambiguous"] is not True:
        problems.append(f"{where} {name!r}: ambiguous must be `true` (omit it otherwise)")
    return problems


def test_organisation_entries(actors):
    problems = []
    for i, org in enumerate(actors["organisations"]):
        problems += _check_entry(org, ORG_KEYS, f"organisations[{i}]")
        if isinstance(org, dict) and org.get("kind") not in ORG_KINDS:
            problems.append(
                f"organisations[{i}] {org.get('name')!r}: kind {org.get('kind')!r} not in {sorted(ORG_KINDS)}"
            )
    assert not problems, _report(problems)


def test_person_entries(actors):
    problems = []
    for i, person in enumerate(actors["people"]):
        problems += _check_entry(person, PERSON_KEYS, f"people[{i}]")
    assert not problems, _report(problems)


def test_no_duplicate_actor_surface_forms(actors):
    owners: dict[str, list[str]] = defaultdict(list)
    forms = _surface_forms(actors["organisations"], "organisation") + _surface_forms(actors["people"], "person")
    for form, owner in forms:
        owners[fold(form)].append(f"{owner} ({form!r})")
    duplicates = [f"{key!r}: {' / '.join(found)}" for key, found in sorted(owners.items()) if len(found) > 1]
    assert not duplicates, "duplicate names/aliases: " + _report(duplicates)


def test_not_actors_structure(actors):
    not_actors = actors["not_actors"]
    assert set(not_actors) == NOT_ACTOR_SECTIONS, f"not_actors sections: {sorted(not_actors)}"
    problems = []
    seen: dict[str, str] = {}
    for section, items in not_actors.items():
        if not isinstance(items, list) or not items:
            problems.append(f"not_actors.{section} must be a non-empty list")
            continue
        for item in items:
            if not _is_clean_string(item):
                problems.append(f"not_actors.{section}: bad item {item!r}")
                continue
            key = fold(item)
            if key in seen:
                problems.append(f"{item!r} listed twice (not_actors.{seen[key]} and not_actors.{section})")
            else:
                seen[key] = section
    assert not problems, _report(problems)


def test_countries_structure(actors):
    problems = []
    owners: dict[str, list[str]] = defaultdict(list)
    for country, variants in actors["countries"].items():
        if not _is_clean_string(country):
            problems.append(f"bad country key {country!r}")
            continue
        if not isinstance(variants, list):
            problems.append(f"country {country!r}: value must be a list (use [] if none)")
            continue
        for variant in variants:
            if not _is_clean_string(variant):
                problems.append(f"country {country!r}: bad variant {variant!r}")
    if problems:
        pytest.fail(_report(problems))
    for form, owner in _country_forms(actors["countries"]):
        owners[fold(form)].append(f"{owner} ({form!r})")
    duplicates = [f"{k!r}: {' / '.join(v)}" for k, v in sorted(owners.items()) if len(v) > 1]
    assert not duplicates, "country forms shared between entries: " + _report(duplicates)
    for not_a_country in ("EU", "European Union", "Europe"):
        assert fold(not_a_country) not in owners, f"{not_a_country!r} is not a country"


def test_actors_not_listed_as_non_actors_or_countries(actors):
    blocked: dict[str, str] = {}
    for section, items in actors["not_actors"].items():
        for item in items:
            blocked[fold(item)] = f"not_actors.{section}"
    for form, owner in _country_forms(actors["countries"]):
        blocked[fold(form)] = owner
    forms = _surface_forms(actors["organisations"], "organisation") + _surface_forms(actors["people"], "person")
    clashes = [f"{owner}: {form!r} is also in {blocked[fold(form)]}" for form, owner in forms if fold(form) in blocked]
    assert not clashes, _report(clashes)


def test_countries_not_listed_as_non_actors(actors):
    blocked = {fold(item): section for section, items in actors["not_actors"].items() for item in items}
    clashes = [
        f"{owner}: {form!r} is also in not_actors.{blocked[fold(form)]}"
        for form, owner in _country_forms(actors["countries"])
        if fold(form) in blocked
    ]
    assert not clashes, _report(clashes)


# ----------------------------------------------------------------- given_names.txt


def test_given_names_header(given_names):
    assert given_names["first_line"].startswith("#"), "first line must be a # comment"


def test_given_names_sections(given_names):
    assert given_names["has_marker"], f"missing the {AMBIGUOUS_MARKER!r} section marker"
    assert len(given_names["main"]) >= 1000
    assert len(given_names["ambiguous"]) >= 50


def test_given_names_well_formed(given_names):
    problems = []
    for section in ("main", "ambiguous"):
        for name in given_names[section]:
            if not _is_clean_string(name):
                problems.append(f"{section}: blank or padded entry {name!r}")
            elif any(ch.isspace() for ch in name):
                problems.append(f"{section}: whitespace inside {name!r}")
            elif not name[0].isupper():
                problems.append(f"{section}: not capitalised {name!r}")
    assert not problems, _report(problems)


def test_given_names_unique(given_names):
    owners: dict[str, list[str]] = defaultdict(list)
    for section in ("main", "ambiguous"):
        for name in given_names[section]:
            owners[fold(name)].append(f"{section}:{name}")
    duplicates = [f"{k!r}: {v}" for k, v in sorted(owners.items()) if len(v) > 1]
    assert not duplicates, "duplicate given names: " + _report(duplicates)


@pytest.mark.parametrize("section", ["main", "ambiguous"])
def test_given_names_sorted(given_names, section):
    names = given_names[section]
    misplaced = [f"{a!r} before {b!r}" for a, b in itertools.pairwise(names) if name_sort_key(a) > name_sort_key(b)]
    assert not misplaced, f"{section} section not sorted: " + _report(misplaced)
