"""Related items: given a signal (or technology, theme, article…), what else in the corpus is
related to it, and why.

The score blends two kinds of evidence, each in [0, 1]:

* **graph** — weighted Jaccard similarity of the *contexts* of the two items. An item's context
  is the bag of concepts (themes, technologies, keywords) of its articles: a row's article, an
  article itself, or every article about a concept (averaged, plus the concept itself). Each
  concept counts ``w × idf`` with w = 1 for themes and technologies, 0.5 for keywords, and
  ``idf = 1 / log(2 + number of articles using it)`` — an Adamic–Adar-style discount, so sharing
  a rare concept says more than sharing "technology".
* **text** — cosine similarity of TF-IDF vectors of name + description (no model download).

``score = GRAPH_WEIGHT × graph + (1 − GRAPH_WEIGHT) × text`` (free-text queries: text only).
Every result lists the shared concepts behind its graph score. Items from the query's own
article are left out by default.

The index (sparse matrices) is built once per build and saved next to the store
(``related.npz`` + ``related.json``), so a query is a few sparse products.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from graphkit.core.normalize import label_key

GRAPH_WEIGHT = 0.5
# An actor shared by two articles is as telling as a shared theme (both are rare and specific).
CONCEPT_WEIGHTS = {"theme": 1.0, "technology": 1.0, "actor": 1.0, "keyword": 0.5}
ROW_TYPES = ("signal", "concern", "behavior", "issue")
#: At most this many concepts of a query's context are compared (the heaviest ones).
MAX_CONTEXT = 256
INDEX_JSON = "related.json"
INDEX_NPZ = "related.npz"
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
            "iri": self.iri,
            "type": self.type,
            "label": self.label,
            "score": round(self.score, 6),
            "graph": round(self.graph, 6),
            "text": round(self.text, 6),
            "shared": self.shared,
            "article": self.article,
        }


def tokens(text: str) -> list[str]:
    """Lower-cased words of 3+ letters, stop words out, a final plural "s" folded.

    >>> tokens("Tethered kites harvest the tides")
    ['tethered', 'kite', 'harvest', 'tide']
    """
    out = []
    for w in _WORD.findall(text):
        w = w.casefold()
        if w in _STOP:
            continue
        out.append(w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith("ss") else w)
    return out


# -- building -------------------------------------------------------------------------------------


def build_index(data: dict, texts: dict[str, str]) -> tuple[dict, dict]:
    """The related-items index of a projection: (JSON-able metadata, numpy arrays).

    Items are every node; ``tfidf`` is their L2-normalised TF-IDF (name + description); ``ctx``
    holds each article's concept weights (w × idf); ``article`` maps an item to its article.
    """
    import numpy as np
    from scipy import sparse

    nodes = data["nodes"]
    iris = [n[0] for n in nodes]
    types = [n[1] for n in nodes]
    labels = [n[2] for n in nodes]
    pos = {iri: i for i, iri in enumerate(iris)}
    article = np.full(len(nodes), -1, dtype=np.int64)
    concepts_of: dict[int, list[int]] = {}
    for a, b, _ in data["edges"]:
        ia, ib = pos[a], pos[b]
        for x, y in ((ia, ib), (ib, ia)):
            if types[x] == "article":
                if types[y] in ROW_TYPES:
                    article[y] = x
                elif types[y] in CONCEPT_WEIGHTS:
                    concepts_of.setdefault(x, []).append(y)
    for i, t in enumerate(types):
        if t == "article":
            article[i] = i
    # text
    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for i, iri in enumerate(iris):
        counts = Counter(tokens(f"{labels[i]} {texts.get(iri, '')}"))
        for w, k in counts.items():
            rows.append(i)
            cols.append(vocab.setdefault(w, len(vocab)))
            vals.append(1.0 + math.log(k))
    tf = sparse.csr_matrix((vals, (rows, cols)), shape=(len(iris), len(vocab)), dtype=np.float64)
    df = np.bincount(tf.indices, minlength=len(vocab))
    idf = np.log((len(iris) + 1) / (1 + df)) + 1.0
    tfidf = _l2_rows(tf @ sparse.diags(idf))
    # graph context of articles: concept weights w × idf
    concept_df = Counter(c for cs in concepts_of.values() for c in set(cs))
    crow, ccol, cval = [], [], []
    for a, cs in concepts_of.items():
        for c in set(cs):
            crow.append(a)
            ccol.append(c)
            cval.append(CONCEPT_WEIGHTS[types[c]] / math.log(2 + concept_df[c]))
    ctx = sparse.csr_matrix((cval, (crow, ccol)), shape=(len(iris), len(iris)), dtype=np.float64)
    meta = {
        "iris": iris,
        "types": types,
        "labels": labels,
        "keys": [label_key(x) for x in labels],
        "vocab": sorted(vocab, key=vocab.__getitem__),
    }
    arrays = {
        "article": article,
        "idf": idf,
        "tfidf_data": tfidf.data,
        "tfidf_indices": tfidf.indices,
        "tfidf_indptr": tfidf.indptr,
        "ctx_data": ctx.data,
        "ctx_indices": ctx.indices,
        "ctx_indptr": ctx.indptr,
    }
    return meta, arrays


def _l2_rows(m):
    import numpy as np
    from scipy import sparse

    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ m)


def save_index(folder: Path, meta: dict, arrays: dict) -> None:
    import io

    import numpy as np

    from graphkit.store.folder import atomic_write

    buf = io.BytesIO()
    np.savez(buf, **arrays)
    atomic_write(folder / INDEX_NPZ, buf.getvalue())
    atomic_write(folder / INDEX_JSON, json.dumps(meta, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


# -- querying -------------------------------------------------------------------------------------


class RelatedIndex:
    """A loaded index; :meth:`related` answers one query."""

    def __init__(self, meta: dict, arrays):
        from scipy import sparse

        self.iris: list[str] = meta["iris"]
        self.types: list[str] = meta["types"]
        self.labels: list[str] = meta["labels"]
        self.pos = {iri: i for i, iri in enumerate(self.iris)}
        self.vocab = {w: i for i, w in enumerate(meta["vocab"])}
        n = len(self.iris)
        self.article = arrays["article"]
        self.idf = arrays["idf"]
        self.tfidf = sparse.csr_matrix(
            (arrays["tfidf_data"], arrays["tfidf_indices"], arrays["tfidf_indptr"]), shape=(n, len(self.vocab))
        )
        self.ctx = sparse.csr_matrix((arrays["ctx_data"], arrays["ctx_indices"], arrays["ctx_indptr"]), shape=(n, n))
        self.keys: list[str] = meta["keys"]

    @classmethod
    def load(cls, folder: Path) -> RelatedIndex:
        import numpy as np

        meta = json.loads((folder / INDEX_JSON).read_text("utf-8"))
        with np.load(folder / INDEX_NPZ) as arrays:
            return cls(meta, {k: arrays[k] for k in arrays.files})

    # -- lookup -----------------------------------------------------------------------------------

    def resolve(self, query: str, node_type: str | None = None) -> int | None:
        """The item a query names; None when it names none (then it is free text).

        Raises :class:`Ambiguous` when several items match equally well.
        """
        if query in self.pos:
            return self.pos[query]
        if re.match(r"^[a-z][a-z0-9+.-]*://\S+$", query, re.IGNORECASE):
            raise KeyError(f"no item has the IRI {query}; check it with 'graphkit query', or give a name")
        key = label_key(query)
        exact = (
            [i for i, k in enumerate(self.keys) if k == key and (node_type is None or self.types[i] == node_type)]
            if key
            else []
        )
        if len(exact) == 1:
            return exact[0]
        if len(exact) > 1:
            raise Ambiguous(query, sorted((self.iris[i], self.types[i], self.labels[i]) for i in exact))
        words = set(key.split())
        if not words or len(words) > 8:
            return None  # a sentence: free text, not a name
        import difflib

        # Approximate names: only labels of similar length sharing a word are compared.
        by_label: dict[str, list[int]] = {}
        lo, hi = 0.6 * len(key), 1.4 * len(key) + 2
        for i, k in enumerate(self.keys):
            if (node_type is None or self.types[i] == node_type) and lo <= len(k) <= hi and words & set(k.split()):
                by_label.setdefault(self.labels[i].casefold(), []).append(i)
        close = difflib.get_close_matches(query.casefold(), list(by_label), n=5, cutoff=0.75)
        if not close:
            return None
        best = by_label[close[0]]
        ratio = difflib.SequenceMatcher(None, query.casefold(), close[0]).ratio()
        if len(best) == 1 and (len(close) == 1 or ratio >= 0.9):
            return best[0]
        raise Ambiguous(query, [(self.iris[i], self.types[i], self.labels[i]) for c in close for i in by_label[c]])

    # -- evidence ---------------------------------------------------------------------------------

    def _contexts(self, items):
        """Context vectors (rows of a sparse matrix) of items, see the module docstring."""
        import numpy as np
        from scipy import sparse

        items = np.asarray(items, dtype=np.int64)
        if len(items) and self.types[items[0]] in CONCEPT_WEIGHTS:
            return self._concept_contexts(items)
        # A row's (or an article's) context is its article's row of `ctx`; items without an
        # article point at themselves, whose `ctx` row is empty.
        arts = self.article[items]
        return sparse.csr_matrix(self.ctx[np.where(arts >= 0, arts, items)])

    def _concept_contexts(self, candidates):
        """Context vectors of many concepts at once: mean of their articles' rows, plus themselves."""
        import numpy as np
        from scipy import sparse

        inc = self.ctx[:, candidates].T.tocsr()  # candidate x article (weights)
        inc.data[:] = 1.0
        counts = np.asarray(inc.sum(axis=1)).ravel()
        counts[counts == 0] = 1.0
        mean = sparse.diags(1.0 / counts) @ inc @ self.ctx
        own_weight = np.asarray(self.ctx[:, candidates].max(axis=0).todense()).ravel()
        own = sparse.csr_matrix((own_weight, (np.arange(len(candidates)), candidates)), shape=mean.shape)
        return sparse.csr_matrix(mean).maximum(own)

    def related(
        self,
        query: str,
        *,
        node_type: str | None = None,
        target_type: str | None = None,
        top: int = 10,
        include_same_article: bool = False,
        within: set[str] | None = None,
    ) -> tuple[str | None, list[Related]]:
        """Rank items related to ``query`` (an IRI, a name, or free text).

        ``within``, a set of IRIs, restricts the results to those items (``--since/--until``: the
        items of the articles in a date range); scores are unchanged.
        Returns the resolved IRI (None for free text) and the ranked results.
        """
        import numpy as np
        from scipy import sparse

        q = self.resolve(query, node_type)
        target = target_type or (self.types[q] if q is not None else "signal")
        candidates = np.array(
            [
                i
                for i, t in enumerate(self.types)
                if t == target and i != q and (within is None or self.iris[i] in within)
            ],
            dtype=np.int64,
        )
        if q is not None and not include_same_article and self.article[q] >= 0:
            candidates = candidates[self.article[candidates] != self.article[q]]
        if len(candidates) == 0:
            return (self.iris[q] if q is not None else None), []
        # text
        if q is not None:
            qvec = self.tfidf[q]
        else:
            counts = Counter(w for w in tokens(query) if w in self.vocab)
            cols = [self.vocab[w] for w in counts]
            vals = [(1 + math.log(k)) * self.idf[self.vocab[w]] for w, k in counts.items()]
            qvec = _l2_rows(sparse.csr_matrix((vals, ([0] * len(cols), cols)), shape=(1, len(self.vocab))))
        text = np.asarray((self.tfidf[candidates] @ qvec.T).todense()).ravel()
        # graph
        graph = np.zeros(len(candidates))
        qctx = None
        if q is not None:
            qctx = self._contexts([q])
            if qctx.nnz > MAX_CONTEXT:
                # A popular theme's context spans thousands of concepts: the heaviest ones carry
                # the evidence, and comparing on them keeps memory and time bounded.
                keep = np.sort(np.argsort(-qctx.data, kind="stable")[:MAX_CONTEXT])
                qctx = sparse.csr_matrix((qctx.data[keep], qctx.indices[keep], [0, len(keep)]), shape=qctx.shape)
            qcols = qctx.indices
            if len(qcols):
                cctx = self._contexts(candidates)
                sub = cctx[:, qcols].toarray()
                num = np.minimum(sub, qctx.data[np.newaxis, :]).sum(axis=1)
                den = qctx.data.sum() + np.asarray(cctx.sum(axis=1)).ravel() - num
                graph = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
        score = GRAPH_WEIGHT * graph + (1 - GRAPH_WEIGHT) * text if q is not None else text
        order = sorted(
            (k for k in range(len(candidates)) if score[k] > 0), key=lambda k: (-score[k], self.iris[candidates[k]])
        )[:top]
        results = []
        for k in order:
            c = int(candidates[k])
            shared = []
            if qctx is not None and graph[k] > 0:
                cvec = self._contexts([c])
                cw = dict(zip(cvec.indices, cvec.data))
                common = [(min(w, cw[j]), self.iris[j], j) for j, w in zip(qctx.indices, qctx.data) if j in cw]
                shared = [
                    f"{self.types[j]}: {self.labels[j]}" for _, _, j in sorted(common, key=lambda x: (-x[0], x[1]))[:6]
                ]
            art = self.article[c]
            results.append(
                Related(
                    self.iris[c],
                    target,
                    self.labels[c],
                    float(score[k]),
                    float(graph[k]),
                    float(text[k]),
                    shared,
                    self.labels[art] if art >= 0 and art != c else None,
                )
            )
        return (self.iris[q] if q is not None else None), results

    def label_of(self, iri: str) -> str:
        return self.labels[self.pos[iri]]


def load_index(kg) -> RelatedIndex:
    """The :class:`RelatedIndex` of a :class:`~graphkit.graph.KnowledgeGraph`: the one saved by
    the build, else one built now (and cached beside the store for the next query)."""
    import contextlib

    from graphkit.store.files import TEXTS_FILE
    from graphkit.store.folder import GraphFolder

    gen = GraphFolder(kg.path).live()
    try:
        return RelatedIndex.load(gen)
    except (OSError, ValueError, KeyError):
        pass
    texts: dict[str, str] = {}
    with contextlib.suppress(OSError, ValueError):
        for per_digest in json.loads((gen / TEXTS_FILE).read_text("utf-8")).values():
            texts.update(per_digest)
    meta, arrays = build_index(kg.projection(), texts)
    with contextlib.suppress(OSError):
        save_index(gen, meta, arrays)
    return RelatedIndex(meta, arrays)
