"""Related items: given an article, a signal (or other table row), a concept, or free text, what
else in the corpus is related to it, and why.

Three kinds of evidence, each a similarity in [0, 1]:

* **text** — cosine of field-weighted TF-IDF vectors. An article's text is its title (weight
  2), summary (1), the labels of its themes, keywords, technologies and topics (1.5), the names
  of its table rows (1) and their descriptions (0.5); a row's is its name (2) and description
  (1). Words are lemmatised in English and French (simplemma: "models" = "model", "modèles" =
  "modèle"), case and accents folded, common words left out; tf is sublinear (``log(1 + tf)``),
  idf smooth.
* **semantic** — cosine of sentence embeddings (:mod:`graphkit.search.embed`; by default the
  static word vectors distilled from all-MiniLM-L6-v2 that ship with graphkit, numpy only) of an
  article's title, summary, keywords and themes, or of a concept's label. A row uses its article's
  vector.
* **graph** — what the items share in the graph, rare things weighing more. Between articles (and
  rows, through their articles): weighted Jaccard of their concepts — themes, technologies,
  actors and topics count ``1 / log(2 + articles using it)``, keywords half that. Between concepts
  (theme, keyword, technology, topic, actor): normalised PMI of the articles they appear in,
  counted only when they meet in at least :data:`MIN_COOCCURRENCE` different articles — the
  other labels of one article are its siblings, not related items.

Each evidence is divided by its best value among the candidates of the query (so they are on one
scale), then ``score = Σ w_e × evidence_e / Σ w_e`` over the evidence the query has, with the
weights :data:`WEIGHTS` (free text has no graph evidence). Every result says what it shares
(topics, actors, technologies, themes, or how many articles two concepts meet in), the matching
words, and which evidence dominated. Items from the query's own article are left out by default.

The index (sparse matrices, embeddings) is built once per build and saved next to the store
(``related.npz`` + ``related.json``), so a query is a few sparse products and one dot product.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphkit.core.normalize import label_key

#: Blend of the three kinds of evidence (see the module docstring); measured on the dev corpus
#: with benchmarks/bench_related.py (docs/benchmarks.md).
WEIGHTS = {"text": 0.45, "semantic": 0.35, "graph": 0.20}
#: Text fields and their weights (see the module docstring).
FIELD_WEIGHTS = {"title": 2.0, "summary": 1.0, "concept": 1.5, "row": 1.0, "row_text": 0.5}
# An actor shared by two articles is as telling as a shared theme (both are rare and specific).
CONCEPT_WEIGHTS = {"theme": 1.0, "technology": 1.0, "actor": 1.0, "topic": 1.0, "keyword": 0.5}
ROW_TYPES = ("signal", "concern", "behavior", "issue")
#: Two concepts must meet in this many different articles before they count as related.
MIN_COOCCURRENCE = 2
#: At most this many concepts of a query's context are compared (the heaviest ones).
MAX_CONTEXT = 256
#: Free-text queries longer than this are cut (a pasted article is plenty at this length).
MAX_QUERY_CHARS = 20_000
INDEX_JSON = "related.json"
INDEX_NPZ = "related.npz"
INDEX_VERSION = 3
# Words of 2+ letters or digits, not numbers alone: "AI", "IA", "5G", "3D" are telling terms.
_WORD = re.compile(r"[^\W_]{2,}", re.UNICODE)
_STOP = set(
    "the and for with that this from are was were will into over more than their its has have had not but "
    "can may also such these those which who what when where how why all any each other new use used using "
    "been being they them there then about about after before between through while would could should "
    "our your his her she him you one two many most some very just only own same both out off under "
    "les des une pour dans avec sur par est qui que aux plus ses ces son sont pas mais comme leur leurs "
    "elle ils elles nous vous cette cet entre sans sous vers chez tout tous toute toutes fait faire "
    "of to in on at by as is it be or an if so no we us do up my me he de la le et en du un il au ce ne se "
    "sa ou on".split()
)


class Ambiguous(LookupError):
    """The query names several items; ``candidates`` lists them (iri, type, label)."""

    def __init__(self, query: str, candidates: list[tuple[str, str, str]]):
        super().__init__(f"{query!r} matches {len(candidates)} items")
        self.candidates = candidates


class UnknownName(KeyError):
    """A query given with a type names no item of that type; ``candidates`` are the closest names."""

    def __init__(self, query: str, node_type: str, candidates: list[tuple[str, str, str]]):
        hint = "; closest: " + ", ".join(repr(label) for _, _, label in candidates[:5]) if candidates else ""
        super().__init__(
            f"no {node_type} is named {query!r}{hint}. Check the spelling, give an IRI, or drop --type "
            "to search it as free text"
        )
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
    semantic: float = 0.0
    terms: list[str] = field(default_factory=list)
    evidence: str = ""

    def as_dict(self) -> dict:
        return {
            "iri": self.iri,
            "type": self.type,
            "label": self.label,
            "score": round(self.score, 6),
            "graph": round(self.graph, 6),
            "text": round(self.text, 6),
            "semantic": round(self.semantic, 6),
            "evidence": self.evidence,
            "shared": self.shared,
            "terms": self.terms,
            "article": self.article,
        }


_LEMMAS: dict[str, str | None] = {}


def _term(word: str) -> str | None:
    """The index term of one word (None for a common word), cached: corpora repeat words."""
    got = _LEMMAS.get(word, "")
    if got != "":
        return got
    from graphkit.extract.topics import word_key

    w = word.casefold()
    term = None if w in _STOP or w.isdigit() else word_key(w)
    if term is not None and (term in _STOP or len(term) < 2):
        term = None
    _LEMMAS[word] = term
    return term


def tokens(text: str) -> list[str]:
    """Index terms of a text: words of 2+ letters or digits, lemmatised (English, then French), case and
    accents folded, common words out.

    >>> tokens("Tethered kites harvest the tides")
    ['tether', 'kite', 'harvest', 'tide']
    >>> tokens("Les modèles de langage")
    ['modele', 'langage']
    """
    out = []
    for w in _WORD.findall(text):
        t = _term(w)
        if t is not None:
            out.append(t)
    return out


def _row_key(label: str) -> str:
    """A table row's name as a lookup key: case folded, words only ("Kite-farms!" → "kite farms")."""
    return " ".join(_WORD.findall(label.casefold()))


def _count_matrix(docs: list[str], vocab: dict[str, int]):
    """Term counts of many texts as (rows, columns, values) for a sparse matrix (duplicates to be
    summed). Words are looked up once per distinct word, in sorted order (stable term numbers),
    so the cost is one regex pass over the text and a dictionary lookup per word."""
    from array import array

    import numpy as np

    # Each word is numbered as it comes (a C-level dictionary lookup) and only the numbers are
    # kept: a list of every word of 10,000 digests held half a gigabyte of strings at once.
    seen: defaultdict[str, int] = defaultdict()
    seen.default_factory = seen.__len__  # a new word gets the next number
    ids = array("q")
    lengths = np.zeros(len(docs), dtype=np.int64)
    for i, doc in enumerate(docs):
        found = _WORD.findall(doc)
        lengths[i] = len(found)
        ids.extend(map(seen.__getitem__, found))
    column = np.full(len(seen), -1, dtype=np.int64)
    for w, k in sorted(seen.items()):
        term = _term(w)
        if term is not None:
            column[k] = vocab.setdefault(term, len(vocab))
    cols = column[np.frombuffer(ids, dtype=np.int64)] if len(ids) else np.zeros(0, dtype=np.int64)
    rows = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
    keep = cols >= 0
    return rows[keep], cols[keep], np.ones(int(keep.sum()))


# -- building -------------------------------------------------------------------------------------


def build_index(
    data: dict, texts: dict[str, str], embedder="static", previous=None, *, model=None
) -> tuple[dict, dict]:
    """The related-items index of a projection: (JSON-able metadata, numpy arrays).

    Parameters
    ----------
    data : dict
        The projection (:func:`graphkit.network.project.projection_data`).
    texts : dict
        Description of each node that has one (an article's summary, a row's description).
    embedder : str, Embedder or None
        What gives the semantic evidence: a spec for :func:`graphkit.search.embed.load_embedder`
        (``"static"``, the shipped model, by default), an embedder, or None for none.
    previous : RelatedIndex, optional
        The index of the graph being updated: texts it embedded with the same static embedder
        are not embedded again (a static embedding depends on its text alone, so the result is
        the same bit for bit; a weekly update then embeds only the new digests).
    model : Embedder, optional
        ``embedder`` already loaded (the build loads it before it forks the index process).

    Examples
    --------
    >>> data = {"nodes": [["a", "article", "Kites at sea", None, None],
    ...                   ["t", "theme", "marine energy", None, None]], "edges": [["a", "t", 1.0]]}
    >>> meta, arrays = build_index(data, {"a": "Tethered kites harvest the tides."}, embedder=None)
    >>> meta["types"], sorted(meta["vocab"])[:3]
    (['article', 'theme'], ['energy', 'harvest', 'kite'])
    """
    import numpy as np
    from scipy import sparse

    from graphkit.search.embed import load_embedder

    nodes = data["nodes"]
    iris = [n[0] for n in nodes]
    types = [n[1] for n in nodes]
    labels = [n[2] for n in nodes]
    n = len(nodes)
    pos = {iri: i for i, iri in enumerate(iris)}
    article = np.full(n, -1, dtype=np.int64)
    concepts_of: dict[int, list[int]] = {}
    rows_of: dict[int, list[int]] = {}
    for a, b, _ in data["edges"]:
        ia, ib = pos[a], pos[b]
        for x, y in ((ia, ib), (ib, ia)):
            if types[x] == "article":
                if types[y] in ROW_TYPES:
                    article[y] = x
                    rows_of.setdefault(x, []).append(y)
                elif types[y] in CONCEPT_WEIGHTS:
                    concepts_of.setdefault(x, []).append(y)
    for i, t in enumerate(types):
        if t == "article":
            article[i] = i
    for lst in (*concepts_of.values(), *rows_of.values()):
        lst.sort()
    # text: each node's own words once (label, description); an article then gathers its
    # fields' counts with their weights, as sparse products rather than Python loops.
    label_counts = _counts(labels, previous.counts("label") if previous is not None else None)
    text_counts = _counts(
        [texts.get(iri, "") for iri in iris], previous.counts("text") if previous is not None else None
    )
    terms = sorted(set(label_counts.terms) | set(text_counts.terms))  # the same order however built
    vocab = {t: i for i, t in enumerate(terms)}
    own_labels, own_texts = label_counts.matrix(vocab), text_counts.matrix(vocab)

    def incidence(members: dict[int, list[int]]) -> sparse.csr_matrix:
        r = [a for a in sorted(members) for _ in members[a]]
        c = [m for a in sorted(members) for m in members[a]]
        return sparse.csr_matrix((np.ones(len(r)), (r, c)), shape=(n, n))

    fw = FIELD_WEIGHTS
    with_concepts, with_rows = incidence(concepts_of), incidence(rows_of)
    tf_m = (
        fw["title"] * own_labels
        + fw["summary"] * own_texts
        + fw["concept"] * (with_concepts @ own_labels)
        + fw["row"] * (with_rows @ own_labels)
        + fw["row_text"] * (with_rows @ own_texts)
    ).tocsr()
    tf_m.sum_duplicates()
    tf_m.sort_indices()
    del own_labels, own_texts, with_concepts, with_rows  # the memory peak of a large build is in this process
    tf_m.data = np.log1p(tf_m.data)
    df = np.bincount(tf_m.indices, minlength=len(vocab))
    idf = np.log((n + 1) / (1 + df)) + 1.0
    tfidf = _l2_rows(tf_m @ sparse.diags(idf))
    del tf_m
    # graph context of articles: concept weights w × idf
    concept_df = Counter(c for cs in concepts_of.values() for c in set(cs))
    crow, ccol, cval = [], [], []
    for a in sorted(concepts_of):
        for c in sorted(set(concepts_of[a])):
            crow.append(a)
            ccol.append(c)
            cval.append(CONCEPT_WEIGHTS[types[c]] / math.log(2 + concept_df[c]))
    ctx = sparse.csr_matrix((cval, (crow, ccol)), shape=(n, n), dtype=np.float64)
    # semantic: articles (title, summary, keywords, themes) and concepts (their label)
    emb = model if model is not None else load_embedder(embedder) if isinstance(embedder, str) else embedder
    sem_of = np.full(n, -1, dtype=np.int64)
    sem = np.zeros((0, 0), dtype=np.float16)
    sem_key = np.zeros(0, dtype=np.int64)
    if emb is not None:
        which = [i for i in range(n) if types[i] == "article" or types[i] in CONCEPT_WEIGHTS]
        docs = []
        for i in which:
            if types[i] == "article":
                named = [labels[c] for c in concepts_of.get(i, ()) if types[c] in ("keyword", "theme")]
                # The opening of a long summary says what it is about; a 3 MB one would cost
                # seconds and a gigabyte to embed whole.
                summary = texts.get(iris[i], "")[:MAX_QUERY_CHARS]
                docs.append(". ".join([labels[i], summary, ", ".join(named)]))
            else:
                docs.append(labels[i])
        sem, sem_key = _embed(emb, docs, previous)
        sem_of[which] = np.arange(len(which))
    meta = {
        "version": INDEX_VERSION,
        "iris": iris,
        "types": types,
        "labels": labels,
        # Names are matched on their merge key; table rows (most of the nodes) on their folded
        # words only, which is 10x cheaper to compute and enough for a name typed back.
        "keys": _name_keys(iris, types, labels, previous),
        "vocab": sorted(vocab, key=vocab.__getitem__),
        "embedder": embedder if isinstance(embedder, str) else getattr(emb, "name", None),
        "embedder_name": getattr(emb, "name", None),
    }
    arrays = {
        "article": article,
        "idf": idf,
        "tfidf_data": tfidf.data.astype(np.float32),  # half the file; cosines need no more
        "tfidf_indices": tfidf.indices,
        "tfidf_indptr": tfidf.indptr,
        "ctx_data": ctx.data,
        "ctx_indices": ctx.indices,
        "ctx_indptr": ctx.indptr,
        "sem": sem,
        "sem_of": sem_of,
        "sem_key": sem_key,
        **label_counts.arrays("label", vocab),
        **text_counts.arrays("text", vocab),
    }
    return meta, arrays


@dataclass
class _Counts:
    """Term counts of texts: ``counts`` (a CSR matrix, one row per text) over ``terms``, and each
    text's key (:func:`_text_key`), by which an update finds the rows it can take as they are."""

    counts: Any  # scipy.sparse.csr_matrix
    terms: list[str]
    keys: Any  # numpy int64 array

    def matrix(self, vocab: dict[str, int]):
        """The counts as float64, columns renumbered to ``vocab``."""
        import numpy as np
        from scipy import sparse

        to = np.fromiter((vocab[t] for t in self.terms), dtype=np.int64, count=len(self.terms))
        m = self.counts.tocoo()
        out = sparse.csr_matrix(
            (m.data.astype(np.float64), (m.row, to[m.col])), shape=(self.counts.shape[0], len(vocab))
        )
        out.sum_duplicates()
        out.sort_indices()
        return out

    def arrays(self, name: str, vocab: dict[str, int]) -> dict:
        """What the index saves of them (counts over the index's vocabulary)."""
        import numpy as np

        m = self.matrix(vocab)
        return {
            f"{name}_counts_data": m.data.astype(np.int32),
            f"{name}_counts_indices": m.indices.astype(np.int32),
            f"{name}_counts_indptr": m.indptr,
            f"{name}_key": self.keys,
        }


def _counts(docs: list[str], previous: _Counts | None) -> _Counts:
    """Term counts of ``docs``; the rows of ``previous`` (an update's live index) are taken for the
    texts it has already counted, so only new texts are tokenised (most of the index's time)."""
    import numpy as np
    from scipy import sparse

    keys = np.fromiter(map(_text_key, docs), dtype=np.int64, count=len(docs))
    old = np.full(len(docs), -1, dtype=np.int64)
    if previous is not None:
        known = {k: i for i, k in enumerate(previous.keys.tolist())}
        old = np.fromiter((known.get(k, -1) for k in keys.tolist()), dtype=np.int64, count=len(docs))
    new = np.flatnonzero(old < 0)
    local: dict[str, int] = {}
    rows, cols, vals = _count_matrix([docs[i] for i in new], local)
    new_terms = sorted(local, key=local.__getitem__)
    if previous is None or len(new) == len(docs):
        m = sparse.csr_matrix((vals, (new[rows], cols)), shape=(len(docs), len(new_terms)))
        return _Counts(m, new_terms, keys)
    taken = np.flatnonzero(old >= 0)
    part = previous.counts[old[taken]].tocoo()
    terms = sorted(set(new_terms) | {previous.terms[c] for c in np.unique(part.col).tolist()})
    column = {t: i for i, t in enumerate(terms)}
    old_to = np.fromiter((column.get(t, -1) for t in previous.terms), dtype=np.int64, count=len(previous.terms))
    new_to = np.fromiter((column[t] for t in new_terms), dtype=np.int64, count=len(new_terms))
    m = sparse.csr_matrix(
        (
            np.concatenate([part.data.astype(np.float64), vals]),
            (np.concatenate([taken[part.row], new[rows]]), np.concatenate([old_to[part.col], new_to[cols]])),
        ),
        shape=(len(docs), len(terms)),
    )
    return _Counts(m, terms, keys)


def _name_keys(iris: list[str], types: list[str], labels: list[str], previous) -> list[str]:
    """Each item's name as matched by :meth:`RelatedIndex.resolve`; those of ``previous`` are
    taken for the items it has under the same IRI, type and label."""
    known = {}
    if previous is not None:
        known = {(i, t, x): k for i, t, x, k in zip(previous.iris, previous.types, previous.labels, previous.keys)}
    out = []
    for iri, t, x in zip(iris, types, labels):
        k = known.get((iri, t, x))
        out.append(k if k is not None else _row_key(x) if t in ROW_TYPES else label_key(x))
    return out


def _text_key(text: str) -> int:
    """A 64-bit digest of an embedded text: what says it was embedded before."""
    return int.from_bytes(
        hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big", signed=True
    )


def _embed(emb, docs: list[str], previous) -> tuple:
    """``(vectors as float16, their texts' keys)``; vectors of the ``previous`` index reused for
    texts it embedded with the same static embedder."""
    import numpy as np

    from graphkit.search.embed import StaticEmbedder

    keys = np.fromiter(map(_text_key, docs), dtype=np.int64, count=len(docs))
    known: dict[int, int] = {}
    if (
        isinstance(emb, StaticEmbedder)
        and previous is not None
        and previous.embedder_name == emb.name
        and previous.sem_key is not None
        and len(previous.sem_key) == len(previous.sem)
    ):
        known = {k: i for i, k in enumerate(previous.sem_key.tolist())}
    if not known:
        return emb.encode(docs).astype(np.float16), keys
    old = np.fromiter((known.get(k, -1) for k in keys.tolist()), dtype=np.int64, count=len(docs))
    sem = np.empty((len(docs), previous.sem.shape[1]), dtype=np.float16)
    sem[old >= 0] = previous.sem[old[old >= 0]]
    new = np.flatnonzero(old < 0)
    if len(new):
        sem[new] = emb.encode([docs[i] for i in new]).astype(np.float16)
    return sem, keys


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
    atomic_write(folder / INDEX_NPZ, buf.getbuffer())  # not getvalue(): a copy of 100+ MB
    atomic_write(folder / INDEX_JSON, json.dumps(meta, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


# -- querying -------------------------------------------------------------------------------------


class RelatedIndex:
    """A loaded index; :meth:`related` answers one query."""

    def __init__(self, meta: dict, arrays):
        from scipy import sparse

        if meta.get("version") != INDEX_VERSION:
            raise ValueError("index written by another graphkit version")
        self.iris: list[str] = meta["iris"]
        self.types: list[str] = meta["types"]
        self.labels: list[str] = meta["labels"]
        self.pos = {iri: i for i, iri in enumerate(self.iris)}
        self.vocab = {w: i for i, w in enumerate(meta["vocab"])}
        self.terms: list[str] = meta["vocab"]
        n = len(self.iris)
        self.article = arrays["article"]
        self.idf = arrays["idf"]
        self.tfidf = sparse.csr_matrix(
            (arrays["tfidf_data"], arrays["tfidf_indices"], arrays["tfidf_indptr"]), shape=(n, len(self.vocab))
        )
        self.ctx = sparse.csr_matrix((arrays["ctx_data"], arrays["ctx_indices"], arrays["ctx_indptr"]), shape=(n, n))
        self.sem = arrays["sem"]
        self.sem_of = arrays["sem_of"]
        self.sem_key = arrays.get("sem_key")
        self._arrays = arrays
        self.embedder_spec = meta.get("embedder")
        self.embedder_name = meta.get("embedder_name")
        self.keys: list[str] = meta["keys"]
        self.weights = dict(WEIGHTS)

    def counts(self, name: str) -> _Counts | None:
        """The term counts of the labels (``"label"``) or texts (``"text"``) the index was built
        from; None for an index saved without them."""
        from scipy import sparse

        a = self._arrays
        if f"{name}_counts_data" not in a:
            return None
        m = sparse.csr_matrix(
            (a[f"{name}_counts_data"], a[f"{name}_counts_indices"], a[f"{name}_counts_indptr"]),
            shape=(len(a[f"{name}_key"]), len(self.terms)),
        )
        return _Counts(m, self.terms, a[f"{name}_key"])

    @classmethod
    def load(cls, folder: Path, *, counts: bool = False) -> RelatedIndex:
        """The index saved in ``folder``; ``counts`` also loads the term counts (for an update,
        see :meth:`counts`), which queries do not need."""
        import numpy as np

        meta = json.loads((folder / INDEX_JSON).read_text("utf-8"))
        with np.load(folder / INDEX_NPZ) as arrays:
            wanted = [k for k in arrays.files if counts or "_counts_" not in k]
            return cls(meta, {k: arrays[k] for k in wanted})

    # -- lookup -----------------------------------------------------------------------------------

    def resolve(self, query: str, node_type: str | None = None) -> int | None:
        """The item a query names; None when it names none (then it is free text).

        Raises :class:`Ambiguous` when several items match equally well, :class:`UnknownName`
        when ``node_type`` is given and no item of that type has a name close to the query.
        """
        if query in self.pos:
            return self.pos[query]
        if re.match(r"^[a-z][a-z0-9+.-]*://\S+$", query, re.IGNORECASE):
            raise KeyError(f"no item has the IRI {query}; check it with 'graphkit query', or give a name")
        key, row_key = label_key(query[:1000]), _row_key(query[:1000])
        exact = (
            [
                i
                for i, k in enumerate(self.keys)
                if k == (row_key if self.types[i] in ROW_TYPES else key)
                and (node_type is None or self.types[i] == node_type)
            ]
            if key
            else []
        )
        if len(exact) == 1:
            return exact[0]
        if len(exact) > 1:
            raise Ambiguous(query, sorted((self.iris[i], self.types[i], self.labels[i]) for i in exact))
        words = set(key.split()) | set(row_key.split())
        if not key or len(set(key.split())) > 8:
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
            if node_type is not None and node_type not in ("article",) + ROW_TYPES:
                # A concept type was asked for: the user meant a name, so say which names are close.
                near = self._near_names(query, node_type)
                raise UnknownName(query, node_type, near)
            return None
        best = by_label[close[0]]
        ratio = difflib.SequenceMatcher(None, query.casefold(), close[0]).ratio()
        if len(best) == 1 and (len(close) == 1 or ratio >= 0.9):
            return best[0]
        if node_type is None:
            return None  # several names are near: the words themselves are the better query
        raise Ambiguous(query, [(self.iris[i], self.types[i], self.labels[i]) for c in close for i in by_label[c]])

    def _near_names(self, query: str, node_type: str) -> list[tuple[str, str, str]]:
        import difflib

        labels: dict[str, int] = {}
        for i, t in enumerate(self.types):
            if t == node_type:
                labels.setdefault(self.labels[i].casefold(), i)
        close = difflib.get_close_matches(query.casefold(), sorted(labels), n=5, cutoff=0.5)
        return [(self.iris[labels[c]], node_type, self.labels[labels[c]]) for c in close]

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

    def _jaccard(self, q: int, candidates):
        """Weighted Jaccard of the query's context with each candidate's; and the query context."""
        import numpy as np
        from scipy import sparse

        graph = np.zeros(len(candidates))
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
        return graph, qctx

    def _cooccurrence(self, q: int, candidates):
        """Normalised PMI of concept ``q`` with each candidate concept over the articles they
        appear in (0 below :data:`MIN_COOCCURRENCE` shared articles); and the shared counts."""
        import numpy as np

        inc = self.ctx.tocsc()
        n_articles = max(int(np.count_nonzero(np.diff(self.ctx.indptr))), 1)
        arts_q = inc[:, q].indices
        together = np.zeros(len(candidates))
        if len(arts_q):
            sub = self.ctx[arts_q][:, candidates]
            sub.data[:] = 1.0
            together = np.asarray(sub.sum(axis=0)).ravel()
        n_c = np.diff(inc.indptr)[candidates].astype(np.float64)
        n_q = float(len(arts_q))
        ok = (together >= MIN_COOCCURRENCE) & (n_c > 0)
        pmi = np.zeros(len(candidates))
        p_joint = together[ok] / n_articles
        raw = np.log(p_joint / ((n_q / n_articles) * (n_c[ok] / n_articles)))
        # Normalised PMI: 1 when two concepts always appear together, 0 when independent.
        denom = -np.log(p_joint)
        pmi[ok] = np.divide(raw, denom, out=np.ones_like(raw), where=denom > 0)
        return np.clip(pmi, 0.0, 1.0), together

    def _semantic(self, q: int | None, query: str, candidates):
        """Cosine of the query's embedding with each candidate's (rows use their article's)."""
        import numpy as np

        if self.sem.size == 0:
            return None
        rows_c = self.sem_of[np.where(self.sem_of[candidates] >= 0, candidates, self.article[candidates])]
        if q is not None:
            own = (
                self.sem_of[q]
                if self.sem_of[q] >= 0
                else (self.sem_of[self.article[q]] if self.article[q] >= 0 else -1)
            )
            if own < 0:
                return None
            qvec = self.sem[own].astype(np.float32)
        else:
            emb = self._embedder()
            if emb is None:
                return None
            qvec = emb.encode([query[:MAX_QUERY_CHARS]])[0]
        out = np.zeros(len(candidates))
        has = rows_c >= 0
        out[has] = self.sem[rows_c[has]].astype(np.float32) @ qvec
        return np.clip(out, 0.0, 1.0)

    def _embedder(self):
        from graphkit.search.embed import EmbedderError, load_embedder

        spec = self.embedder_spec
        try:
            return load_embedder(None if spec is None or str(spec).startswith("static:") else spec)
        except EmbedderError:
            return None

    def _query_vector(self, query: str):
        from scipy import sparse

        counts = Counter(w for w in tokens(query[:MAX_QUERY_CHARS]) if w in self.vocab)
        cols = [self.vocab[w] for w in counts]
        vals = [math.log1p(k) * self.idf[self.vocab[w]] for w, k in counts.items()]
        return _l2_rows(sparse.csr_matrix((vals, ([0] * len(cols), cols)), shape=(1, len(self.vocab))))

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

        Raises
        ------
        ValueError
            The query is empty.
        """
        import numpy as np

        if not query or not query.strip():
            raise ValueError("the query is empty: give an IRI, a name or some words")
        q = self.resolve(query, node_type)
        target = target_type or (self.types[q] if q is not None else "signal")
        # Scores are scaled over every candidate, then ``within`` only drops results: a date
        # range shows fewer items with the same scores.
        candidates = np.array([i for i, t in enumerate(self.types) if t == target and i != q], dtype=np.int64)
        if q is not None and not include_same_article and self.article[q] >= 0:
            candidates = candidates[self.article[candidates] != self.article[q]]
        if len(candidates) == 0:
            return (self.iris[q] if q is not None else None), []
        # text
        qvec = self.tfidf[q] if q is not None else self._query_vector(query)
        text = np.asarray((self.tfidf[candidates] @ qvec.T).todense()).ravel()
        semantic = self._semantic(q, query, candidates)
        # graph
        graph = None
        qctx = None
        together = None
        if q is not None:
            if self.types[q] in CONCEPT_WEIGHTS and target in CONCEPT_WEIGHTS:
                graph, together = self._cooccurrence(q, candidates)
            else:
                graph, qctx = self._jaccard(q, candidates)
        evidence = {"text": text, "semantic": semantic, "graph": graph}
        score = np.zeros(len(candidates))
        total = 0.0
        for name, values in evidence.items():
            if values is None:
                continue
            best = float(values.max()) if len(values) else 0.0
            if best > 0:
                score += self.weights[name] * values / best
            total += self.weights[name]
        if total:
            score /= total
        order = sorted(
            (
                k
                for k in range(len(candidates))
                if score[k] > 0 and (within is None or self.iris[candidates[k]] in within)
            ),
            key=lambda k: (-score[k], self.iris[candidates[k]]),
        )[:top]
        results = []
        for k in order:
            c = int(candidates[k])
            parts = {
                name: self.weights[name] * float(v[k]) / float(v.max())
                for name, v in evidence.items()
                if v is not None and v.max() > 0
            }
            art = self.article[c]
            results.append(
                Related(
                    self.iris[c],
                    target,
                    self.labels[c],
                    float(score[k]),
                    float(graph[k]) if graph is not None else 0.0,
                    float(text[k]),
                    self._shared(qctx, together, c, k),
                    self.labels[art] if art >= 0 and art != c else None,
                    float(semantic[k]) if semantic is not None else 0.0,
                    self._terms(qvec, c),
                    max(sorted(parts), key=lambda name: parts[name]) if parts else "",
                )
            )
        return (self.iris[q] if q is not None else None), results

    def _shared(self, qctx, together, c: int, k: int) -> list[str]:
        """What a result shares with the query, heaviest first (topics, actors, technologies…)."""
        if together is not None:
            n = int(together[k])
            return [f"articles: {n} together"] if n >= MIN_COOCCURRENCE else []
        if qctx is None:
            return []
        cvec = self._contexts([c])
        cw = dict(zip(cvec.indices, cvec.data))
        common = [(min(w, cw[j]), self.iris[j], j) for j, w in zip(qctx.indices, qctx.data) if j in cw]
        return [f"{self.types[j]}: {self.labels[j]}" for _, _, j in sorted(common, key=lambda x: (-x[0], x[1]))[:6]]

    def _terms(self, qvec, c: int, n: int = 5) -> list[str]:
        """The words that carry most of the text similarity of a result."""
        row = self.tfidf[c]
        q = dict(zip(qvec.indices, qvec.data))
        both = [(w * q[j], self.terms[j]) for j, w in zip(row.indices, row.data) if j in q]
        return [t for _, t in sorted(both, key=lambda x: (-x[0], x[1]))[:n]]

    def label_of(self, iri: str) -> str:
        return self.labels[self.pos[iri]]


def load_index(kg) -> RelatedIndex:
    """The :class:`RelatedIndex` of a :class:`~graphkit.graph.KnowledgeGraph`: the one saved by
    the build, else one built now (and cached beside the store for the next query)."""
    import contextlib

    from graphkit.store.folder import GraphFolder
    from graphkit.store.netcache import read_texts

    gen = GraphFolder(kg.path).live()
    try:
        return RelatedIndex.load(gen)
    except (OSError, ValueError, KeyError):
        pass
    texts: dict[str, str] = {}
    with contextlib.suppress(OSError, ValueError):
        for per_digest in read_texts(gen).values():
            texts.update(per_digest)
    meta, arrays = build_index(kg.projection(), texts)
    with contextlib.suppress(OSError):
        save_index(gen, meta, arrays)
    return RelatedIndex(meta, arrays)
