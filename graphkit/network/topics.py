"""What the topic layer does for a corpus: articles per topic, coverage, what is left unlinked.

Pure functions over the build's network cache (per-digest fragments, concepts, topic links and
the scheme's tree), so ``graphkit topics`` needs no SPARQL. See :mod:`graphkit.extract.topics`
for how concepts are linked.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict

#: Concept kinds linked to topics, in the order reports list them.
KINDS = ("theme", "keyword", "technology")
_TYPE_BY_SEGMENT = {"theme": "theme", "keyword": "keyword", "technology": "technology"}


def article_concepts(fragments: dict) -> dict[str, list[tuple[str, str]]]:
    """``{article IRI: [(kind, concept IRI), ...]}``: the themes, keywords and technologies of each
    article, from the fragments' edges (a concept counted once per article)."""
    out: dict[str, list[tuple[str, str]]] = {}
    for frag in fragments.values():
        articles = [n for n, v in frag["nodes"].items() if v[0] == "article"]
        for art in articles:
            seen: dict[str, str] = {}
            for a, b, *_ in frag["edges"]:
                other = b if a == art else a if b == art else None
                if other is None or other in frag["nodes"]:
                    continue
                kind = other.rsplit("/", 2)[-2]
                if kind in _TYPE_BY_SEGMENT:
                    seen.setdefault(other, kind)
            out[art] = sorted((k, c) for c, k in seen.items())
    return out


def ancestors(tree: dict[str, list], topic: str) -> list[str]:
    """Every topic above ``topic`` in ``tree`` (``{topic: [en, fr, [parents]]}``), nearest first."""
    out: list[str] = []
    todo = list(tree.get(topic, [None, None, []])[2])
    while todo:
        t = todo.pop(0)
        if t not in out:
            out.append(t)
            todo.extend(tree.get(t, [None, None, []])[2])
    return out


def topic_articles(
    per_article: dict[str, list[tuple[str, str]]], links: dict[str, list[str]], tree: dict[str, list]
) -> tuple[dict[str, set], dict[str, set]]:
    """Articles of each topic: ``(direct, rolled_up)``, where rolled-up counts an article for a
    topic and for every topic above it (an article on "large language models" is one on AI too).

    >>> tree = {"ai": ["AI", "IA", ["tech"]], "tech": ["Technological", "Technologique", []]}
    >>> direct, rolled = topic_articles({"a1": [("theme", "t1")]}, {"t1": ["ai"]}, tree)
    >>> sorted(direct["ai"]), sorted(rolled["tech"])
    (['a1'], ['a1'])
    """
    direct: dict[str, set] = defaultdict(set)
    for art, concepts in per_article.items():
        for _, c in concepts:
            for t in links.get(c, ()):
                direct[t].add(art)
    rolled: dict[str, set] = defaultdict(set)
    for t, arts in direct.items():
        for u in (t, *ancestors(tree, t)):
            rolled[u] |= arts
    return dict(direct), dict(rolled)


def coverage(
    per_article: dict[str, list[tuple[str, str]]],
    links: dict[str, list[str]],
    tree: dict[str, list],
    *,
    min_articles: int = 3,
) -> dict[str, dict]:
    """How many article → theme/keyword/technology links reach a shared topic.

    For each kind: ``links`` (article–concept pairs), ``concepts``, and the share of links whose
    concept is linked to a topic below the five top concepts (``linked``); to a topic that
    itself has ``min_articles`` articles or more (``shared``); to a topic that has them, or one
    of whose broader topics has them, top concepts aside (``reached``, the headline figure).
    """
    direct, rolled = topic_articles(per_article, links, tree)
    tops = {t for t, (_, _, parents, *_) in tree.items() if not parents}
    out: dict[str, dict] = {}
    for kind in KINDS:
        pairs = [(a, c) for a, cs in per_article.items() for k, c in cs if k == kind]
        linked = shared = reached = 0
        for _, c in pairs:
            topics = [t for t in links.get(c, ()) if t not in tops]
            linked += bool(topics)
            shared += any(len(direct.get(t, ())) >= min_articles for t in topics)
            reached += any(
                len(rolled.get(u, ())) >= min_articles
                for t in topics
                for u in (t, *ancestors(tree, t))
                if u not in tops
            )
        n = len(pairs) or 1
        out[kind] = {
            "links": len(pairs),
            "concepts": len({c for _, c in pairs}),
            "linked": linked / n,
            "shared": shared / n,
            "reached": reached / n,
        }
    return out


def unlinked(
    per_article: dict[str, list[tuple[str, str]]], links: dict[str, list[str]], labels: dict[str, str], *, top: int = 20
) -> dict[str, list[tuple[str, int]]]:
    """The most frequent themes, keywords and technologies that link to no topic (what to add next)."""
    out = {}
    for kind in KINDS:
        counts = Counter(c for cs in per_article.values() for k, c in cs if k == kind and c not in links)
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], labels.get(kv[0], kv[0]).casefold()))
        out[kind] = [(labels.get(c, c), n) for c, n in ranked[:top]]
    return out


def tree_rows(tree: dict[str, list], rolled: dict[str, set], *, depth: int = 2, min_articles: int = 1) -> list[dict]:
    """The scheme as an indented list, largest topics first: ``[{"topic", "label", "level",
    "articles"}]``, topics with fewer than ``min_articles`` articles (narrower included) left out."""
    children: dict[str, list[str]] = defaultdict(list)
    for t, (_, _, parents, *_) in tree.items():
        for p in parents[:1]:  # a topic with two parents is listed under its first
            children[p].append(t)
    rows: list[dict] = []

    def visit(t: str, level: int) -> None:
        n = len(rolled.get(t, ()))
        if n < min_articles and level > 0:
            return
        rows.append({"topic": t, "label": tree[t][0], "level": level, "articles": n})
        if level < depth:
            for c in sorted(children.get(t, ()), key=lambda c: (-len(rolled.get(c, ())), tree[c][0].casefold())):
                visit(c, level + 1)

    for top in sorted((t for t, v in tree.items() if not v[2]), key=lambda t: (-len(rolled.get(t, ())), t)):
        visit(top, 0)
    return rows


def _trigrams(text: str) -> set[str]:
    text = unicodedata.normalize("NFKD", text.casefold())
    text = " " + re.sub(r"\W+", " ", "".join(c for c in text if not unicodedata.combining(c))).strip() + " "
    return {text[i : i + 3] for i in range(len(text) - 2)}


def suggest_topics(
    labels: list[str], names: dict[str, list[str]], *, per_label: int = 3, cutoff: float = 0.45
) -> list[dict]:
    """Topics whose labels *look like* each given label (character trigram Jaccard similarity).

    Suggestions only, for a person to accept (``same_as`` in a topics file) or ignore: nothing is
    linked by similarity. ``names`` maps a topic to its labels and aliases.

    >>> suggest_topics(["cyber-securty"], {"cybersecurity": ["cybersecurity", "cyber security"]})[0]["topic"]
    'cybersecurity'
    """
    grams = {t: [(n, _trigrams(n)) for n in ns] for t, ns in names.items()}
    out = []
    for label in labels:
        g = _trigrams(label)
        scored = []
        for t, forms in grams.items():
            best = max(((len(g & h) / len(g | h), n) for n, h in forms if g | h), default=(0.0, ""))
            if best[0] >= cutoff:
                scored.append((best[0], t, best[1]))
        scored.sort(key=lambda x: (-x[0], x[1]))
        out += [
            {"label": label, "topic": t, "matched": n, "score": round(s, 3), "method": "char-3gram"}
            for s, t, n in scored[:per_label]
        ]
    return out


def summary(kg, *, depth: int = 2, min_articles: int = 1, top_unlinked: int = 20, suggest: bool = False) -> dict:
    """Everything ``graphkit topics`` prints, as plain data: the scheme's size, coverage per kind,
    links per method, the tree with article counts, the most frequent unlinked labels and, with
    ``suggest``, candidate topics for them.

    Parameters
    ----------
    kg : KnowledgeGraph
    """
    report = kg.topics_report()
    cache = kg.network_cache()
    if report is None or cache is None:
        from graphkit.store.folder import StoreError

        raise StoreError(f"{kg.path} was built before topics existed; rebuild it with 'graphkit build DIGESTS --full'")
    fragments, concepts, links = cache
    tree = report["tree"]
    per_article = article_concepts(fragments)
    _direct, rolled = topic_articles(per_article, links, tree)
    labels = {c: v[1] for c, v in concepts.items()}
    methods: dict[str, int] = {}
    for ls in report["links"].values():
        for _, _, method, _ in ls:
            methods[method] = methods.get(method, 0) + 1
    used = {t for ls in links.values() for t in ls}
    out: dict = {
        "scheme": {
            "topics": len(tree),
            "sources": report["sources"],
            "used": len(used),
            "with_3_articles": sum(1 for t in used if len(rolled.get(t, ())) >= 3),
        },
        "coverage": coverage(per_article, links, tree),
        "methods": dict(sorted(methods.items())),
        "tree": tree_rows(tree, rolled, depth=depth, min_articles=min_articles),
        "unlinked": unlinked(per_article, links, labels, top=top_unlinked),
    }
    if suggest:
        names = {t: [v[0], v[1], *v[3]] for t, v in tree.items()}
        wanted = list(dict.fromkeys(label for items in out["unlinked"].values() for label, _ in items))
        out["suggestions"] = suggest_topics(wanted, names)
    return out
