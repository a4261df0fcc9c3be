"""Benchmark betweenness on a built graph: exact against the budgeted default, with accuracy.

    python benchmarks/bench_betweenness.py --store KG [--top 100] [--budget N] [--k K] [--no-reference] [--json]

On the analysed graph (the projection's core, as ``graphkit.network.analysis.analyse`` uses it)
it times

* ``networkx``: networkx's exact betweenness (hops, normalised), the reference;
* ``exact``: graphkit's betweenness with an unlimited budget (leaves folded, exact);
* ``budgeted``: graphkit's betweenness as the build runs it (``--engine``, default igraph;
  ``--budget``, default the engine's; ``--k`` forces that many sampled sources);
* ``python``: the same with the pure-Python engine and its own budget (the default before the
  igraph engine), for comparison,

and prints, for ``budgeted`` against the reference, the Spearman rank correlation over the
``--top`` nodes by exact betweenness and how many of those top nodes it also puts in its top.
``--no-reference`` skips networkx (hours on large graphs) and compares with ``exact`` only.
Prints the machine's load average too: timings on a busy machine are not comparable.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time

UNLIMITED = 10**18  # a budget no graph reaches: exact


def _top(scores: dict, top: int) -> list:
    return sorted(scores, key=lambda v: (-scores[v], str(v)))[:top]


def compare(reference: dict, estimate: dict, top: int) -> dict:
    """Spearman over the reference's top nodes, overlap of the two tops, largest absolute error.

    ``in_top`` counts the estimate's top nodes whose reference score reaches the reference's
    ``top``-th: unlike the overlap, it does not punish picking one of several tied nodes (real-shaped
    corpora are copies, so their scores tie in groups of a hundred).
    """
    from scipy.stats import spearmanr

    best = _top(reference, top)
    rho = spearmanr([reference[v] for v in best], [estimate[v] for v in best]).statistic
    mine = _top(estimate, top)
    floor = reference[best[-1]] * (1 - 1e-9) if best else 0.0
    return {
        "spearman_top": None if math.isnan(rho) else round(float(rho), 4),
        "overlap_top": len(set(best) & set(mine)),
        "in_top": sum(1 for v in mine if reference[v] >= floor),
        "max_abs_error": max(abs(reference[v] - estimate[v]) for v in reference),
    }


def _timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, round(time.perf_counter() - t, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", required=True, help="graph folder (graphkit build --out)")
    parser.add_argument("--top", type=int, default=100, help="top nodes compared (default 100)")
    parser.add_argument("--budget", type=int, default=None, help="work budget (default: the engine's)")
    parser.add_argument("--engine", default="igraph", choices=["igraph", "networkx"], help="default igraph")
    parser.add_argument("--k", type=int, default=None, help="sampled sources, over the budget")
    parser.add_argument("--seed", type=int, default=None, help="pivots' seed (default SEED)")
    parser.add_argument("--no-reference", action="store_true", help="skip networkx's exact betweenness")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    import networkx as nx

    from graphkit.graph import KnowledgeGraph
    from graphkit.network import centrality
    from graphkit.network.analysis import core

    c = core(KnowledgeGraph(args.store).network())
    seed = centrality.SEED if args.seed is None else args.seed
    plan = centrality.betweenness_plan(c, args.k, budget=args.budget, engine=args.engine)
    out: dict = {
        "store": args.store,
        "load_before": [round(x, 2) for x in os.getloadavg()],
        "nodes": c.number_of_nodes(),
        "edges": c.number_of_edges(),
        "plan": plan,
    }
    budgeted, out["budgeted_s"] = _timed(
        lambda: centrality.betweenness(c, args.k, seed, budget=args.budget, engine=args.engine)
    )
    python, out["python_s"] = _timed(lambda: centrality.betweenness(c, seed=seed, engine="networkx"))
    out["python_plan"] = centrality.betweenness_plan(c, engine="networkx")
    exact, out["exact_s"] = _timed(lambda: centrality.betweenness(c, budget=UNLIMITED))
    out["budgeted_vs_exact"] = compare(exact, budgeted, args.top)
    out["python_vs_exact"] = compare(exact, python, args.top)
    if not args.no_reference:
        reference, out["networkx_s"] = _timed(lambda: nx.betweenness_centrality(c, normalized=True, weight=None))
        out["budgeted_vs_networkx"] = compare(reference, budgeted, args.top)
        out["exact_vs_networkx"] = compare(reference, exact, args.top)
    out["load_after"] = [round(x, 2) for x in os.getloadavg()]
    if args.json:
        print(json.dumps(out))
        return
    mode = "exact" if plan["exact"] else f"k={plan['k']} sampled sources"
    print(f"{args.store}: {out['nodes']:,} core nodes, {out['edges']:,} edges")
    print(f"{plan['searched']:,} nodes left once leaves are folded")
    print(f"engine {args.engine}, budget {plan['budget']:,}, work {plan['work']:,} -> {mode}")
    print(f"load average before {out['load_before']}, after {out['load_after']}")
    print(f"{'':<24}{'seconds':>9}{'spearman@' + str(args.top):>15}{'overlap':>9}{'in top':>8}{'max |err|':>12}")
    rows = [
        (f"budgeted ({args.engine})", out["budgeted_s"], out.get("budgeted_vs_networkx") or out["budgeted_vs_exact"])
    ]
    pk = out["python_plan"]["k"]
    rows.append((f"python engine (k={pk})", out["python_s"], out["python_vs_exact"]))
    rows.append(("graphkit exact", out["exact_s"], out.get("exact_vs_networkx")))
    if not args.no_reference:
        rows.append(("networkx exact (ref.)", out["networkx_s"], None))
    for name, seconds, cmp in rows:
        if cmp is None:
            print(f"{name:<24}{seconds:>9.2f}")
        else:
            print(
                f"{name:<24}{seconds:>9.2f}{cmp['spearman_top']!s:>15}{cmp['overlap_top']:>9}{cmp['in_top']:>8}"
                f"{cmp['max_abs_error']:>12.2e}"
            )
    print("(python engine compared with graphkit exact", end="")
    print("; networkx skipped)" if args.no_reference else ")")


if __name__ == "__main__":
    main()
