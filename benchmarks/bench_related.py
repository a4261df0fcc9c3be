"""Related articles against the corpus author's own nearest neighbours (the ``## Closest`` lists).

    python benchmarks/bench_related.py [--futures DIR] [--closest DIR] [--work DIR] [--seeds-list]

1. Copies ``futures/`` + ``closest/`` (../shared/corpus) into ``WORK/digests`` with every
   ``## Closest`` section cut out, and builds them with the default options into ``WORK/kg``.
2. Gold: for each digest (of either folder) whose list names at least two other digests of the
   corpus, those digests.
3. For each such seed, ``related <article> --type article --top 5`` (the library call the CLI
   makes), and a plain TF-IDF cosine over the same stripped texts (word tokens, sublinear tf,
   smooth idf), in the same run.
4. Prints recall@5 (share of a seed's gold found in its top 5, averaged) and hit rate (seeds with
   at least one gold in the top 5) for both, graphkit's evidence one at a time and blended with
   other weights (what each evidence adds), and with ``--seeds-list`` every seed's top 5 with
   the gold marked.
"""

from __future__ import annotations

import argparse
import math
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "shared" / "corpus"
_CLOSEST = re.compile(r"(?ms)^## Closest.*?(?=^## |\Z)")
_LINK = re.compile(r"\]\(([0-9a-f]{32})\)")


def strip_corpus(dirs: list[Path], out: Path) -> dict[str, str]:
    """Copy the digests without their Closest sections; returns {stem: stripped text}."""
    out.mkdir(parents=True, exist_ok=True)
    texts = {}
    for d in dirs:
        for f in sorted(d.glob("*.md")):
            text = _CLOSEST.sub("", f.read_text("utf-8"))
            (out / f.name).write_text(text, "utf-8")
            texts[f.stem] = text
    return texts


def gold_lists(dirs: list[Path], corpus: set[str]) -> dict[str, list[str]]:
    gold = {}
    for f in sorted(f for d in dirs for f in d.glob("*.md")):
        m = _CLOSEST.search(f.read_text("utf-8"))
        if not m:
            continue
        targets = []
        for stem in _LINK.findall(m.group(0)):
            if stem != f.stem and stem in corpus and stem not in targets:
                targets.append(stem)
        if len(targets) >= 2:
            gold[f.stem] = targets
    return gold


def tfidf_baseline(texts: dict[str, str]):
    """Plain TF-IDF cosine: word tokens, sublinear tf, smooth idf (scikit-learn's defaults)."""
    import numpy as np
    from scipy import sparse

    stems = sorted(texts)
    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for i, s in enumerate(stems):
        for w, k in Counter(re.findall(r"(?u)\b\w\w+\b", texts[s].lower())).items():
            rows.append(i)
            cols.append(vocab.setdefault(w, len(vocab)))
            vals.append(1 + math.log(k))
    tf = sparse.csr_matrix((vals, (rows, cols)), shape=(len(stems), len(vocab)))
    df = np.bincount(tf.indices, minlength=len(vocab))
    idf = np.log((1 + len(stems)) / (1 + df)) + 1
    m = tf @ sparse.diags(idf)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    m = sparse.diags(1 / np.where(norms > 0, norms, 1)) @ m
    sims = (m @ m.T).toarray()
    pos = {s: i for i, s in enumerate(stems)}

    def top(stem: str, k: int) -> list[str]:
        row = sims[pos[stem]].copy()
        row[pos[stem]] = -1
        return [stems[j] for j in np.argsort(-row, kind="stable")[:k]]

    return top


def score(tops: dict[str, list[str]], gold: dict[str, list[str]]) -> tuple[float, float]:
    recall = [len(set(tops[s]) & set(g)) / len(g) for s, g in gold.items()]
    hits = [bool(set(tops[s]) & set(g)) for s, g in gold.items()]
    return sum(recall) / len(recall), sum(hits) / len(hits)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--futures", type=Path, default=CORPUS / "futures")
    ap.add_argument("--closest", type=Path, default=CORPUS / "closest")
    ap.add_argument("--work", type=Path, help="working folder (default: a temporary one)")
    ap.add_argument("--top", type=int, default=5)
    ap.add_argument("--seeds-list", action="store_true", help="print every seed's top 5, gold marked")
    args = ap.parse_args(argv)

    from graphkit.build import build
    from graphkit.graph import KnowledgeGraph
    from graphkit.search import related as rel

    work = args.work or Path(tempfile.mkdtemp(prefix="bench-related-"))
    digests, kg_dir = work / "digests", work / "kg"
    shutil.rmtree(digests, ignore_errors=True)
    shutil.rmtree(kg_dir, ignore_errors=True)
    texts = strip_corpus([args.futures, args.closest], digests)
    gold = gold_lists([args.futures, args.closest], set(texts))
    print(f"corpus: {len(texts)} digests (Closest sections cut); seeds with 2+ gold in the corpus: {len(gold)}")
    started = time.perf_counter()
    build([digests], kg_dir)
    print(f"build (default options): {time.perf_counter() - started:.1f} s")
    kg = KnowledgeGraph(kg_dir)
    index = rel.load_index(kg)
    by_stem = {iri.rsplit("/", 1)[-1]: iri for iri, t in zip(index.iris, index.types) if t == "article"}

    def run(weights: dict[str, float]) -> dict[str, list[str]]:
        index.weights = dict(weights)
        tops = {}
        for stem in gold:
            _, results = index.related(by_stem[stem], target_type="article", top=args.top)
            tops[stem] = [r.iri.rsplit("/", 1)[-1] for r in results]
        return tops

    started = time.perf_counter()
    ours = run(rel.WEIGHTS)
    per_query = (time.perf_counter() - started) / len(gold)
    base_top = tfidf_baseline(texts)
    base = {s: base_top(s, args.top) for s in gold}
    r_ours, h_ours = score(ours, gold)
    r_base, h_base = score(base, gold)
    print(f"\n{'method':<44} recall@{args.top}  hit rate")
    print(f"{'TF-IDF baseline (full text)':<44} {r_base:8.3f}  {h_base:8.3f}")
    print(f"{'graphkit related (default weights)':<44} {r_ours:8.3f}  {h_ours:8.3f}   x{r_ours / r_base:.2f} baseline")
    variants = {
        "text only": {"text": 1, "semantic": 0, "graph": 0},
        "semantic only": {"text": 0, "semantic": 1, "graph": 0},
        "graph only": {"text": 0, "semantic": 0, "graph": 1},
        "text + semantic (0.5/0.5)": {"text": 0.5, "semantic": 0.5, "graph": 0},
        "text + graph (0.7/0.3)": {"text": 0.7, "semantic": 0, "graph": 0.3},
        "equal thirds": {"text": 1 / 3, "semantic": 1 / 3, "graph": 1 / 3},
    }
    for name, w in variants.items():
        r, h = score(run(w), gold)
        print(f"{'  ' + name:<44} {r:8.3f}  {h:8.3f}")
    index.weights = dict(rel.WEIGHTS)
    print(f"\nrelated: {per_query * 1000:.0f} ms per query (in-process, index loaded)")
    if args.seeds_list:
        titles = dict(zip((i.rsplit("/", 1)[-1] for i in index.iris), index.labels))
        for stem, g in gold.items():
            found = len(set(ours[stem]) & set(g))
            print(f"\n{titles.get(stem, stem)}  [{found}/{len(g)} gold in top {args.top}]")
            for s in ours[stem]:
                print(f"  {'*' if s in g else ' '} {titles.get(s, s)}")
            missed = [titles.get(s, s) for s in g if s not in ours[stem]]
            if missed:
                print("    missed: " + " | ".join(missed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
