"""Cost of pathological inputs: one digest with a huge table, or one huge line.

    python benchmarks/bench_big_inputs.py [--rows 2000,20000] [--line 300000,3000000]

For each size, writes a single digest (a Signals table of N rows, or a summary that is one line of
N characters) into a temporary folder, builds it with default options in a fresh ``graphkit``
process (GNU time for wall time and peak memory) and prints the stage times: the cost must grow
in proportion to the size, not faster.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import tempfile
from pathlib import Path

HEAD = (
    "# __Big digest__, (from page [20240107](https://watch.test/p/20240107).)\n\n"
    "## Keywords\n\n* energy\n\n## Themes\n\n* marine energy\n\n## Summary\n\n"
)


def digest(kind: str, n: int) -> str:
    if kind == "rows":
        rows = "\n".join(
            f"| Signal {i} | Tethered kites harvest tidal currents number {i} | change | horizon | force | 4 |"
            for i in range(n)
        )
        return (
            HEAD + "A summary.\n\n## Signals\n\n| name | description | change | 10-year | driving-force | relevancy |\n"
            "|--|--|--|--|--|--:|\n" + rows + "\n"
        )
    return HEAD + ("Tidal kites and marine energy pilots expand. " * (n // 45)) + "\n"


def run(kind: str, n: int, work: Path) -> dict:
    src, out = work / f"{kind}-{n}", work / f"kg-{kind}-{n}"
    src.mkdir()
    path = src / "big.md"
    path.write_text(digest(kind, n), "utf-8")
    proc = subprocess.run(
        ["/usr/bin/time", "-f", "TIME %e %M", "graphkit", "build", str(src), "--out", str(out), "--json"],
        capture_output=True,
        text=True,
    )
    wall, peak_kb = re.search(r"TIME ([\d.]+) (\d+)", proc.stderr).groups()
    report = json.loads(proc.stdout)
    return {
        "kind": kind,
        "size": n,
        "bytes": path.stat().st_size,
        "wall_s": float(wall),
        "peak_mb": int(peak_kb) / 1024,
        "stages": report["stages"],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", default="2000,20000")
    ap.add_argument("--line", default="300000,3000000")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results = [run("rows", int(n), Path(tmp)) for n in args.rows.split(",")]
        results += [run("line", int(n), Path(tmp)) for n in args.line.split(",")]
    for r in results:
        top = sorted(r["stages"].items(), key=lambda kv: -kv[1])[:3]
        print(
            f"{r['kind']:>4} {r['size']:>9,}  {r['bytes'] / 1e6:6.2f} MB  {r['wall_s']:6.2f} s  peak {r['peak_mb']:6.0f} MB  "
            + ", ".join(f"{k} {v:.2f} s" for k, v in top)
        )


if __name__ == "__main__":
    main()
