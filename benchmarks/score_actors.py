"""Score the actor extractor against hand-labelled gold actors.

Usage::

    python benchmarks/score_actors.py                       # shared corpus + its gold file
    python benchmarks/score_actors.py DIGESTS GOLD.yaml [--errors] [--json]

A predicted actor matches a gold actor when its name equals the gold name or any gold alias,
with case, accents, punctuation and a possessive folded. Each gold actor is matched at most once;
a second prediction for the same gold actor counts as a false positive (an unmerged duplicate).
Prints precision, recall, F1, type accuracy on the matches, and with ``--errors`` every miss.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graphkit.extract.actors import extract_paths  # noqa: E402

DEFAULT_DIR = ROOT.parent / "shared" / "corpus" / "futures"
DEFAULT_GOLD = ROOT.parent / "shared" / "corpus" / "actors_dev.yaml"


def fold(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.replace("’", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def score(predicted: dict[str, list[dict]], gold: dict[str, list[dict]]) -> dict:
    tp = fp = fn = type_ok = 0
    errors: dict[str, list[str]] = {"false_positive": [], "false_negative": [], "wrong_type": []}
    for name in sorted(gold):
        golds = gold[name] or []
        forms = [{fold(a["name"]), *(fold(x) for x in a.get("aliases") or [])} for a in golds]
        matched = [False] * len(golds)
        for p in predicted.get(name, []):
            key = fold(p["name"])
            hit = next((i for i, f in enumerate(forms) if key in f and not matched[i]), None)
            if hit is None:
                fp += 1
                errors["false_positive"].append(f"{name}: {p['name']} ({p['type']})")
                continue
            matched[hit] = True
            tp += 1
            if p["type"] == golds[hit]["type"]:
                type_ok += 1
            else:
                errors["wrong_type"].append(f"{name}: {p['name']} is {golds[hit]['type']}, predicted {p['type']}")
        for i, ok in enumerate(matched):
            if not ok:
                fn += 1
                errors["false_negative"].append(f"{name}: {golds[i]['name']} ({golds[i]['type']})")
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "digests": len(gold),
        "gold": tp + fn,
        "predicted": tp + fp,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": round(p, 3),
        "recall": round(r, 3),
        "f1": round(f1, 3),
        "type_accuracy": round(type_ok / tp, 3) if tp else 0.0,
        "errors": errors,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("digests", nargs="?", default=str(DEFAULT_DIR))
    ap.add_argument("gold", nargs="?", default=str(DEFAULT_GOLD))
    ap.add_argument("--errors", action="store_true", help="List false positives, false negatives and wrong types.")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    gold = yaml.safe_load(Path(args.gold).read_text(encoding="utf-8"))
    paths = sorted(Path(args.digests).glob("*.md"))
    t0 = time.perf_counter()
    predicted, _problems = extract_paths(paths)
    seconds = time.perf_counter() - t0
    result = score({k: [a.as_dict() for a in v] for k, v in predicted.items()}, gold)
    result["seconds"] = round(seconds, 3)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(
        f"{result['digests']} digests, {result['gold']} gold actors, {result['predicted']} predicted in {seconds:.2f} s"
    )
    print(
        f"precision {result['precision']:.3f}  recall {result['recall']:.3f}  F1 {result['f1']:.3f}  "
        f"type accuracy {result['type_accuracy']:.3f}  (tp {result['tp']}, fp {result['fp']}, fn {result['fn']})"
    )
    if args.errors:
        for kind, items in result["errors"].items():
            print(f"\n{kind} ({len(items)}):")
            for item in items:
                print("  " + item)
    return 0


if __name__ == "__main__":
    sys.exit(main())
