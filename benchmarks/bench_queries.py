"""Every named query on built graphs, in-process, best of N; optionally against older query texts.

Parameters are chosen as ``bench_scale.py`` chooses them (the top theme and technology, the first
article, the topic most articles reach). With ``--against REV`` each query also runs in the text
it had at git revision ``REV`` (``git show REV:graphkit/store/queries/NAME.rq``), alternating old
and new in the same run so that a busy machine slows both alike, and the two results are checked
equal.

Usage::

    python benchmarks/bench_queries.py benchmarks/out/scale/kg-synth-10000 KG2 ...
    python benchmarks/bench_queries.py KG --against 682b4c7 --rounds 3
    python benchmarks/bench_queries.py KG --json

Build a graph first, e.g. ``graphkit build benchmarks/out/scale/corpora/synth-10000 --out KG``
(``bench_scale.py`` writes the corpora).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = 0.3  # seconds (issue 15)


def old_text(rev: str, name: str) -> str | None:
    r = subprocess.run(
        ["git", "show", f"{rev}:graphkit/store/queries/{name}.rq"], cwd=HERE.parent, capture_output=True, text=True
    )
    return r.stdout if r.returncode == 0 else None


def measure(kg_path: Path, rounds: int, against: str | None) -> dict:
    sys.path.insert(0, str(HERE))
    from bench_scale import query_params

    from graphkit.graph import KnowledgeGraph, prepare_named
    from graphkit.store.queries import named_queries

    kg = KnowledgeGraph(kg_path)
    chosen = query_params(kg_path)
    out: dict = {"graph": str(kg_path), "params": chosen, "queries": {}}
    for name, q in named_queries().items():
        params = {p: chosen[p] for p in q.params if p in chosen}
        if len(params) < len(q.params):
            out["queries"][name] = {"skipped": "no value for a parameter"}
            continue
        text, bound = prepare_named(name, params or None)
        before = old_text(against, name) if against else None
        texts = {"seconds": text}
        if before is not None and before != q.text:
            texts["before"] = before
        row: dict = {key: float("inf") for key in texts}
        results: dict = {}
        for _ in range(rounds):  # old and new in turn, so that a busy moment slows both
            for key, sparql in texts.items():
                t = time.perf_counter()
                results[key] = kg.query(sparql, bound)
                row[key] = min(row[key], time.perf_counter() - t)
        row["rows"] = len(results["seconds"].rows)
        if "before" in results:
            row["same_rows"] = results["before"].rows == results["seconds"].rows
        out["queries"][name] = row
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("graphs", nargs="+", type=Path, help="built graph folders")
    ap.add_argument("--rounds", type=int, default=3, help="runs per query, best kept (default 3)")
    ap.add_argument("--against", metavar="REV", help="also time the query texts of this git revision")
    ap.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = ap.parse_args(argv)
    results = [measure(g, args.rounds, args.against) for g in args.graphs]
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    for res in results:
        print(f"{res['graph']}  params: {res['params']}")
        rows = sorted(res["queries"].items(), key=lambda kv: -kv[1].get("seconds", 0))
        over = sum(1 for _, r in rows if r.get("seconds", 0) > TARGET)
        for name, r in rows:
            if "skipped" in r:
                print(f"  {name:26s} skipped: {r['skipped']}")
                continue
            was = f"  (was {r['before']:.3f} s, same rows: {r['same_rows']})" if "before" in r else ""
            flag = "  over" if r["seconds"] > TARGET else ""
            print(f"  {name:26s} {r['seconds']:6.3f} s  {r['rows']:6d} rows{flag}{was}")
        print(f"  {over} of {len(rows)} over {TARGET} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
