"""Benchmark trends and the weak-signal map: article records from the build cache, the projection
or SPARQL, counts per period, the maps and their plots, the CLI commands (process start
included), the --since/--until recomputations of rank, clusters and related, and the time named
queries.

    python benchmarks/bench_trends.py [--synthetic N] [--corpus DIR] [--json]

The synthetic corpus is made by benchmarks/synth.py into benchmarks/out/synth-N/ (reused) and
built once into benchmarks/out/runs/trends-N/kg (reused; delete it to rebuild). Each in-process
step is timed in one fresh Python process (imports excluded); CLI rows are wall times of a
fresh `graphkit` process.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"

STEPS = r"""
import json, resource, sys, time, tempfile, os
from graphkit.graph import KnowledgeGraph
from graphkit.timeline import trends
from graphkit.timeline import weaksignals
from graphkit.timeline import plot
kg = KnowledgeGraph(sys.argv[1])
out = {}
def timed(name, f, repeat=1):
    best = None
    for _ in range(repeat):
        t = time.perf_counter(); r = f(); dt = time.perf_counter() - t
        best = dt if best is None else min(best, dt)
    out[name] = best
    return r
recs = timed("records from build cache (in this process)", lambda: trends.records_from_cache(kg))
out["articles"] = len(recs)
out["undated"] = sum(1 for r in recs if not r["date"])
for by, unit in (("theme", "quarter"), ("theme", "month"), ("theme", "week"), ("keyword", "quarter"),
                 ("technology", "year"), ("signal", "quarter")):
    c = timed(f"count_items {by}/{unit}", lambda: trends.count_items(recs, by, unit))
    out[f"{by}/{unit}: periods, items"] = [len(c["periods"]), len(c["items"])]
c = trends.count_items(recs, "theme", "quarter")
timed("count_items theme/quarter, relevancy weight", lambda: trends.count_items(recs, "theme", "quarter", weight="relevancy"))
timed("trends summary theme/quarter", lambda: trends.trends(c, top=20))
m = timed("signal_map theme/quarter", lambda: weaksignals.signal_map(c))
out["map items (2+ articles)"] = len(m["items"])
out["map quadrants"] = {q: sum(1 for r in m["items"] if r["emergence"] == q) for q in weaksignals.QUADRANTS}
tmp = tempfile.mkdtemp()
timed("plot PNG", lambda: plot.write_png(dict(m, by="theme"), os.path.join(tmp, "m.png")))
timed("plot HTML", lambda: plot.write_html(dict(m, by="theme"), os.path.join(tmp, "m.html")))
out["PNG bytes"] = os.path.getsize(os.path.join(tmp, "m.png"))
out["HTML bytes"] = os.path.getsize(os.path.join(tmp, "m.html"))
for q in ("articles-per-month", "articles-per-quarter", "themes-per-quarter"):
    timed(f"named query {q} (first)", lambda: kg.named(q))
    timed(f"named query {q} (warm, best of 3)", lambda: kg.named(q), repeat=3)
top = max(c["items"].values(), key=lambda it: sum(it["df"]))
timed("named query theme-per-month (most frequent theme)", lambda: kg.named("theme-per-month", {"theme": top["label"]}))
out["peak RSS MiB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


LOADER = r"""
import json, sys, time
from graphkit.graph import KnowledgeGraph
from graphkit.timeline import trends
kg = KnowledgeGraph(sys.argv[1])
how = sys.argv[2]
t = time.perf_counter()
if how == "cache":
    recs = trends.records_from_cache(kg)
elif how == "projection":
    recs = trends.records_from_projection(kg.projection())
else:
    recs = trends.records_from_store(kg)
dt = time.perf_counter() - t
import hashlib
print(json.dumps([dt, len(recs), hashlib.sha256(json.dumps(recs, sort_keys=True).encode()).hexdigest()]))
"""


def loaders(store: Path) -> dict:
    """Each way of reading the article records, in its own fresh process (best of 2)."""
    out, digests = {}, set()
    for how, name in (
        ("cache", "records: build cache (network.json fragments; the CLI)"),
        ("projection", "records: assembled projection"),
        ("sparql", "records: SPARQL"),
    ):
        best = None
        for _ in range(2):
            proc = subprocess.run(
                [sys.executable, "-c", LOADER, str(store), how], capture_output=True, text=True, cwd=REPO, check=True
            )
            dt, _, digest = json.loads(proc.stdout)
            digests.add(digest)
            best = dt if best is None else min(best, dt)
        out[name] = best
    out["records: same from the three"] = len(digests) == 1
    return out


def ensure_store(corpus: Path, name: str) -> Path:
    kg = OUT / "runs" / name / "kg"
    if not (kg / "CURRENT").exists():
        print(f"building {corpus} into {kg} …", file=sys.stderr)
        subprocess.run(
            [sys.executable, "-m", "graphkit.cli", "build", str(corpus), "--out", str(kg), "--quiet"],
            check=True,
            cwd=REPO,
            stdout=sys.stderr,
        )
    return kg


def cli_wall(store: Path, *args: str) -> float:
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "graphkit.cli", *args, "--store", str(store)], capture_output=True, text=True, cwd=REPO
    )
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"graphkit {' '.join(args)} failed: {proc.stderr.strip()}")
    return wall


def bench(store: Path, top_theme: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", STEPS, str(store)], capture_output=True, text=True, cwd=REPO)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-3000:])
    res = loaders(store)
    res.update(json.loads(proc.stdout))
    tmp = tempfile.mkdtemp()
    cli = {
        "trends --by theme --period quarter": ["trends", "--by", "theme", "--period", "quarter"],
        "trends --by keyword --period month --json": ["trends", "--by", "keyword", "--period", "month", "--json"],
        "signals-map --by theme --period quarter": ["signals-map", "--by", "theme", "--period", "quarter"],
        "signals-map … --plot map.png": ["signals-map", "--plot", os.path.join(tmp, "map.png")],
        "signals-map … --plot map.html": ["signals-map", "--plot", os.path.join(tmp, "map.html")],
        "rank --type theme (build-time scores)": ["rank", "--type", "theme"],
        "rank --type theme --since 2025": ["rank", "--type", "theme", "--since", "2025"],
        "rank --by betweenness --since 2025": ["rank", "--by", "betweenness", "--since", "2025"],
        "clusters (build-time)": ["clusters"],
        "clusters --since 2025": ["clusters", "--since", "2025"],
        "related THEME --type theme": ["related", top_theme, "--type", "theme"],
        "related THEME --type theme --since 2025": ["related", top_theme, "--type", "theme", "--since", "2025"],
    }
    for name, args in cli.items():
        res[f"CLI {name}"] = cli_wall(store, *args)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--synthetic", type=int, default=10000, help="synthetic digests (0: none)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--corpus", default=str(REPO.parent / "shared" / "corpus" / "futures"), help="a real digest folder ('': none)"
    )
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    runs = {}
    if args.corpus and Path(args.corpus).is_dir():
        kg = ensure_store(Path(args.corpus), "trends-futures")
        runs["real"] = bench(kg, "technology")
    if args.synthetic:
        synth = OUT / f"synth-{args.synthetic}"
        if not synth.is_dir() or len(list(synth.glob("*.md"))) != args.synthetic:
            subprocess.run(
                [
                    sys.executable,
                    str(HERE / "synth.py"),
                    str(synth),
                    "-n",
                    str(args.synthetic),
                    "--seed",
                    str(args.seed),
                ],
                check=True,
                cwd=REPO,
            )
        kg = ensure_store(synth, f"trends-{args.synthetic}")
        from graphkit.graph import KnowledgeGraph

        top = KnowledgeGraph(kg).named("top-themes").records()[0]["label"]
        runs[f"synthetic-{args.synthetic}"] = bench(kg, top)
    (OUT / "results-trends.json").write_text(json.dumps(runs, indent=2), "utf-8")
    if args.json:
        print(json.dumps(runs, indent=2))
        return
    names = list(runs)
    keys = list(dict.fromkeys(k for r in runs.values() for k in r))
    width = max(map(len, keys))
    print(f"{'':<{width}}  " + "  ".join(f"{n:>18}" for n in names))
    for k in keys:
        cells = []
        for n in names:
            v = runs[n].get(k)
            cells.append(f"{v:>18.3f}" if isinstance(v, float) else f"{json.dumps(v):>18}")
        print(f"{k:<{width}}  " + "  ".join(cells))


if __name__ == "__main__":
    main()
