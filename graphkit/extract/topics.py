"""Topics: one canonical, bilingual concept layer over the free themes, keywords and technologies.

Digests name the same idea in many ways ("AI", "Artificial Intelligence", "IA", "intelligence
artificielle", "Impact of AI on freelancers"). A **topic scheme** (``ontology/topics.yaml``, a SKOS
concept scheme under the five STEEP top concepts, extended by the user's ``--topics`` files) gives
each idea one node, with English and French labels and aliases. Every merged theme, keyword and
technology is then linked to topics, in layers, each link recording how it was made:

=========  =====================================================================  ==============
method     when                                                                   relation
=========  =====================================================================  ==============
curated    the user's ``same_as`` names this label for the topic                  exactMatch
label      the label's key equals a topic's preferred label (English or French)  exactMatch
alias      … equals one of the topic's alternative labels                        exactMatch
example    … equals a named instance of the topic ("ChatGPT" for chatbots)        broader
acronym    the corpus writes "Expansion (ACR)" or "ACR (expansion)" and the       exactMatch
           other side of the pair names the topic
part       a longer phrase contains a topic's label or alias as whole words:      broader
           "Impact of AI on freelancers" is narrower than AI and freelancing
=========  =====================================================================  ==============

Keys are compared after folding case and accents and lemmatising each word in English and French
(simplemma: "models" = "model", "modèles" = "modèle"); short all-capital aliases ("AI", "IA",
"EV") match only a word written in capitals. A phrase is never merged into a topic, and links do
not chain: a label links to the topics its own words name, nothing else. Users veto a link with
``not_same``; similar labels are only ever *suggested* (:func:`suggest`), never linked.

Examples
--------
>>> scheme = load_topics()
>>> [(l.topic, l.method) for l in link_label("intelligence artificielle", scheme)]
[('artificial-intelligence', 'label')]
>>> sorted(l.topic for l in link_label("Impact of AI on freelancers", scheme))
['artificial-intelligence', 'freelancing']
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from graphkit.core import cache

#: The five top concepts of the scheme (STEEP, the foresight convention).
TOP_CONCEPTS = ("social", "technological", "economic", "environmental", "political")
#: How deep a topic may sit under its top concept.
MAX_DEPTH = 3
METHODS = ("curated", "label", "alias", "example", "acronym", "part")
EXACT, BROADER = "exact", "broader"
_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_WORD_RE = re.compile(r"[^\W_]+(?:[.'’+#&][^\W_]+)*[+#]*", re.UNICODE)
#: Aliases of at most this many characters, written in capitals, match only words in capitals.
ACRONYM_MAX = 5
#: Phrases of more words than this are sentences, not labels: their parts are not searched.
MAX_PHRASE_WORDS = 12


class TopicError(ValueError):
    """A topics file that cannot be used; the message names the file and line."""


@dataclass
class Topic:
    """One topic of the scheme."""

    id: str
    en: str
    fr: str
    broader: list[str] = field(default_factory=list)
    alt_en: list[str] = field(default_factory=list)
    alt_fr: list[str] = field(default_factory=list)
    definition: str = ""
    examples: list[str] = field(default_factory=list)  # named instances, narrower than the topic
    where: str = ""  # "file:line" of its definition, for messages

    def labels(self) -> list[tuple[str, str, str]]:
        """(text, language, "label" | "alias") of every label, preferred first."""
        out = [(self.en, "en", "label"), (self.fr, "fr", "label")]
        out += [(a, "en", "alias") for a in self.alt_en] + [(a, "fr", "alias") for a in self.alt_fr]
        return out


@dataclass
class Link:
    """A label (and the concept that carries it) linked to a topic, and how."""

    topic: str
    relation: str  # EXACT or BROADER
    method: str  # one of METHODS
    evidence: str  # the words that matched, as written


@dataclass
class TopicScheme:
    """The loaded scheme: topics, the keys that name them, and the user's curation."""

    topics: dict[str, Topic]
    generic: set[str]
    sources: list[str]
    digest: str
    same_as: dict[str, str] = field(default_factory=dict)  # label key -> topic id
    not_same: set[tuple[str, str]] = field(default_factory=set)  # (label key, topic id)
    keys: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (topic id, "label"|"alias"|"example")
    acronym_keys: set[str] = field(default_factory=set)  # keys named only by short capitalised aliases
    longest: int = 1  # words in the longest key
    pair_sources: list[tuple[str, str, str]] = field(default_factory=list)  # (same_as|not_same, topic, file:line)
    touched: dict[str, set[str]] = field(default_factory=dict)  # user file -> topics it defines, extends or targets

    def idle_sources(self, linked: set[str]) -> list[str]:
        """The user's topics files none of whose topics, aliases or pairs linked anything."""
        return [src for src, tids in self.touched.items() if not tids & linked]

    def top_of(self, topic_id: str) -> str:
        """The STEEP top concept above a topic (the first parent's line)."""
        seen = set()
        while self.topics[topic_id].broader and topic_id not in seen:
            seen.add(topic_id)
            topic_id = self.topics[topic_id].broader[0]
        return topic_id

    def ancestors(self, topic_id: str) -> list[str]:
        """Every topic above ``topic_id`` (all parents, their parents…), nearest first."""
        out: list[str] = []
        todo = list(self.topics[topic_id].broader)
        while todo:
            t = todo.pop(0)
            if t not in out:
                out.append(t)
                todo.extend(self.topics[t].broader)
        return out


# -- keys -------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _lemmatizer():
    from simplemma import Lemmatizer
    from simplemma.strategies import DictionaryLookupStrategy

    # The dictionaries alone: simplemma's default also decomposes unknown words into affixes,
    # ~100 µs a word against 0.2 µs, for the rare word it would fold ("agrivoltaics" stays as is).
    return Lemmatizer(lemmatization_strategy=DictionaryLookupStrategy()).lemmatize


@lru_cache(maxsize=200_000)
def _lemma(word: str) -> str:
    """English, else French lemma of a lower-case word of 4+ letters (shorter ones are kept:
    simplemma reads "ai" as French "avoir")."""
    if len(word) < 4 or not word.isalpha():
        return word
    lemma = _lemmatizer()(word, lang=("en", "fr"))
    return lemma.casefold() if lemma else word


def _fold(word: str) -> str:
    text = unicodedata.normalize("NFKD", word)
    return "".join(c for c in text if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """The words of a label as written ("Gen-AI's rise" → ["Gen", "AI's", "rise"])."""
    return _WORD_RE.findall(unicodedata.normalize("NFC", text.replace("’", "'")))


@lru_cache(maxsize=200_000)
def word_key(word: str) -> str:
    """The key of one word: lower case, a final possessive dropped, lemmatised, accents folded."""
    if len(word) > 2 and word.endswith("s") and word[:-1].isupper():
        word = word[:-1]  # an acronym's plural: "LLMs", "EVs"
    w = word.casefold()
    if w.endswith("'s"):
        w = w[:-2]
    return _fold(_lemma(w))


@lru_cache(maxsize=200_000)
def topic_key(text: str) -> str:
    """The matching key of a label: its words' keys, space-separated.

    >>> topic_key("Large Language Models") == topic_key("large-language model")
    True
    >>> topic_key("Intelligence Artificielle")
    'intelligence artificiel'
    """
    return " ".join(word_key(w) for w in words(text))


def is_acronym(text: str) -> bool:
    """A short label written in capitals ("AI", "EVs", "R&D"): matched case-sensitively."""
    letters = [c for c in text if c.isalpha()]
    core = text[:-1] if text.endswith("s") and text[:-1].isupper() else text
    return 0 < len(letters) <= ACRONYM_MAX and all(c.isupper() for c in core if c.isalpha())


# -- loading ----------------------------------------------------------------------------------------


def _load_yaml(path: str, text: str):
    """The document and its node tree (for line numbers); duplicate keys are an error."""
    # libyaml's loader when PyYAML has it: 1 s less for the shipped scheme, same nodes and marks.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, None
        _check_duplicates(path, node)
        return loader.construct_document(node), node
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise TopicError(f"{path}{line}: not valid YAML: {problem} (check the indentation and quotes)") from None
    finally:
        loader.dispose()


def _check_duplicates(path: str, node) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict = {}
        for key_node, value_node in node.value:
            key = getattr(key_node, "value", None)
            if isinstance(key, str) and key in seen:
                raise TopicError(
                    f"{path}:{key_node.start_mark.line + 1}: {key!r} is defined twice "
                    f"(first at line {seen[key]}); merge the two entries"
                )
            seen[key] = key_node.start_mark.line + 1
            _check_duplicates(path, value_node)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_duplicates(path, item)


def _lines(node, key: str) -> dict[str, int]:
    """Line numbers of the entries of the mapping under top-level ``key``."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    for k, v in node.value:
        if k.value == key:
            if isinstance(v, yaml.MappingNode):
                return {kk.value: kk.start_mark.line + 1 for kk, _ in v.value}
            if isinstance(v, yaml.SequenceNode):
                return {str(i): item.start_mark.line + 1 for i, item in enumerate(v.value)}
            return {"": v.start_mark.line + 1}
    return {}


def _strings(where: str, field_name: str, value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise TopicError(f"{where}: '{field_name}' must be a text or a list of texts")
    return [v.strip() for v in value]


def _read(path: str, text: str, scheme: TopicScheme, shipped: bool) -> None:
    data, node = _load_yaml(path, text)
    if not isinstance(data, dict):
        raise TopicError(f"{path}:1: a topics file is a mapping with 'topics' (and 'same_as', 'not_same')")
    unknown = sorted(set(data) - {"scheme", "topics", "same_as", "not_same", "generic_terms_en", "generic_terms_fr"})
    if unknown:
        raise TopicError(f"{path}: unknown key {unknown[0]!r}; a topics file has 'topics', 'same_as' and 'not_same'")
    topics = data.get("topics") or {}
    if not isinstance(topics, dict):
        raise TopicError(f"{path}:{_lines(node, 'topics').get('', 1)}: 'topics' must map topic ids to their labels")
    lines = _lines(node, "topics")
    touched = scheme.touched.setdefault(path, set()) if not shipped else set()
    for tid, entry in topics.items():
        where = f"{path}:{lines.get(tid, 1)}"
        if not isinstance(tid, str) or not _ID_RE.match(tid):
            raise TopicError(f"{where}: topic id {tid!r} must be lower-case ASCII words joined by '-'")
        if entry is None:
            entry = {}
        if not isinstance(entry, dict):
            raise TopicError(f"{where}: topic {tid!r} must be a mapping (en, fr, broader, alt_en, alt_fr, definition)")
        extra = sorted(set(entry) - {"en", "fr", "broader", "alt_en", "alt_fr", "definition", "examples"})
        if extra:
            raise TopicError(f"{where}: topic {tid!r} has an unknown field {extra[0]!r}")
        touched.add(str(tid))
        old = scheme.topics.get(tid)
        if old is not None and shipped:
            raise TopicError(f"{where}: topic {tid!r} is defined twice")
        if old is not None:
            # A user's entry for a known topic extends it: more aliases, a definition, a parent.
            old.alt_en += [a for a in _strings(where, "alt_en", entry.get("alt_en")) if a not in old.alt_en]
            old.alt_fr += [a for a in _strings(where, "alt_fr", entry.get("alt_fr")) if a not in old.alt_fr]
            old.examples += [a for a in _strings(where, "examples", entry.get("examples")) if a not in old.examples]
            for name in ("en", "fr", "definition"):
                if entry.get(name):
                    setattr(old, name, str(entry[name]).strip())
            if entry.get("broader"):
                old.broader = _strings(where, "broader", entry["broader"])
            continue
        en, fr = entry.get("en"), entry.get("fr")
        if not isinstance(en, str) or not en.strip():
            raise TopicError(f"{where}: topic {tid!r} has no English label; add 'en: …'")
        scheme.topics[tid] = Topic(
            id=tid,
            en=en.strip(),
            fr=(fr.strip() if isinstance(fr, str) and fr.strip() else en.strip()),
            broader=_strings(where, "broader", entry.get("broader")),
            alt_en=_strings(where, "alt_en", entry.get("alt_en")),
            alt_fr=_strings(where, "alt_fr", entry.get("alt_fr")),
            definition=str(entry.get("definition") or "").strip(),
            examples=_strings(where, "examples", entry.get("examples")),
            where=where,
        )
    for lang in ("en", "fr"):
        for term in data.get(f"generic_terms_{lang}") or []:
            if isinstance(term, str):
                scheme.generic.add(topic_key(term))
    for name in ("same_as", "not_same"):
        pairs = data.get(name) or []
        plines = _lines(node, name)
        if not isinstance(pairs, list):
            raise TopicError(f"{path}:{plines.get('', 1)}: '{name}' is a list of [label, topic-id] pairs")
        for i, pair in enumerate(pairs):
            where = f"{path}:{plines.get(str(i), 1)}"
            if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) and x.strip() for x in pair)):
                raise TopicError(
                    f"{where}: each '{name}' entry is a pair [label, topic-id], e.g. [Gen AI, generative-ai]"
                )
            label, tid = pair[0].strip(), pair[1].strip()
            if name == "same_as":
                scheme.same_as[topic_key(label)] = tid
                touched.add(tid)
            else:
                scheme.not_same.add((topic_key(label), tid))
            scheme.pair_sources.append((name, tid, where))


def _validate(scheme: TopicScheme) -> None:
    topics = scheme.topics
    for t in topics.values():
        for parent in t.broader:
            if parent not in topics:
                raise TopicError(f"{t.where}: topic {t.id!r} has an unknown parent {parent!r}; define it or fix the id")
    tops = [t.id for t in topics.values() if not t.broader]
    stray = [t for t in tops if t not in TOP_CONCEPTS]
    if stray:
        raise TopicError(
            f"{topics[stray[0]].where}: topic {stray[0]!r} has no 'broader'; every topic sits under "
            f"one of {', '.join(TOP_CONCEPTS)} (or a topic below them)"
        )
    for t in topics.values():
        # Follow every parent path upwards: a cycle or a path deeper than the scheme allows is an error.
        stack: list[tuple[str, int, tuple[str, ...]]] = [(t.id, 0, (t.id,))]
        while stack:
            tid, depth, path = stack.pop()
            for parent in topics[tid].broader:
                if parent in path:
                    chain = " → ".join((*path, parent))
                    raise TopicError(f"{t.where}: 'broader' makes a cycle: {chain}")
                stack.append((parent, depth + 1, (*path, parent)))
            if not topics[tid].broader and depth > MAX_DEPTH:
                raise TopicError(f"{t.where}: topic {t.id!r} is {depth} levels under {tid!r}; at most {MAX_DEPTH}")
    for name, tid, where in scheme.pair_sources:
        if tid not in topics:
            raise TopicError(f"{where}: '{name}' names an unknown topic {tid!r}")


def _index(scheme: TopicScheme) -> None:
    """Keys of every label and alias; a key claimed by two topics goes to the first one defined,
    except that a preferred label wins over another topic's alias."""
    spelled: dict[str, bool] = {}  # key -> only ever written as a short capitalised alias
    for tid, t in scheme.topics.items():
        for text, _lang, kind in [*t.labels(), *((x, "", "example") for x in t.examples)]:
            key = topic_key(text)
            if not key:
                continue
            spelled[key] = spelled.get(key, True) and is_acronym(text)
            old = scheme.keys.get(key)
            if old is None or (kind == "label" and old[1] != "label" and old[0] != tid):
                scheme.keys[key] = (tid, kind)
            scheme.longest = max(scheme.longest, key.count(" ") + 1)
    scheme.acronym_keys = {k for k, only in spelled.items() if only}


def load_topics(extra: Sequence[str | Path] = (), *, shipped: bool = True) -> TopicScheme:
    """The shipped topic scheme, extended by the user's topics files (in order).

    Parameters
    ----------
    extra : sequence of path
        The user's topics files: new topics, more aliases for known ones, ``same_as`` and
        ``not_same`` pairs.
    shipped : bool
        Start from the shipped ``ontology/topics.yaml`` (False: only the given files).

    Raises
    ------
    TopicError
        A file that cannot be read or used: bad YAML, a topic without a label, an unknown parent,
        a ``broader`` cycle; the message names the file and line.
    """
    return _load(tuple(str(p) for p in extra), shipped)


@lru_cache(maxsize=8)
def _load(extra: tuple[str, ...], shipped: bool) -> TopicScheme:
    scheme = TopicScheme(topics={}, generic=set(), sources=[], digest="")
    h = hashlib.sha256()
    texts: list[tuple[str, str, bool]] = []
    if shipped:
        texts.append(
            (
                "ontology/topics.yaml",
                resources.files("graphkit.ontology").joinpath("topics.yaml").read_text("utf-8"),
                True,
            )
        )
    for p in extra:
        try:
            texts.append((p, Path(p).read_text("utf-8"), False))
        except (OSError, UnicodeDecodeError) as exc:
            raise TopicError(f"{p}: cannot read the topics file ({getattr(exc, 'strerror', None) or exc})") from None
    for _, text, _ in texts:
        h.update(text.encode("utf-8"))
    # Parsing the scheme and lemmatising its ~14,000 labels costs 0.6 s of every build; the result
    # depends on these texts, on this module's code and on simplemma's dictionaries only.
    key = cache.cache_key(
        h.hexdigest(),
        *(p for p, _, _ in texts),
        Path(__file__).read_bytes(),
        f"simplemma {cache.package_version('simplemma')}",
    )
    cached = cache.load("topics", key)
    if isinstance(cached, TopicScheme) and cached.digest == h.hexdigest():
        return cached
    for path, text, is_shipped in texts:
        _read(path, text, scheme, is_shipped)
        scheme.sources.append(path)
    _validate(scheme)
    _index(scheme)
    scheme.digest = h.hexdigest()
    cache.store("topics", key, scheme)
    return scheme


# -- linking ----------------------------------------------------------------------------------------


def _acronym_form(word: str) -> bool:
    """A word written in capitals (a final plural "s" allowed): "AI", "LLMs", "5G", "R&D"."""
    core = word[:-1] if len(word) > 2 and word.endswith("s") else word
    return any(c.isalpha() for c in core) and all(not c.isalpha() or c.isupper() for c in core)


def link_label(label: str, scheme: TopicScheme, learned: dict[str, str] | None = None) -> list[Link]:
    """The topics one label links to, and how: exact links, else the topics its parts name.

    Parameters
    ----------
    label : str
        A theme, keyword or technology as written.
    scheme : TopicScheme
    learned : dict, optional
        Acronym ↔ expansion pairs found in the corpus, both directions, by key
        (:func:`learned_pairs`).

    Examples
    --------
    >>> scheme = load_topics()
    >>> [(l.topic, l.relation, l.method) for l in link_label("IA", scheme)]
    [('artificial-intelligence', 'exact', 'alias')]
    """
    key = topic_key(label)
    if not key:
        return []
    exact = _exact(label, key, scheme, learned or {})
    if exact is not None:
        return [exact]
    return _parts(label, scheme)


def _allowed(scheme: TopicScheme, key: str, tid: str) -> bool:
    return (key, tid) not in scheme.not_same


def _exact(label: str, key: str, scheme: TopicScheme, learned: dict[str, str]) -> Link | None:
    tid = scheme.same_as.get(key)
    if tid is not None and _allowed(scheme, key, tid):
        return Link(tid, EXACT, "curated", label)
    hit = scheme.keys.get(key)
    if hit is not None and _allowed(scheme, key, hit[0]):
        # A named instance ("ChatGPT") is narrower than its topic (chatbots), not the same idea.
        return Link(hit[0], BROADER if hit[1] == "example" else EXACT, hit[1], label)
    other = learned.get(key)
    if other is not None:
        target = scheme.same_as.get(other) or (scheme.keys[other][0] if other in scheme.keys else None)
        if target is not None and scheme.keys.get(other, ("", ""))[1] != "example" and _allowed(scheme, key, target):
            return Link(target, EXACT, "acronym", f"{label} = {other}")
    return None


def _parts(label: str, scheme: TopicScheme) -> list[Link]:
    """Topics named by whole-word runs of a phrase, longest runs first, never overlapping."""
    ws = words(label)
    if len(ws) < 2 or len(ws) > MAX_PHRASE_WORDS:
        return []
    keys = [word_key(w) for w in ws]
    taken = [False] * len(ws)
    found: dict[str, Link] = {}
    for n in range(min(scheme.longest, len(ws) - 1), 0, -1):
        for i in range(len(ws) - n + 1):
            if any(taken[i : i + n]):
                continue
            key = " ".join(keys[i : i + n])
            if key in scheme.generic:
                # A generic run is used up: "state of the art" does not name the topic art.
                for k in range(i, i + n):
                    taken[k] = True
                continue
            tid = scheme.same_as.get(key)
            hit = (tid, "curated") if tid else scheme.keys.get(key)
            if hit is None or not _allowed(scheme, key, hit[0]) or not _allowed(scheme, topic_key(label), hit[0]):
                continue
            if key in scheme.acronym_keys and not all(_acronym_form(w) for w in ws[i : i + n]):
                continue  # "ai" in a sentence-case phrase is not "AI"
            for k in range(i, i + n):
                taken[k] = True
            found.setdefault(hit[0], Link(hit[0], BROADER, "part", " ".join(ws[i : i + n])))
    return sorted(found.values(), key=lambda link: link.topic)


# -- acronyms learned from the corpus ---------------------------------------------------------------

_PAREN = re.compile(r"\(([^()]{1,80})\)")
_ELIDED = re.compile(r"^(?:[ldjmnstc]|qu)'(?=\w)", re.IGNORECASE)


def _acronym_like(word: str) -> bool:
    """An acronym as papers write them: "AI", "LLMs", "IoT", "GenAI" (2+ capitals, no space)."""
    return 2 <= len(word) <= 10 and " " not in word and sum(c.isupper() for c in word) >= 2 and word[:1].isupper()


_SKIPPABLE = {
    "of",
    "and",
    "for",
    "the",
    "in",
    "on",
    "to",
    "de",
    "du",
    "des",
    "la",
    "le",
    "les",
    "et",
    "d",
    "l",
    "à",
    "en",
}


def _initials_match(acronym: str, phrase_words: list[str]) -> bool:
    """Whether the words' initials spell the acronym, small linking words optional
    ("Internet of Things" = IoT, "intelligence artificielle" = IA)."""
    letters = [c.casefold() for c in acronym if c.isalnum()]

    def match(li: int, wi: int) -> bool:
        if li == len(letters):
            return wi == len(phrase_words)
        if wi == len(phrase_words):
            return False
        w = _fold(phrase_words[wi].casefold())
        if w[:1] == letters[li] and match(li + 1, wi + 1):
            return True
        # "Large Language Models" written "LLM": a word may give two letters ("e-commerce", "GenAI").
        if len(w) > 1 and w[:2] == "".join(letters[li : li + 2]) and match(li + 2, wi + 1):
            return True
        return w in _SKIPPABLE and match(li, wi + 1)

    return 2 <= len(letters) <= 8 and 0 < len(phrase_words) <= 8 and match(0, 0)


def find_acronyms(text: str) -> list[tuple[str, str]]:
    """(acronym, expansion) pairs a text spells out: "Artificial Intelligence (AI)", "AI (artificial
    intelligence)", "l'intelligence artificielle (IA)".

    >>> find_acronyms("Large language models (LLMs) and the CBDC (central bank digital currency).")
    [('LLMs', 'Large language models'), ('CBDC', 'central bank digital currency')]
    """
    out = []
    for m in _PAREN.finditer(text):
        inner = m[1].strip()
        # Elided articles are not words of the expansion: "l'intelligence artificielle (IA)".
        before = [_ELIDED.sub("", w) for w in words(text[max(0, m.start() - 120) : m.start()])]
        inner_words = [_ELIDED.sub("", w) for w in words(inner)]
        if len(inner_words) == 1 and _acronym_like(inner) and before:
            for n in range(1, min(8, len(before)) + 1):
                if _initials_match(inner.rstrip("s") if inner.endswith("s") and len(inner) > 2 else inner, before[-n:]):
                    out.append((inner, " ".join(before[-n:])))
                    break
        elif before and _acronym_like(before[-1]) and len(inner_words) >= 2:
            acr = before[-1]
            core = acr[:-1] if acr.endswith("s") and len(acr) > 2 else acr
            if _initials_match(core, inner_words):
                out.append((acr, " ".join(inner_words)))
    return out


def learned_pairs(pairs: Iterable[tuple[str, str]], scheme: TopicScheme | None = None) -> dict[str, str]:
    """Acronym ↔ expansion, both ways by key, from the pairs found over the whole corpus.

    An acronym spelled out in several ways keeps its most frequent expansion (ties: the first in
    sort order); pairs the scheme already knows add nothing and are left out.
    """
    counts: Counter = Counter()
    for acr, expansion in pairs:
        a, e = topic_key(acr), topic_key(expansion)
        if a and e and a != e:
            counts[(a, e)] += 1
    best: dict[str, str] = {}
    for (a, e), _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        best.setdefault(a, e)
    out: dict[str, str] = {}
    for a, e in sorted(best.items()):
        if scheme is not None and a in scheme.keys and e in scheme.keys:
            continue
        out.setdefault(a, e)
        out.setdefault(e, a)
    return out


# -- concepts of a corpus ---------------------------------------------------------------------------

#: Concept kinds (IRI path segments) that link to topics.
LINKED_KINDS = ("theme", "keyword", "technology")


def link_concepts(
    forms: dict[str, Counter], scheme: TopicScheme, learned: dict[str, str] | None = None, base: str = ""
) -> dict[str, list[Link]]:
    """The topic links of every theme, keyword and technology of a corpus.

    ``forms`` maps a concept IRI to its surface forms counted over the digests (the build's
    shared stage). A concept takes the exact links of any of its forms; a concept none of whose
    forms is a topic takes the topics its forms' parts name.

    Returns ``{concept IRI: [Link, ...]}`` for the concepts that link to something, sorted.
    """
    learned = learned or {}
    out: dict[str, list[Link]] = {}
    cache: dict[str, list[Link]] = {}
    for concept in sorted(forms):
        kind = concept[len(base) :].split("/", 1)[0] if base else concept.rsplit("/", 2)[-2]
        if kind not in LINKED_KINDS:
            continue
        exact: dict[str, Link] = {}
        parts: dict[str, Link] = {}
        for form in sorted(forms[concept], key=lambda f: (-forms[concept][f], f)):
            links = cache.get(form)
            if links is None:
                links = cache[form] = link_label(form, scheme, learned)
            for link in links:
                (exact if link.relation == EXACT else parts).setdefault(link.topic, link)
        chosen = exact or parts
        if chosen:
            out[concept] = [chosen[t] for t in sorted(chosen)]
    return out


def topic_iri(topic_id: str, base: str) -> str:
    return f"{base}topic/{topic_id}"


def scheme_triples(scheme: TopicScheme, base: str) -> list[tuple[str, str, str]]:
    """The scheme as SKOS: every topic with its labels (``@en``/``@fr``), definition and parents."""
    from graphkit.core.namespaces import GK, RDF, SKOS
    from graphkit.core.ntriples import iri, lit

    def lang(text: str, tag: str) -> str:
        return f"{lit(text)}@{tag}"

    a, in_scheme, scheme_iri = iri(RDF.type), iri(SKOS.inScheme), iri(GK.TopicScheme)
    out = []
    for tid in sorted(scheme.topics):
        t = scheme.topics[tid]
        s = iri(topic_iri(tid, base))
        out += [(s, a, iri(GK.Topic)), (s, a, iri(SKOS.Concept)), (s, in_scheme, scheme_iri)]
        out += [(s, iri(SKOS.notation), lit(tid)), (s, iri(GK.key), lit(topic_key(t.en)))]
        out += [(s, iri(SKOS.prefLabel), lang(t.en, "en")), (s, iri(SKOS.prefLabel), lang(t.fr, "fr"))]
        out += [(s, iri(SKOS.altLabel), lang(x, "en")) for x in sorted(set(t.alt_en))]
        out += [(s, iri(SKOS.altLabel), lang(x, "fr")) for x in sorted(set(t.alt_fr))]
        if t.definition:
            out.append((s, iri(SKOS.definition), lang(t.definition, "en")))
        for parent in t.broader:
            out.append((s, iri(SKOS.broader), iri(topic_iri(parent, base))))
        if not t.broader:
            out += [(s, iri(SKOS.topConceptOf), scheme_iri), (scheme_iri, iri(SKOS.hasTopConcept), s)]
    return out


def link_triples(links: dict[str, list[Link]], base: str) -> list[tuple[str, str, str]]:
    """Each link twice: the plain SKOS statement (``skos:exactMatch`` or ``skos:broader``) that
    queries follow, and a ``gk:TopicLink`` node that says how it was made (method, evidence)."""
    from graphkit.core.namespaces import GK, RDF, SKOS
    from graphkit.core.ntriples import iri, lit

    rel = {EXACT: iri(SKOS.exactMatch), BROADER: iri(SKOS.broader)}
    out = []
    for concept in sorted(links):
        c = iri(concept)
        for link in links[concept]:
            t = iri(topic_iri(link.topic, base))
            node = iri(f"{base}topic-link/{hashlib.sha1(f'{concept} {link.topic}'.encode()).hexdigest()[:20]}")
            out += [
                (c, rel[link.relation], t),
                (node, iri(RDF.type), iri(GK.TopicLink)),
                (node, iri(GK.linkSource), c),
                (node, iri(GK.linkTarget), t),
                (node, iri(GK.linkRelation), rel[link.relation]),
                (node, iri(GK.linkMethod), lit(link.method)),
                (node, iri(GK.linkEvidence), lit(link.evidence)),
            ]
    return out
