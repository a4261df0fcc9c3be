"""Benchmark `graphkit push` and remote queries against a real Oxigraph server on loopback.

For each corpus: build it, start `oxigraph serve` (read-write, on-disk store, free port), then

* full push (Graph Store Protocol, one PUT per graph) and, on a fresh server, full push with
  SPARQL Update batches;
* no-op push (nothing changed: the remote's graph list is still read);
* incremental push after editing one digest's title (the digest's graph, the shared graph and,
  when built with analysis, the analysis graph change);
* every named query through the server (first call / best of 3 more) next to the same query on
  the local store, with the parameters of docs/benchmarks.md (the most frequent theme and
  technology, the first article).

Usage::

    python benchmarks/bench_push.py                              # the shared corpus (~30 s)
    python benchmarks/bench_push.py --corpus benchmarks/out/synth-10000 --no-analysis --skip-update

Results are printed and written to benchmarks/out/results-push-<name>.json.
"""

from __future__ import annotations

import argparse
import functools
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "tests"))

from graphkit.build import build  # noqa: E402
from graphkit.graph import KnowledgeGraph  # noqa: E402
from graphkit.publish.remote import RemoteGraph, endpoint, local_graphs, push  # noqa: E402
from graphkit.publish.serve import OxigraphServer, free_port  # noqa: E402
from graphkit.store.queries import named_queries  # noqa: E402


def load() -> str:
    with open("/proc/loadavg") as fh:
        return " ".join(fh.read().split()[:3])


def edit_one(digests: Path) -> Path:
    f = sorted(digests.glob("*.md"))[len(list(digests.glob("*.md"))) // 2]
    first, rest = f.read_text("utf-8").split("\n", 1)
    f.write_text(first.replace("__", "__Edited: ", 1) + "\n" + rest, "utf-8")
    return f


def add_theme(digests: Path) -> Path:
    """Add a theme no digest has to one digest: its graph and the shared graph change."""
    for f in sorted(digests.glob("*.md")):
        text = f.read_text("utf-8")
        if "\n## Themes\n" in text:
            f.write_text(text.replace("\n## Themes\n", "\n## Themes\n\n* benchmark-only theme\n", 1), "utf-8")
            return f
    raise SystemExit("no digest with a ## Themes section")


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def summary(report) -> dict:
    d = report.as_dict()
    d.pop("graphs")
    return d


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, help="digest folder (default: the shared real corpus)")
    ap.add_argument("--no-analysis", action="store_true", help="build without the analysis graph")
    ap.add_argument("--skip-update", action="store_true", help="skip the SPARQL Update full push")
    ap.add_argument("--work", type=Path, help="working folder (default: a temporary one, removed)")
    ap.add_argument("--jobs", type=int, default=4, help="Graph Store Protocol requests in flight (default 4)")
    args = ap.parse_args()
    if args.corpus is None:
        from graphkit_testutil import corpus_path

        args.corpus = corpus_path()
    name = args.corpus.resolve().name
    work = Path(args.work or tempfile.mkdtemp(prefix="bench-push-"))
    work.mkdir(parents=True, exist_ok=True)
    out: dict = {"corpus": str(args.corpus), "analysis": not args.no_analysis, "load_before": load()}
    try:
        digests = work / "digests"
        shutil.copytree(args.corpus, digests)
        kg = work / "kg"
        report, secs = timed(lambda: build([digests], kg, analysis=not args.no_analysis))
        graphs, _ = local_graphs(kg)
        out.update(
            digests=report.digests,
            quads=report.quads,
            graphs=len(graphs),
            nt_bytes=sum(g.path.stat().st_size for g in graphs),
            build_s=round(secs, 2),
        )
        print(
            f"{name}: {report.digests} digests, {report.quads:,} quads, {len(graphs)} graphs, "
            f"{out['nt_bytes'] / 1e6:.1f} MB N-Triples; build {secs:.1f} s (load {out['load_before']})",
            flush=True,
        )

        if not args.skip_update:
            with OxigraphServer(work / "remote-update", port=free_port(), read_only=False) as server:
                ep = endpoint(server.query_url)
                r = push(kg, ep, method="update")
                out["full_push_update"] = summary(r)
                print(f"full push, SPARQL Update: {r.seconds:.2f} s, {r.requests} requests", flush=True)
            (kg / "push-state.json").unlink()

        with OxigraphServer(work / "remote", port=free_port(), read_only=False) as server:
            ep = endpoint(server.query_url)
            r = push(kg, ep, jobs=args.jobs)
            out["full_push_gsp"] = summary(r) | {"jobs": args.jobs}
            print(
                f"full push, Graph Store Protocol, {args.jobs} in flight: {r.seconds:.2f} s, {r.requests} requests, "
                f"{r.bytes / r.seconds / 1e6:.1f} MB/s",
                flush=True,
            )
            r = push(kg, ep)
            out["noop_push"] = summary(r)
            print(f"no-op push: {r.seconds:.3f} s", flush=True)
            edited = edit_one(digests)
            _rb, secs = timed(lambda: build([digests], kg, analysis=not args.no_analysis))
            r = push(kg, ep, jobs=args.jobs)
            out["incremental"] = {
                "rebuild_s": round(secs, 2),
                "edited": edited.name,
                **summary(r),
                "sent": r.added + r.changed,
            }
            print(
                f"after editing one digest: rebuild {secs:.2f} s, push {r.seconds:.2f} s "
                f"({len(r.changed)} graphs: {', '.join(g.rsplit('/', 1)[-1] for g in r.changed)}; "
                f"{r.bytes / 1e6:.2f} MB)",
                flush=True,
            )

            themed = add_theme(digests)
            _rb, secs = timed(lambda: build([digests], kg, analysis=not args.no_analysis))
            r = push(kg, ep, jobs=args.jobs)
            out["incremental_new_theme"] = {"rebuild_s": round(secs, 2), "edited": themed.name, **summary(r)}
            print(
                f"after adding a new theme to one digest: rebuild {secs:.2f} s, push {r.seconds:.2f} s "
                f"({len(r.changed)} graphs: {', '.join(g.rsplit('/', 1)[-1] for g in r.changed)}; "
                f"{r.bytes / 1e6:.2f} MB)",
                flush=True,
            )

            local = KnowledgeGraph(kg)
            theme = local.named("top-themes").records()[0]["label"]
            tech = local.named("top-technologies").records()[0]["label"]
            article = local.query("SELECT ?a WHERE { ?a a schema:NewsArticle } ORDER BY ?a LIMIT 1").rows[0][0]
            values = {
                "theme": theme,
                "technology": tech,
                "article": article,
                "keyword": theme,
                "category": "technology",
                "topic": "artificial-intelligence",
            }
            rows = []
            print(f"{'query':<26}{'remote first':>13}{'remote best':>12}{'local best':>11}{'rows':>6}", flush=True)
            for qname, q in named_queries().items():
                params = {p: values[p] for p in q.params}
                remote = RemoteGraph(ep)
                remote.dataset_mode()  # the one-off probe is not part of a query's latency
                res, first = timed(functools.partial(remote.named, qname, params))
                best = min(timed(functools.partial(remote.named, qname, params))[1] for _ in range(3))
                local_best = min(timed(functools.partial(local.named, qname, params))[1] for _ in range(3))
                lres = local.named(qname, params)
                assert res.rows == lres.rows or len(res.rows) == len(lres.rows), qname
                rows.append(
                    {
                        "query": qname,
                        "remote_first_s": round(first, 4),
                        "remote_best_s": round(best, 4),
                        "local_best_s": round(local_best, 4),
                        "rows": len(res.rows),
                    }
                )
                print(f"{qname:<26}{first:>13.3f}{best:>12.3f}{local_best:>11.3f}{len(res.rows):>6}", flush=True)
            out["queries"] = rows
        out["load_after"] = load()
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    dest = HERE / "out" / f"results-push-{name}-jobs{args.jobs}.json"
    dest.parent.mkdir(exist_ok=True)
    dest.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {dest} (load after: {out['load_after']})")


if __name__ == "__main__":
    main()
