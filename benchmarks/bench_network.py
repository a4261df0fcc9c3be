"""Benchmark the network analysis: projection, PageRank, betweenness, Louvain, and the CLI
commands `rank`, `clusters` and `related` (wall time with process start), on the shared corpus
and on a synthetic corpus.

    python benchmarks/bench_network.py [--corpus DIR] [--synthetic N] [--json]

The synthetic corpus is made by benchmarks/synth.py into benchmarks/out/synth-N/ (reused).
Prints a table; peak memory is the child process's max RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"


def run(cmd: list[str]) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (KiB) and stdout of a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr[-2000:]}")
    return wall, max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before), proc.stdout


STEPS = r"""
import json, sys, time, resource
from graphkit.graph import KnowledgeGraph
from graphkit.network.analysis import core
from graphkit.network import centrality
from graphkit.network import communities
kg = KnowledgeGraph(sys.argv[1])
out = {}
t = time.perf_counter(); data = kg.projection(); out["projection_load_s"] = time.perf_counter() - t
from graphkit.network.project import to_networkx
t = time.perf_counter(); g = to_networkx(data); out["networkx_graph_s"] = time.perf_counter() - t
c = core(g)
out["nodes"], out["edges"] = g.number_of_nodes(), g.number_of_edges()
out["core_nodes"], out["core_edges"] = c.number_of_nodes(), c.number_of_edges()
t = time.perf_counter(); centrality.pagerank(c); out["pagerank_s"] = time.perf_counter() - t
t = time.perf_counter(); b = centrality.betweenness(c); out["betweenness_s"] = time.perf_counter() - t
out["betweenness_exact"] = centrality.betweenness_plan(c)["exact"]
t = time.perf_counter(); parts = communities.louvain(c); out["louvain_s"] = time.perf_counter() - t
out["communities"], out["modularity"] = len(parts), communities.modularity(c, parts)
out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def bench(label: str, corpus: Path) -> dict:
    work = Path(tempfile.mkdtemp(prefix="bench-network-", dir=OUT))
    kg = work / "kg"
    res: dict = {"label": label, "digests": len(list(corpus.glob("*.md")))}
    res["build_s"], rss, _ = run([sys.executable, "-m", "graphkit.cli", "build", "-q", str(corpus), "--out", str(kg)])
    res["build_peak_mib"] = rss / 1024
    res["build_no_analysis_s"], _, _ = run(
        [sys.executable, "-m", "graphkit.cli", "build", "-q", "--no-analysis", str(corpus), "--out", str(work / "kg2")]
    )
    _, _, text = run([sys.executable, "-c", STEPS, str(kg)])
    res.update(json.loads(text))
    gk = [sys.executable, "-m", "graphkit.cli"]
    res["rank_s"], _, _ = run(gk + ["rank", "--store", str(kg), "--type", "technology", "--top", "20", "--json"])
    res["rank_betweenness_s"], _, _ = run(
        gk + ["rank", "--store", str(kg), "--type", "theme", "--by", "betweenness", "--json"]
    )
    res["clusters_s"], _, _ = run(gk + ["clusters", "--store", str(kg), "--json"])
    top_theme = json.loads(run(gk + ["rank", "--store", str(kg), "--type", "theme", "--top", "1", "--json"])[2])[0][
        "iri"
    ]
    _, _, sig = run(
        gk + ["query", "--store", str(kg), "--format", "json", "SELECT ?s WHERE { ?s a gk:Signal } ORDER BY ?s LIMIT 1"]
    )
    signal = json.loads(sig)[0]["s"]
    res["related_signal_s"], _, _ = run(gk + ["related", signal, "--store", str(kg), "--json"])
    res["related_theme_s"], _, _ = run(gk + ["related", top_theme, "--store", str(kg), "--json"])
    res["related_free_text_s"], _, _ = run(
        gk + ["related", "sensors for coastal flooding", "--store", str(kg), "--json"]
    )
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=HERE.parent.parent / "shared" / "corpus" / "futures")
    ap.add_argument("--synthetic", type=int, default=10_000, help="synthetic digests (0 to skip)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    results = []
    if args.corpus.is_dir():
        results.append(bench("shared corpus", args.corpus))
    if args.synthetic:
        synth = OUT / f"synth-{args.synthetic}"
        if not synth.is_dir():
            subprocess.run(
                [sys.executable, str(HERE / "synth.py"), str(synth), "-n", str(args.synthetic), "--seed", "1"],
                check=True,
            )
        results.append(bench(f"synthetic {args.synthetic}", synth))
    if args.json:
        print(json.dumps(results, indent=2))
        return
    keys = [k for k in results[0] if k != "label"]
    print(f"{'':28}" + "".join(f"{r['label']:>22}" for r in results))
    for k in keys:
        cells = "".join(f"{r[k]:>22.3f}" if isinstance(r[k], float) else f"{r[k]!s:>22}" for r in results)
        print(f"{k:28}{cells}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
