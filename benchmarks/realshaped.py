"""Write a "real-shaped" corpus: real digests copied many times, each copy its own article.

    python benchmarks/realshaped.py OUT_DIR --digests 35 --copies 100 [--extra 37] [--source DIR]
    python benchmarks/realshaped.py OUT_DIR --digests 35 --total 30000

The source digests are the ``*.md`` files of ``SOURCE/futures/`` then ``SOURCE/closest/`` (each
folder sorted by file name; ``SOURCE`` defaults to ``../shared/corpus`` beside the repository; a
SOURCE without those two folders is read directly). The first ``--digests`` files are the base:

* copy ``k`` of ``X.md`` is written as ``OUT_DIR/c{k:03d}/X-c{k:03d}.md`` (its own file name, hence
  its own digest id);
* for ``k > 0`` the title on the first line becomes ``Title (copy k)``, and every http(s) URL of
  the preamble (the title line's page link and the ``[External link](…)`` source link) gets a
  ``copy=k`` query parameter, so that no two copies share a headline or a URL;
* every ``## Closest`` section (its heading and its list, up to the next ``## `` heading or the
  end of the file) is removed from every copy (its links would point at digests not in the corpus).

The next ``--extra`` files (distinct from the base) are written unchanged except for the Closest
section, as ``OUT_DIR-extra/X.md``: the "weekly update" of new digests. Both folders are emptied
first. The same arguments always give byte-identical files.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_SOURCE = REPO.parent / "shared" / "corpus"
SUBFOLDERS = ("futures", "closest")
MARKER = ".realshaped.json"

URL_RE = re.compile(r"https?://[^\s)\]>]+")  # stops where graphkit's link pattern stops: ')' or space
CLOSEST_RE = re.compile(r"^##\s+closest\s*#*\s*$", re.IGNORECASE)
SECTION_RE = re.compile(r"^##\s")
TITLE_RE = re.compile(r"^(#\s+__)(.*?)(__)")  # `# __Title__, from (…)` / `# __Title__, (from page …)`


def source_files(source: Path) -> list[Path]:
    """The ``*.md`` files of SOURCE/futures then SOURCE/closest, each sorted by name."""
    subs = [source / s for s in SUBFOLDERS if (source / s).is_dir()]
    if not subs:
        subs = [source]
    files: list[Path] = []
    for folder in subs:
        files.extend(sorted(folder.glob("*.md"), key=lambda p: p.name))
    return files


def distinct_url(url: str, k: int) -> str:
    """``url`` with a ``copy=k`` query parameter (before any fragment)."""
    base, hash_, fragment = url.partition("#")
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}copy={k}{hash_}{fragment}"


def strip_closest(lines: list[str]) -> tuple[list[str], bool]:
    """Drop every ``## Closest`` heading and its body (up to the next ``## `` heading)."""
    out: list[str] = []
    skipping = removed = False
    for line in lines:
        bare = line.rstrip("\r\n").strip()
        if SECTION_RE.match(bare):
            skipping = bool(CLOSEST_RE.match(bare))
            removed = removed or skipping
        if not skipping:
            out.append(line)
    return out, removed


def transform(text: str, k: int) -> str:
    """Copy ``k`` of one digest's text (copy 0: only the Closest section removed)."""
    lines = text.splitlines(keepends=True)
    lines, removed = strip_closest(lines)
    if k > 0 and lines:
        first = lines[0]
        m = TITLE_RE.match(first)
        if m:
            first = f"{m[1]}{m[2]} (copy {k}){m[3]}{first[m.end() :]}"
        else:  # no `__Title__`: append to the heading text before the page link
            first = re.sub(r"^(#\s+[^,(\r\n]*)", lambda mm: f"{mm[1].rstrip()} (copy {k})", first, count=1)
        lines[0] = first
        # The preamble: the title line and everything up to the first `## ` heading.
        for i, line in enumerate(lines):
            if i > 0 and SECTION_RE.match(line.strip()):
                break
            lines[i] = URL_RE.sub(lambda mm: distinct_url(mm[0], k), line)
    out = "".join(lines)
    if removed:  # the Closest list was often the last section: keep the original's final newline (or none)
        out = out.rstrip("\r\n") + ("\n" if text.endswith("\n") else "")
    return out


def _reset(folder: Path) -> None:
    """Empty a folder this script wrote before; refuse to touch any other non-empty folder."""
    if folder.exists():
        if any(folder.iterdir()) and not (folder / MARKER).exists():
            raise SystemExit(f"{folder} exists, is not empty and was not written by realshaped.py: not touching it")
        shutil.rmtree(folder)
    folder.mkdir(parents=True)


def generate(
    out_dir: str | Path,
    digests: int = 35,
    copies: int | None = 100,
    total: int | None = None,
    extra: int = 37,
    source: str | Path = DEFAULT_SOURCE,
) -> dict:
    """Write the corpus and its extra folder; return a summary (also saved as OUT_DIR/.realshaped.json)."""
    out = Path(out_dir)
    extra_dir = out.parent / (out.name + "-extra")
    files = source_files(Path(source))
    if digests < 1:
        raise SystemExit("--digests must be at least 1")
    if len(files) < digests + extra:
        raise SystemExit(f"{source} has {len(files)} digests, fewer than --digests {digests} + --extra {extra}")
    base, extras = files[:digests], files[digests : digests + extra]
    if total is not None:
        copies = math.ceil(total / digests)
    else:
        total = digests * copies
    texts = [(p.stem, p.read_bytes().decode("utf-8")) for p in base]
    summary = {
        "source": str(Path(source).resolve()),
        "digests": digests,
        "copies": copies,
        "total": total,
        "extra": extra,
        "base_files": [p.name for p in base],
        "extra_files": [p.name for p in extras],
        "out_dir": str(out),
        "extra_dir": str(extra_dir),
    }
    _reset(out)
    written = 0
    for k in range(copies):
        folder = out / f"c{k:03d}"
        folder.mkdir()
        for stem, text in texts:
            if written == total:
                break
            (folder / f"{stem}-c{k:03d}.md").write_bytes(transform(text, k).encode("utf-8"))
            written += 1
    (out / MARKER).write_text(json.dumps(summary, indent=1) + "\n")
    _reset(extra_dir)
    for p in extras:
        (extra_dir / p.name).write_bytes(transform(p.read_bytes().decode("utf-8"), 0).encode("utf-8"))
    (extra_dir / MARKER).write_text(json.dumps(summary, indent=1) + "\n")
    summary["written"] = written
    summary["extra_written"] = len(extras)
    return summary


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--digests", type=int, default=35, help="real digests copied (default 35)")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--copies", type=int, help="copies of each digest (default 100)")
    g.add_argument("--total", type=int, help="total digests instead of --copies (the last copy is partial)")
    ap.add_argument("--extra", type=int, default=37, help="next digests written to OUT_DIR-extra/ (default 37)")
    ap.add_argument(
        "--source",
        default=str(DEFAULT_SOURCE),
        help="folder with futures/ and closest/ (default ../shared/corpus beside the repository)",
    )
    args = ap.parse_args(argv)
    copies = args.copies if args.copies is not None or args.total is not None else 100
    s = generate(args.out_dir, args.digests, copies, args.total, args.extra, args.source)
    partial = s["written"] - (s["copies"] - 1) * s["digests"]
    print(
        f"wrote {s['written']} digests to {s['out_dir']}: {s['digests']} real digests x {s['copies']} copies"
        + (f" (the last copy has {partial})" if partial != s["digests"] else "")
    )
    print(f"wrote {s['extra_written']} extra digests to {s['extra_dir']}")
    print(f"source: {s['source']} (base {s['base_files'][0]} … {s['base_files'][-1]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
