"""Actor extraction time per digest, on the real corpus and on synthetic digests.

Digests are parsed once; then :func:`graphkit.extract.actors.extract` runs over all of them,
``--rounds`` times, and the best round is kept (milliseconds per digest, one core). Synthetic
digests are the worst case for a capitalisation-based extractor: every signal name is in Title
Case.

Usage::

    python benchmarks/bench_actors.py                      # real corpus + 1,000 synthetic digests
    python benchmarks/bench_actors.py --synthetic 0 --rounds 5
    python benchmarks/bench_actors.py --json

The synthetic digests come from ``benchmarks/synth.py`` (seed 1), generated into a temporary
folder.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = HERE.parent.parent / "shared" / "corpus"


def parsed(paths: list[Path]) -> list:
    from graphkit.ingest.mapping import load_mapping
    from graphkit.ingest.parse import DigestError, parse_bytes

    mapping = load_mapping(None)
    out = []
    for path in paths:
        try:
            out.append(parse_bytes(path.read_bytes(), str(path), mapping=mapping))
        except DigestError:
            pass
    return out


def best_ms(digests: list, gazetteer, rounds: int) -> float:
    from graphkit.extract.actors import extract

    best = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        for d in digests:
            extract(d, gazetteer)
        best = min(best, time.perf_counter() - t)
    return best / max(1, len(digests)) * 1000


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="folder with futures/ and closest/")
    ap.add_argument("--synthetic", type=int, default=1000, help="synthetic digests (default 1000; 0: none)")
    ap.add_argument("--rounds", type=int, default=3, help="rounds over the digests, best kept (default 3)")
    ap.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = ap.parse_args(argv)
    from graphkit.extract.gazetteer import load_gazetteer

    gazetteer = load_gazetteer(())
    real = parsed(sorted([*args.source.glob("futures/*.md"), *args.source.glob("closest/*.md")]))
    result = {"real_digests": len(real), "real_ms": best_ms(real, gazetteer, args.rounds)}
    if args.synthetic:
        with tempfile.TemporaryDirectory(prefix="gk-actors-") as tmp:
            subprocess.run(
                [sys.executable, str(HERE / "synth.py"), tmp, "-n", str(args.synthetic), "--seed", "1"],
                check=True,
                capture_output=True,
            )
            synth = parsed(sorted(Path(tmp).rglob("*.md")))
        result.update(synthetic_digests=len(synth), synthetic_ms=best_ms(synth, gazetteer, args.rounds))
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"real:      {result['real_digests']:5d} digests  {result['real_ms']:.3f} ms a digest")
        if args.synthetic:
            print(f"synthetic: {result['synthetic_digests']:5d} digests  {result['synthetic_ms']:.3f} ms a digest")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
