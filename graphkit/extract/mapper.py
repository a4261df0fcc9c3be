"""Map a parsed :class:`~graphkit.ingest.model.Digest` to RDF triples (see docs/data-model.md).

Triples are tuples of N-Triples terms (strings). Everything that comes from one digest goes into
that digest's named graph, except the labels of merged concepts, which depend on every digest and
are computed by :func:`label_triples`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from graphkit.core.iris import article_iri
from graphkit.core.namespaces import DCTERMS, GK, GKD, PROV, RDF, RDFS, SCHEMA, SKOS, XSD
from graphkit.core.normalize import label_key, slug
from graphkit.core.ntriples import Triple, date_lit, external_iri, int_lit, iri, lit
from graphkit.ingest.model import Digest, Problem

A = iri(RDF.type)
_P = {
    name: iri(value)
    for name, value in {
        "headline": SCHEMA.headline,
        "url": SCHEMA.url,
        "isPartOf": SCHEMA.isPartOf,
        "datePublished": SCHEMA.datePublished,
        "abstract": SCHEMA.abstract,
        "about": SCHEMA.about,
        "keywords": SCHEMA.keywords,
        "mentions": SCHEMA.mentions,
        "name": SCHEMA.name,
        "category": GK.category,
        "type": DCTERMS.type,
        "closest": GK.closest,
        "digestFormat": GK.digestFormat,
        "wasDerivedFrom": PROV.wasDerivedFrom,
        "sourcePath": GK.sourcePath,
        "sha256": GK.sha256,
        "pageId": GK.pageId,
        "label": RDFS.label,
        "description": GK.description,
        "change": GK.change,
        "horizon": GK.horizon,
        "driving_force": GK.drivingForce,
        "relevancy": GK.relevancy,
        "extractedFrom": GK.extractedFrom,
        "sourceLine": GK.sourceLine,
        "technology": GK.technology,
        "inScheme": SKOS.inScheme,
        "key": GK.key,
        "prefLabel": SKOS.prefLabel,
        "altLabel": SKOS.altLabel,
        "alternateName": SCHEMA.alternateName,
        "actorKind": GK.actorKind,
    }.items()
}
_C = {
    name: iri(value)
    for name, value in {
        "article": SCHEMA.NewsArticle,
        "page": GK.Page,
        "source": GK.SourceFile,
    }.items()
}

#: Concept kinds: IRI path segment, class, scheme.
CONCEPTS = {
    "theme": ("theme", GK.Theme, GK.ThemeScheme),
    "keyword": ("keyword", GK.Keyword, GK.KeywordScheme),
    "technology": ("technology", GK.Technology, GK.TechnologyScheme),
    "category": ("category", GK.Category, GK.CategoryScheme),
    "type": ("type", GK.ArticleType, GK.ArticleTypeScheme),
    "actor": ("actor", GK.Actor, GK.ActorScheme),
}
#: Actor type and kind -> schema.org class (the kind refines schema:Organization where known).
ACTOR_CLASSES = {
    ("person", None): SCHEMA.Person,
    ("organisation", None): SCHEMA.Organization,
    ("organisation", "company"): SCHEMA.Corporation,
    ("organisation", "public-body"): SCHEMA.GovernmentOrganization,
    ("organisation", "research"): SCHEMA.ResearchOrganization,
    ("organisation", "ngo"): SCHEMA.NGO,
    ("organisation", "media"): SCHEMA.NewsMediaOrganization,
}
#: Table kinds: IRI path segment, row class, article → row property.
FINDINGS = {
    "signals": ("signal", GK.Signal, GK.hasSignal),
    "concerns": ("concern", GK.Concern, GK.hasConcern),
    "behaviors": ("behavior", GK.Behavior, GK.hasBehavior),
    "technologies": ("technology", GK.TechnologyMention, GK.hasTechnologyMention),
    "issues": ("issue", GK.Issue, GK.hasIssue),
}
_ROW_TEXT = ("description", "change", "horizon", "driving_force")
NAMELESS_WORDS = 8


@dataclass
class Mapped:
    """The triples of one digest, the surface forms of the concepts it uses, and problems."""

    triples: list[Triple]
    labels: dict[str, list[str]] = field(default_factory=dict)  # concept IRI -> surface forms
    problems: list[Problem] = field(default_factory=list)
    page: list | None = None  # [page IRI, page id, page URL or None, ISO date or None]
    actors: dict[str, list] = field(default_factory=dict)  # actor IRI -> [type, kind or None, name]


@lru_cache(maxsize=200_000)
def _key_and_slug(label: str) -> tuple[str, str]:
    # Labels recur across thousands of digests; normalising each once is a measurable saving.
    key = label_key(label)
    return key, slug(key) if key else ""


def concept_iri(kind: str, label: str, base: str = GKD) -> str | None:
    """The IRI of the theme/keyword/technology/… a label names, or None if it has no key."""
    key, segment = _key_and_slug(label)
    return f"{base}{CONCEPTS[kind][0]}/{segment}" if key else None


def actor_iri(name: str, base: str = GKD) -> str | None:
    """The IRI of an actor: its folded name without spaces, so "HuggingFace" = "Hugging Face".

    >>> actor_iri("Hugging Face") == actor_iri("HuggingFace") == "https://w3id.org/graphkit/id/actor/huggingface"
    True
    """
    from graphkit.extract.gazetteer import name_key

    key = name_key(name).replace(" ", "")
    return f"{base}actor/{slug(key)}" if key else None


def _nameless_label(description: str) -> str:
    words = description.split()
    text = " ".join(words[:NAMELESS_WORDS]).rstrip(".,;:")
    return text + ("…" if len(words) > NAMELESS_WORDS else "")


def map_digest(digest: Digest, base: str = GKD, actors: list | None = None) -> Mapped:
    """Map one digest to triples for its named graph.

    Parameters
    ----------
    digest : Digest
        A parsed digest.
    base : str
        Base IRI of instance data.
    actors : list of graphkit.extract.actors.Actor, optional
        The digest's actors (see :func:`graphkit.extract.actors.extract`); the article and the rows that
        name an actor get ``schema:mentions`` links to it.

    Returns
    -------
    Mapped
        Triples (N-Triples terms), the concept surface forms used, and mapping problems.

    Examples
    --------
    >>> from graphkit.ingest.parse import parse_bytes
    >>> d = parse_bytes(b"# __T__, (from page [20240107](https://x/p/20240107).)\\n## Themes\\n* AI\\n", "x.md")
    >>> m = map_digest(d)
    >>> sorted(m.labels.values())
    [['AI']]
    """
    out: list[Triple] = []
    add = out.append
    labels: dict[str, list[str]] = {}
    problems: list[Problem] = []
    did = slug(digest.id)
    a = f"<{base}article/{did}>"
    src = f"<{base}source/{did}>"

    add((a, A, _C["article"]))
    add((a, _P["headline"], lit(digest.title)))
    add((a, _P["digestFormat"], lit(digest.format)))
    add((a, _P["wasDerivedFrom"], src))
    add((src, A, _C["source"]))
    add((src, _P["name"], lit(digest.path.rsplit("/", 1)[-1])))
    add((src, _P["sourcePath"], lit(digest.path)))
    add((src, _P["sha256"], lit(digest.sha256)))
    if digest.source_url:
        url = external_iri(digest.source_url)
        if url:
            add((a, _P["url"], iri(url)))
        else:
            problems.append(
                Problem(digest.path, None, f"source link {digest.source_url!r} is not a valid URL; not recorded")
            )
    if digest.summary:
        add((a, _P["abstract"], lit(digest.summary)))
    page = None
    if digest.page_id:
        # The page's own triples are shared by every digest of that week: they go to the shared
        # graph (page_triples), so no triple is stored in two digest graphs.
        url = external_iri(digest.page_url) if digest.page_url else None
        date = digest.page_date.isoformat() if digest.page_date else None
        page_iri = f"{base}page/{slug(digest.page_id)}"
        page = [page_iri, digest.page_id, url, date]
        add((a, _P["isPartOf"], iri(page_iri)))
        if digest.page_date:
            add((a, _P["datePublished"], date_lit(digest.page_date)))

    def concept(kind: str, label: str) -> str | None:
        c = concept_iri(kind, label, base)
        if c is None:
            return None
        # A concept's type, scheme, key and labels depend on every digest that uses it: they go
        # to the shared graph (label_triples), once, not into each digest's graph.
        forms = labels.get(c)
        if forms is None:
            labels[c] = [label]
        elif label not in forms:
            forms.append(label)
        return iri(c)

    for kind, prop, values in (
        ("theme", "about", digest.themes),
        ("keyword", "keywords", digest.keywords),
    ):
        for value in values:
            if (c := concept(kind, value)) is not None:
                add((a, _P[prop], c))
    if digest.category and (c := concept("category", digest.category)):
        add((a, _P["category"], c))
    if digest.type and (c := concept("type", digest.type)):
        add((a, _P["type"], c))
    for link in digest.closest:
        add((a, _P["closest"], iri(article_iri(link.target, base))))

    row_actors: dict[tuple[str, int], list[str]] = {}
    actor_types: dict[str, list] = {}
    for actor in actors or ():
        c = actor_iri(actor.canonical or actor.name, base)
        if c is None:
            continue
        forms = labels.setdefault(c, [])
        for form in (actor.canonical or actor.name, actor.name, *actor.aliases):
            if form not in forms:
                forms.append(form)
        actor_types[c] = [actor.type, actor.kind, actor.canonical or actor.name]
        add((a, _P["mentions"], iri(c)))
        for row in actor.rows:
            row_actors.setdefault(tuple(row), []).append(iri(c))

    for table, (segment, cls, has) in FINDINGS.items():
        cls_t, has_t = iri(cls), iri(has)
        for n, row in enumerate(digest.rows(table), start=1):
            r = f"<{base}article/{did}/{segment}/{n}>"
            add((a, has_t, r))
            add((r, A, cls_t))
            add((r, _P["extractedFrom"], a))
            add((r, _P["sourceLine"], int_lit(row.line)))
            label = row.name or _nameless_label(row.description or "")
            add((r, _P["label"], lit(label)))
            for col in _ROW_TEXT:
                value = getattr(row, col)
                if value:
                    add((r, _P[col], lit(value)))
            if row.relevancy is not None:
                add((r, _P["relevancy"], int_lit(row.relevancy)))
            if table == "technologies" and row.name and (t := concept("technology", row.name)):
                add((r, _P["technology"], t))
                add((a, _P["mentions"], t))
            for c in row_actors.get((table, n - 1), ()):
                add((r, _P["mentions"], c))
    # Duplicates (a keyword listed twice under two spellings) are harmless in a store but would
    # skew counts in the naive baseline; drop them while keeping first-seen order.
    return Mapped(list(dict.fromkeys(out)), labels, problems, page, actor_types)


def choose_labels(forms: Counter) -> tuple[str, list[str]]:
    """Pick the preferred label among surface forms counted across digests.

    The most frequent form wins; ties go to the form that sorts first case-insensitively, then
    by code point (so "AI" beats "ai"). Every other form becomes an alternative label.

    >>> choose_labels(Counter({"open-source AI": 2, "Open Source AI": 2, "open source ai": 1}))
    ('Open Source AI', ['open source ai', 'open-source AI'])
    """
    ordered = sorted(forms, key=lambda f: (-forms[f], f.casefold(), f))
    return ordered[0], sorted(ordered[1:])


_KIND_BY_SEGMENT = {segment: (iri(cls), iri(scheme)) for segment, cls, scheme in CONCEPTS.values()}


def label_triples(
    forms_by_concept: dict[str, Counter],
    base: str = GKD,
    actor_types: dict[str, Counter] | None = None,
    actor_names: dict[str, Counter] | None = None,
) -> list[Triple]:
    """Concept triples of the shared graph: type, scheme, key, preferred and alternative labels of every merged
    concept (theme, keyword, technology, category, type, actor), sorted by IRI.

    ``forms_by_concept`` maps a concept IRI to its surface forms counted over all digests;
    ``actor_types`` maps an actor IRI to its (type, kind) pairs counted over digests: the most
    frequent wins (a tie goes to the one that sorts first), so an actor has one schema.org class.
    ``actor_names`` counts each actor's name (the gazetteer's, else the fullest form a digest
    used): the preferred label is chosen among those, never among short forms such as a surname.
    """
    out: list[Triple] = []
    for c in sorted(forms_by_concept):
        forms = forms_by_concept[c]
        segment = c[len(base) :].split("/", 1)[0]
        cls, scheme = _KIND_BY_SEGMENT[segment]
        pref, alts = choose_labels(forms)
        if segment == "actor" and actor_names and actor_names.get(c):
            pref = choose_labels(actor_names[c])[0]
            alts = sorted(f for f in forms if f != pref)
        ci = iri(c)
        out.append((ci, A, cls))
        out.append((ci, _P["inScheme"], scheme))
        out.append((ci, _P["key"], lit(_key_and_slug(pref)[0])))
        out.append((ci, _P["prefLabel"], lit(pref)))
        out.extend((ci, _P["altLabel"], lit(alt)) for alt in alts)
        if segment == "actor":
            votes = (actor_types or {}).get(c) or Counter({("organisation", None): 1})
            type_, kind = sorted(votes, key=lambda tk: (-votes[tk], tk[0], tk[1] or ""))[0]
            # The broad class is stated even with a finer one, so SPARQL needs no inference.
            out.append((ci, A, iri(ACTOR_CLASSES[(type_, None)])))
            if (type_, kind) in ACTOR_CLASSES and kind:
                out.append((ci, A, iri(ACTOR_CLASSES[(type_, kind)])))
            if kind:
                out.append((ci, _P["actorKind"], lit(kind)))
            out.append((ci, _P["name"], lit(pref)))
            out.extend((ci, _P["alternateName"], lit(alt)) for alt in alts)
    return out


def page_triples(pages: list[list]) -> list[Triple]:
    """Triples of the weekly pages, from the ``Mapped.page`` entries of every digest.

    A page seen with several URLs (two digests disagreeing) keeps them all; sorted by IRI.
    """
    by_iri: dict[str, dict] = {}
    for page_iri, page_id, url, date in pages:
        entry = by_iri.setdefault(page_iri, {"id": page_id, "urls": set(), "dates": set()})
        if url:
            entry["urls"].add(url)
        if date:
            entry["dates"].add(date)
    out: list[Triple] = []
    for page_iri in sorted(by_iri):
        entry, p = by_iri[page_iri], iri(page_iri)
        out.append((p, A, _C["page"]))
        out.append((p, _P["pageId"], lit(entry["id"])))
        out.extend((p, _P["url"], iri(u)) for u in sorted(entry["urls"]))
        out.extend((p, _P["datePublished"], f'"{d}"^^<{XSD.date}>') for d in sorted(entry["dates"]))
    return out
