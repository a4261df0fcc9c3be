"""Benchmark `graphkit viz`: page generation time and size for 300, 2,000 and 10,000-node
requests, and how long headless Chromium takes to lay out (stabilise) the pages.

    python benchmarks/bench_viz.py                        # the 10,000-digest synthetic graph
    python benchmarks/bench_viz.py --store kg --sizes 300,2000 --browser 2000
    python benchmarks/bench_viz.py --json > viz.json

The graph is ``--store`` if given, else ``benchmarks/out/runs/synthetic-N/kg`` (left by
bench_build.py), else built from ``benchmarks/out/synth-N/`` (made by synth.py if missing) into
``benchmarks/out/viz/kg-synth-N``. Pages are written to ``benchmarks/out/viz/``.

Measured, for each size:

* ``cli_s`` — ``graphkit viz --top N`` end to end in a fresh process (start-up, imports, reading
  the projection and analysis, selection, SPARQL facts, rendering, writing), best of ``--repeat``;
* the phases in one process (projection and analysis read once, then per size: ``select_s``,
  ``details_s`` — SPARQL facts of the nodes shown, ``render_s`` — page data and HTML);
* ``bytes`` of the page;
* in Chromium (``--browser`` sizes): ``stabilise_ms`` as the page measures it (network created →
  vis.js ``stabilizationIterationsDone``), ``load_to_stable_s`` (navigation start → stabilised,
  wall), and ``redraw_ms`` — one full redraw after physics stopped, the cost of a pan or zoom.

The load average before and after is printed: the machine has 2 cores, and other work running at
the same time inflates every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
CHROMIUM = os.environ.get("GRAPHKIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

PHASES = r"""
import json, sys, time
from graphkit.graph import KnowledgeGraph
from graphkit.publish import viz
kg = KnowledgeGraph(sys.argv[1])
out = {}
t = time.perf_counter(); proj = kg.projection(); out["projection_s"] = time.perf_counter() - t
t = time.perf_counter(); analysis = kg.analysis(); out["analysis_s"] = time.perf_counter() - t
out["graph_nodes"], out["graph_edges"] = len(proj["nodes"]), len(proj["edges"])
out["sizes"] = {}
for n in map(int, sys.argv[2].split(",")):
    r = {}
    t = time.perf_counter(); view = viz.select_subgraph(proj, analysis, top=n); r["select_s"] = time.perf_counter() - t
    wanted = [x["iri"] for x in view["nodes"] if x["type"] not in viz.CONCEPT_TYPES]
    t = time.perf_counter(); details = viz.node_details(kg, wanted); r["details_s"] = time.perf_counter() - t
    t = time.perf_counter()
    page = viz.render_html(viz.page_data(view, details=details, analysis=analysis))
    r["render_s"] = time.perf_counter() - t
    r["nodes"], r["edges"], r["facts_fetched"] = len(view["nodes"]), len(view["edges"]), len(wanted)
    out["sizes"][str(n)] = r
print(json.dumps(out))
"""


def sh(cmd: list[str]) -> tuple[float, str]:
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr[-2000:]}")
    return wall, proc.stdout


def find_store(args) -> Path:
    if args.store:
        return Path(args.store)
    left = OUT / "runs" / f"synthetic-{args.synthetic}" / "kg"
    if (left / "CURRENT").exists():
        return left
    corpus = OUT / f"synth-{args.synthetic}"
    if not corpus.is_dir():
        print(f"generating {corpus} …", file=sys.stderr)
        sh([sys.executable, str(HERE / "synth.py"), str(corpus), "-n", str(args.synthetic), "--seed", "1"])
    kg = OUT / "viz" / f"kg-synth-{args.synthetic}"
    if not (kg / "CURRENT").exists():
        print(f"building {kg} …", file=sys.stderr)
        sh([sys.executable, "-m", "graphkit.cli", "build", "-q", str(corpus), "--out", str(kg)])
    return kg


def browser_times(pages: dict[int, Path]) -> dict[int, dict]:
    from playwright.sync_api import sync_playwright

    out = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for n, path in pages.items():
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            page = context.new_page()
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
            t = time.perf_counter()
            page.goto(path.resolve().as_uri())
            page.wait_for_selector("body[data-stabilized=true]", state="attached", timeout=600_000)
            wall = time.perf_counter() - t
            redraw = page.evaluate("""() => new Promise(done => {
                const t = performance.now();
                graphkit.network.redraw();
                requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t)));
            })""")
            out[n] = {
                "stabilise_ms": page.evaluate("graphkit.stabilizationMs"),
                "iterations": page.evaluate("graphkit.data.options.physics.stabilization.iterations"),
                "load_to_stable_s": wall,
                "redraw_ms": redraw,
                "drawn_nodes": page.evaluate("graphkit.network.body.nodeIndices.length"),
                "physics_after": page.evaluate("graphkit.network.physics.options.enabled"),
            }
            context.close()
        browser.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", help="graph folder to draw (default: the synthetic graph, see above)")
    ap.add_argument(
        "--synthetic", type=int, default=10000, help="synthetic corpus size when no --store (default 10000)"
    )
    ap.add_argument("--sizes", default="300,2000,10000", help="--top values to request")
    ap.add_argument("--browser", default="2000", help="sizes to open in Chromium ('' for none)")
    ap.add_argument("--repeat", type=int, default=2, help="runs of the CLI per size; the best is kept")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    kg = find_store(args)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    out_dir = OUT / "viz"
    out_dir.mkdir(parents=True, exist_ok=True)
    res: dict = {"store": str(kg), "load_before": os.getloadavg(), "cpus": os.cpu_count(), "sizes": {}}
    _, text = sh([sys.executable, "-c", PHASES, str(kg), ",".join(map(str, sizes))])
    phases = json.loads(text)
    res.update({k: v for k, v in phases.items() if k != "sizes"})
    pages = {}
    for n in sizes:
        page = out_dir / f"viz-{n}.html"
        best = None
        for _ in range(max(1, args.repeat)):
            wall, summary = sh(
                [
                    sys.executable,
                    "-m",
                    "graphkit.cli",
                    "viz",
                    "--store",
                    str(kg),
                    "-o",
                    str(page),
                    "--top",
                    str(n),
                    "--json",
                ]
            )
            best = wall if best is None else min(best, wall)
        summary = json.loads(summary)
        res["sizes"][n] = dict(phases["sizes"][str(n)], cli_s=best, bytes=summary["bytes"], page=str(page))
        pages[n] = page
    wanted = [int(s) for s in args.browser.split(",") if s]
    if wanted:
        for n, times in browser_times({n: pages[n] for n in wanted if n in pages}).items():
            res["sizes"][n].update(times)
    res["load_after"] = os.getloadavg()

    if args.json:
        print(json.dumps(res, indent=2))
        return
    print(
        f"graph: {kg} — {res['graph_nodes']:,} nodes, {res['graph_edges']:,} edges; "
        f"projection read {res['projection_s']:.2f} s, analysis {res['analysis_s']:.2f} s"
    )
    print(
        f"{'--top':>7} {'nodes':>7} {'edges':>7} {'CLI s':>7} {'select s':>9} {'facts s':>8} {'render s':>9} "
        f"{'size':>9} {'stabilise':>10} {'to stable':>10} {'redraw':>8}"
    )
    for n, r in res["sizes"].items():
        stab = f"{r['stabilise_ms'] / 1000:.1f} s" if "stabilise_ms" in r else "-"
        wall = f"{r['load_to_stable_s']:.1f} s" if "load_to_stable_s" in r else "-"
        redraw = f"{r['redraw_ms']:.0f} ms" if "redraw_ms" in r else "-"
        print(
            f"{n:>7,} {r['nodes']:>7,} {r['edges']:>7,} {r['cli_s']:>7.2f} {r['select_s']:>9.2f} {r['details_s']:>8.2f} "
            f"{r['render_s']:>9.2f} {r['bytes'] / 1e6:>7.2f}MB {stab:>10} {wall:>10} {redraw:>8}"
        )
    print(f"load average before {res['load_before'][0]:.2f}, after {res['load_after'][0]:.2f} ({res['cpus']} CPUs)")


if __name__ == "__main__":
    main()
