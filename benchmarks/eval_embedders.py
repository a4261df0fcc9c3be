#!/usr/bin/env python
"""Sentence embedders as related-article rankers on the real dev corpus, against a TF-IDF baseline.

Corpus: the 153 digests of ``shared/corpus/futures/`` + ``shared/corpus/closest/`` (see that
folder's README). Every ``## Closest`` section (heading to the next ``## `` heading or the end) is
cut out of every file before anything else; the gold neighbours come from the original files.

Protocol: each digest of ``futures/`` whose Closest list names at least two other digests of the
corpus is a seed; all 152 other digests are ranked by cosine similarity of the embeddings of the
seed's and their text, and

* ``recall@5`` = |top 5 ∩ gold| / |gold|, averaged over seeds;
* ``hit`` = share of seeds with at least one gold digest in the top 5.

Texts: ``ts`` = title + summary, ``tskt`` = title + summary + keywords + themes. TF-IDF (sublinear
tf, smooth idf, l2, scikit-learn's default token pattern) is computed over the same texts, and over
the whole stripped file (``full``). ``blend`` ranks by ``0.5 × embedding cosine + 0.5 × TF-IDF
cosine`` of the same texts. Because the futures/ seeds are few (one gold digest moves recall by
about 0.01), the table also gives ``R@5 all``: the same recall with every digest of the corpus
that has a Closest list as a seed, and, for a static model, its fidelity to the full model (when
sentence-transformers is installed): ``agree@5``, the mean overlap of its top 5 with the full
model's over all 153 digests, and ``r(full)``, the Pearson correlation of its cosine similarities
with the full model's over all pairs of digests.

Run (numpy only; the full model needs ``pip install 'graphkit[embeddings]'``)::

    python benchmarks/eval_embedders.py                         # shipped static model + TF-IDF
    HF_HUB_OFFLINE=1 python benchmarks/eval_embedders.py --st sentence-transformers/all-MiniLM-L6-v2 \\
        --static graphkit/search/data/minilm-static.npz other-variant.npz
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graphkit.search.embed import Embedder, EmbedderError, StaticEmbedder, load_embedder  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
K = 5
_CLOSEST = re.compile(r"^## Closest[^\n]*\n.*?(?=^## |\Z)", re.M | re.S)
_LINK = re.compile(r"^\s*[*-]\s*\[[^\]]*\]\(([^)\s]+)\)", re.M)
_TITLE = re.compile(r"^#\s*__(.+?)__", re.S)
_TOKEN = re.compile(r"(?u)\b\w\w+\b")


@dataclass
class Digest:
    stem: str
    folder: str
    stripped: str
    closest: list[str] = field(default_factory=list)

    def section(self, name: str) -> str:
        m = re.search(rf"^## {name}[^\n]*\n(.*?)(?=^## |\Z)", self.stripped, re.M | re.S)
        return m.group(1).strip() if m else ""

    @property
    def title(self) -> str:
        first = self.stripped.lstrip().split("\n", 1)[0]
        m = _TITLE.match(first)
        return (m.group(1) if m else first.lstrip("# ")).strip()

    def bullets(self, name: str) -> list[str]:
        return [ln.strip()[1:].strip() for ln in self.section(name).splitlines() if ln.strip().startswith(("*", "-"))]

    def text(self, fields: str) -> str:
        parts = [self.title, self.section("Summary")]
        if fields == "tskt":
            parts += [", ".join(self.bullets("Keywords")), ", ".join(self.bullets("Themes"))]
        elif fields == "full":
            return self.stripped
        return "\n".join(p for p in parts if p)


def load_corpus(root: Path) -> list[Digest]:
    out = []
    for folder in ("futures", "closest"):
        for path in sorted((root / folder).glob("*.md")):
            original = path.read_text(encoding="utf-8", errors="replace")
            gold = []
            for sec in _CLOSEST.findall(original):
                for target in _LINK.findall(sec):
                    target = Path(target).stem if target.endswith(".md") else target.rsplit("/", 1)[-1]
                    if target != path.stem and target not in gold:
                        gold.append(target)
            out.append(Digest(path.stem, folder, _CLOSEST.sub("", original), gold))
    return out


def tfidf(texts: list[str]) -> np.ndarray:
    """Dense l2-normalised TF-IDF rows: sublinear tf, smooth idf (scikit-learn's defaults otherwise)."""
    docs = [Counter(_TOKEN.findall(t.lower())) for t in texts]
    vocab = {w: i for i, w in enumerate(sorted(set().union(*docs)))}
    df = np.zeros(len(vocab))
    for d in docs:
        for w in d:
            df[vocab[w]] += 1
    idf = np.log((1 + len(docs)) / (1 + df)) + 1
    x = np.zeros((len(docs), len(vocab)))
    for i, d in enumerate(docs):
        for w, c in d.items():
            x[i, vocab[w]] = (1 + math.log(c)) * idf[vocab[w]]
    x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    return x


def top_k(sim: np.ndarray, k: int = K) -> np.ndarray:
    """Indices of each row's k best columns, the diagonal excluded (ties: lower index first)."""
    sim = sim.astype(np.float64).copy()
    np.fill_diagonal(sim, -np.inf)
    return np.argsort(-sim, axis=1, kind="stable")[:, :k]


def score(sim: np.ndarray, corpus: list[Digest], seeds: list[int]) -> tuple[float, float]:
    index = {d.stem: i for i, d in enumerate(corpus)}
    top = top_k(sim)
    recalls, hits = [], []
    for s in seeds:
        gold = {index[t] for t in corpus[s].closest if t in index}
        found = len(gold & set(top[s].tolist()))
        recalls.append(found / len(gold))
        hits.append(found > 0)
    return float(np.mean(recalls)), float(np.mean(hits))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder holding futures/ and closest/")
    ap.add_argument("--static", nargs="*", default=["static"], help="static models: 'static' or .npz paths")
    ap.add_argument("--st", nargs="*", default=[], help="sentence-transformers models (names or folders)")
    ap.add_argument("--fields", nargs="*", default=["ts", "tskt"], choices=["ts", "tskt", "full"])
    args = ap.parse_args(argv)

    corpus = load_corpus(args.corpus)
    index = {d.stem: i for i, d in enumerate(corpus)}

    def has_gold(i: int) -> bool:
        return sum(t in index for t in corpus[i].closest) >= 2

    seeds = [i for i, d in enumerate(corpus) if d.folder == "futures" and has_gold(i)]
    all_seeds = [i for i in range(len(corpus)) if has_gold(i)]
    print(f"{len(corpus)} digests; {len(seeds)} futures/ seeds (protocol), {len(all_seeds)} seeds in all\n")

    embedders: list[tuple[str, Embedder, str]] = []
    for spec in args.st:  # first, so that the static models can be compared with it
        try:
            st = load_embedder(spec)
        except EmbedderError as exc:
            print(f"[skipped {spec}: {exc}]\n")
            continue
        assert st is not None
        embedders.append((f"{spec.rsplit('/', 1)[-1]} (full)", st, "-"))
    for spec in args.static:
        emb = load_embedder(spec)
        assert isinstance(emb, StaticEmbedder)
        size = f"{emb.path.stat().st_size / 1e6:.1f} MB"
        embedders.append(("static (shipped)" if spec == "static" else emb.path.stem, emb, size))

    header = f"| {'ranker':<34} | text | R@5   | hit  | R@5 all | blend R@5 | blend all | agree@5 | r(full) | encode | size    |"
    print(header)
    print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")

    def row(name, fields, sim, tf_sim, secs, size, agree="", corr=""):
        r, h = score(sim, corpus, seeds)
        ra, _ = score(sim, corpus, all_seeds)
        if tf_sim is not None:
            b, _ = score(0.5 * sim + 0.5 * tf_sim, corpus, seeds)
            ba, _ = score(0.5 * sim + 0.5 * tf_sim, corpus, all_seeds)
            blend, blend_all = f"{b:.3f}", f"{ba:.3f}"
        else:
            blend = blend_all = "-"
        print(
            f"| {name:<34} | {fields:<4} | {r:.3f} | {h:.2f} | {ra:.3f}   | {blend:<9} | {blend_all:<9} "
            f"| {agree:<7} | {corr:<7} | {secs:5.2f}s | {size:<7} |"
        )

    for fields in ["full", *args.fields] if "full" not in args.fields else args.fields:
        texts = [d.text(fields) for d in corpus]
        tf = tfidf(texts)
        tf_sim = tf @ tf.T
        row("TF-IDF", fields, tf_sim, None, 0.0, "-")
        if fields == "full":
            continue
        sims = {}
        for name, emb, size in embedders:
            t0 = time.perf_counter()
            v = emb.encode(texts)
            secs = time.perf_counter() - t0
            sims[name] = v @ v.T
            ref = next((s for n, s in sims.items() if n.endswith("(full)")), None)
            agree = corr = ""
            if ref is not None and not name.endswith("(full)"):
                agree = f"{np.mean([len(set(a) & set(b)) / K for a, b in zip(top_k(sims[name]), top_k(ref))]):.3f}"
                off = ~np.eye(len(corpus), dtype=bool)
                corr = f"{np.corrcoef(sims[name][off], ref[off])[0, 1]:.3f}"
            row(name, fields, sims[name], tf_sim, secs, size, agree, corr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
