"""Related items: given a signal (or technology, theme, article…), what else in the corpus is
related to it, and why.

The score blends two kinds of evidence, each in [0, 1]:

* **graph** — weighted Jaccard similarity of the *contexts* of the two items. An item's context
  is the bag of concepts (themes, technologies, keywords) of its articles: a row's article, an
  article itself, or every article about a concept (plus the concept itself). Each concept counts
  ``w × idf`` with w = 1 for themes and technologies, 0.5 for keywords, and
  ``idf = 1 / log(2 + number of articles using it)`` — an Adamic–Adar-style discount, so sharing a
  rare concept says more than sharing "technology".
* **text** — cosine similarity of TF-IDF vectors of name + description (no model download).

``score = GRAPH_WEIGHT × graph + (1 − GRAPH_WEIGHT) × text``. Every result lists the shared
concepts behind its graph score. Items from the query's own article are left out by default.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .normalize import label_key

GRAPH_WEIGHT = 0.5
CONCEPT_WEIGHTS = {"theme": 1.0, "technology": 1.0, "keyword": 0.5}
ROW_TYPES = ("signal", "concern", "behavior", "issue")
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_STOP = set(
    "the and for with that this from are was were will into over more than their its has have had not but "
    "can may also such these those which who what when where how why all any each other new use used using "
    "les des une pour dans avec sur par est qui que aux plus ses ces son sont".split()
)


class Ambiguous(LookupError):
    """The query names several items; ``candidates`` lists them (iri, type, label)."""

    def __init__(self, query: str, candidates: list[tuple[str, str, str]]):
        super().__init__(f"{query!r} matches {len(candidates)} items")
        self.candidates = candidates


@dataclass
class Related:
    iri: str
    type: str
    label: str
    score: float
    graph: float
    text: float
    shared: list[str] = field(default_factory=list)
    article: str | None = None

    def as_dict(self) -> dict:
        return {
            "iri": self.iri, "type": self.type, "label": self.label, "score": round(self.score, 6),
            "graph": round(self.graph, 6), "text": round(self.text, 6), "shared": self.shared,
            "article": self.article,
        }


def _tokens(text: str) -> list[str]:
    """Lower-cased words of 3+ letters, stop words out, a final plural "s" folded."""
    out = []
    for w in _WORD.findall(text):
        w = w.casefold()
        if w in _STOP:
            continue
        out.append(w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith("ss") else w)
    return out


class RelatedIndex:
    """Everything `related` needs, built once from the projection and the row texts."""

    def __init__(self, data: dict, texts: dict[str, str]):
        self.nodes = {n[0]: n for n in data["nodes"]}  # iri -> [iri, type, label, date, rel]
        self.adj: dict[str, list[str]] = defaultdict(list)
        for a, b, _ in data["edges"]:
            self.adj[a].append(b)
            self.adj[b].append(a)
        self.texts = texts
        self.article_of = {}
        for iri, (_, t, *_rest) in self.nodes.items():
            if t in ROW_TYPES:
                arts = [x for x in self.adj[iri] if self.nodes[x][1] == "article"]
                self.article_of[iri] = arts[0] if arts else None
            elif t == "article":
                self.article_of[iri] = iri
        self.concepts_of = {
            a: [c for c in self.adj[a] if self.nodes[c][1] in CONCEPT_WEIGHTS]
            for a, n in self.nodes.items() if n[1] == "article"
        }
        df = Counter(c for cs in self.concepts_of.values() for c in cs)
        self.idf = {c: 1.0 / math.log(2 + k) for c, k in df.items()}

    # -- lookup -----------------------------------------------------------------------------------

    def resolve(self, query: str, node_type: str | None = None) -> str | None:
        """The IRI of the item a query names; None when it names none (treat as free text).

        Raises :class:`Ambiguous` when several items match equally well.
        """
        if query in self.nodes:
            return query
        key = label_key(query)
        pool = [n for n in self.nodes.values() if node_type is None or n[1] == node_type]
        exact = [n for n in pool if label_key(n[2]) == key] if key else []
        if len(exact) == 1:
            return exact[0][0]
        if len(exact) > 1:
            raise Ambiguous(query, [(n[0], n[1], n[2]) for n in sorted(exact, key=lambda n: (n[1], n[0]))])
        import difflib

        labels: dict[str, list] = defaultdict(list)
        for n in pool:
            labels[n[2].casefold()].append(n)
        close = difflib.get_close_matches(query.casefold(), list(labels), n=5, cutoff=0.75)
        if not close:
            return None
        best = labels[close[0]]
        if len(best) == 1 and (len(close) == 1 or difflib.SequenceMatcher(None, query.casefold(), close[0]).ratio() >= 0.9):
            return best[0][0]
        raise Ambiguous(query, [(n[0], n[1], n[2]) for c in close for n in labels[c]])

    # -- evidence ---------------------------------------------------------------------------------

    def context(self, iri: str) -> dict[str, float]:
        t = self.nodes[iri][1]
        if t in CONCEPT_WEIGHTS:
            arts = [a for a in self.adj[iri] if self.nodes[a][1] == "article"]
            bag: dict[str, float] = {iri: 1.0}
            for a in arts:
                for c in self.concepts_of.get(a, []):
                    bag[c] = bag.get(c, 0.0) + 1.0 / len(arts)
            return {c: min(w, 1.0) * CONCEPT_WEIGHTS[self.nodes[c][1]] * self.idf.get(c, 1.0) for c, w in bag.items()}
        article = self.article_of.get(iri)
        return {c: CONCEPT_WEIGHTS[self.nodes[c][1]] * self.idf[c] for c in self.concepts_of.get(article, [])}

    def text_of(self, iri: str) -> str:
        return f"{self.nodes[iri][2]} {self.texts.get(iri, '')}"

    # -- ranking ----------------------------------------------------------------------------------

    def related(self, query: str, *, node_type: str | None = None, target_type: str | None = None,
                top: int = 10, include_same_article: bool = False) -> tuple[str | None, list[Related]]:
        """Rank items related to ``query`` (an IRI, a name, or free text).

        Returns the resolved IRI (None for free text) and the ranked results.
        """
        q = self.resolve(query, node_type)
        target = target_type or (self.nodes[q][1] if q else "signal")
        candidates = [n for n, v in self.nodes.items() if v[1] == target and n != q]
        if q and not include_same_article and self.article_of.get(q):
            own = self.article_of[q]
            candidates = [c for c in candidates if self.article_of.get(c) != own]
        docs = {c: Counter(_tokens(self.text_of(c))) for c in candidates}
        qdoc = Counter(_tokens(self.text_of(q) if q else query))
        n_docs = len(docs) + 1
        df = Counter(w for d in docs.values() for w in d)
        idf = {w: math.log(n_docs / (1 + k)) + 1.0 for w, k in df.items()}

        def vec(doc: Counter) -> dict[str, float]:
            v = {w: (1 + math.log(k)) * idf.get(w, math.log(n_docs) + 1.0) for w, k in doc.items()}
            norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
            return {w: x / norm for w, x in v.items()}

        qv = vec(qdoc)
        qctx = self.context(q) if q else {}
        results = []
        for c in candidates:
            text = sum(x * qv.get(w, 0.0) for w, x in vec(docs[c]).items()) if qv else 0.0
            graph, shared = 0.0, []
            if qctx:
                cctx = self.context(c)
                keys = qctx.keys() | cctx.keys()
                num = sum(min(qctx.get(k, 0.0), cctx.get(k, 0.0)) for k in keys)
                den = sum(max(qctx.get(k, 0.0), cctx.get(k, 0.0)) for k in keys)
                graph = num / den if den else 0.0
                shared = sorted((k for k in qctx.keys() & cctx.keys()), key=lambda k: (-min(qctx[k], cctx[k]), k))
            score = GRAPH_WEIGHT * graph + (1 - GRAPH_WEIGHT) * text if q else text
            if score > 0:
                art = self.article_of.get(c)
                results.append(Related(c, target, self.nodes[c][2], score, graph, text,
                                       [f"{self.nodes[k][1]}: {self.nodes[k][2]}" for k in shared[:6]],
                                       self.nodes[art][2] if art and art != c else None))
        results.sort(key=lambda r: (-r.score, r.iri))
        return q, results[:top]


def load_index(kg) -> RelatedIndex:
    """A :class:`RelatedIndex` for a :class:`~graphkit.graph.KnowledgeGraph`."""
    import json

    from .build import TEXTS_FILE
    from .store import GraphFolder

    texts: dict[str, str] = {}
    gen = GraphFolder(kg.path).current()
    try:
        for per_digest in json.loads((gen / TEXTS_FILE).read_text("utf-8")).values():
            texts.update(per_digest)
    except (OSError, ValueError, TypeError):
        pass  # a store built by another tool: names only
    return RelatedIndex(kg.projection(), texts)
