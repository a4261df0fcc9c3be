"""Deterministic generator of synthetic tech-watch digests for benchmarks.

    python benchmarks/synth.py OUT_DIR -n 10000 --seed 1 [--check]

The digests are shaped like the real ones (two format generations, same sections, same table
layouts, same text lengths and counts), but every word comes from the small vocabulary below and
nothing is read from a real corpus at generation time: the shape statistics were measured once on
the 75 real digests of the test corpus (``graphkit.ingest.parse.parse_file`` on every file) and are
hard-coded in :data:`SHAPE`.

Themes, keywords and technologies are drawn from combinatorial vocabularies with a Zipf-like
popularity (a few labels recur in thousands of digests, most are rare), and a fraction of uses is
written in another surface form (case, hyphen for space, plural) that graphkit must merge back.

The same ``-n`` and ``--seed`` always give byte-identical files: every digest has its own
``random.Random`` seeded from (seed, index), and the vocabularies from the seed alone.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import itertools
import random
import sys
from bisect import bisect
from pathlib import Path

# ---------------------------------------------------------------------------------------------
# Shape of the real corpus (75 digests, measured with graphkit's parser; see docs/benchmarks.md).
# Lengths and counts are (mean, standard deviation, min, max); samples are normal, rounded and
# clipped to [min, max].
# ---------------------------------------------------------------------------------------------
SHAPE = {
    "old_share": 0.28,  # 21 of 75 digests use the old header/layout
    "old": {
        "title": (48, 15, 27, 91),
        "summary": (726, 82, 574, 877),
        "keywords": (9.7, 1.1, 5, 10),
        "themes": (3.2, 0.5, 3, 5),
        "closest": 5,  # links to other digests (real: 0-9, mean 4.7)
        "signals": {  # 4 columns, no relevancy
            "rows": (5.8, 2.8, 1, 11),
            "name": (44, 14, 19, 95),
            "change": (46, 23, 7, 105),
            "horizon": (56, 18, 7, 108),
            "driving_force": (54, 18, 3, 102),
        },
    },
    "new": {
        "title": (79, 11, 62, 100),
        "summary": (786, 79, 644, 1020),
        "keywords": (6.15, 1.5, 4, 10),
        "themes": (5.15, 1.1, 3, 9),
        # Signals always have a relevancy column in new digests; the four other tables of a digest
        # either all have one (32 of 54 digests) or none has.
        "relevancy_share": 32 / 54,
        # Technologies table "description | relevancy | src" with no name column: 6 of the 32
        # digests with relevancy (11% of new digests).
        "nameless_tech_share": 6 / 32,
        "signals": {
            "rows": (5.2, 1.1, 3, 10),
            "name": (30, 8, 9, 57),
            "description": (82, 12, 56, 123),
            "change": (85, 12, 62, 120),
            "horizon": (96, 12, 65, 126),
            "driving_force": (86, 13, 50, 116),
        },
        "concerns": {"rows": (6.6, 1.7, 4, 10), "name": (30, 8.5, 11, 55), "description": (125, 16.5, 85, 180)},
        "behaviors": {"rows": (6.6, 1.6, 4, 10), "name": (30, 8.4, 9, 59), "description": (124, 17, 82, 168)},
        "technologies": {"rows": (4.6, 1.7, 1, 10), "name": (26, 9, 8, 56), "description": (119, 17.6, 77, 171)},
        "issues": {"rows": (6.4, 1.5, 5, 10), "name": (31, 9.8, 9, 64), "description": (126, 17.6, 75, 199)},
    },
    # Relevancy values (real: 2 → 1, 3 → 125, 4 → 537, 5 → 411 rows).
    "relevancy": {2: 0.01, 3: 0.12, 4: 0.50, 5: 0.37},
    "category": {"science": 18, "technology": 17, "politics": 12, "others": 7, "food": 1, "health": 1},
    "type": {"blog post": 31, "news": 15, "research article": 10},
    # Page ids: weekly Sunday dates; a few with a letter suffix, a few not dates at all.
    "first_week": "2022-01-02",
    "last_week": "2026-09-27",
    "page_letter_share": 0.02,  # 20250323d
    "page_number_share": 0.003,  # 5632.0 (not a date: graphkit warns)
    "page_future_share": 0.002,  # 2029MMDD (after the build date: graphkit warns)
    # Share of concept uses written in another surface form (real: few, 10 of 748 labels at 75
    # digests; more at scale). Variants always share the normalised key of the canonical label.
    "variant_share": 0.08,
}

# Vocabulary: (size, Zipf exponent, offset q) with weight(rank) = 1 / (rank + q) ** s. Tuned so
# that 10,000 digests give 4,483 themes, 22,844 keywords and 12,019 technologies (seed 1), with the
# top themes in thousands of digests (the first in 3,679) and most themes in one or two.
VOCAB = {
    "theme": (10_000, 1.25, 2.0),
    "keyword": (150_000, 1.03, 5.0),
    "technology": (60_000, 0.95, 5.0),
}

# ---------------------------------------------------------------------------------------------
# Word lists (our own; nouns take a plain "+s" plural and never end in s/x/z/ch/sh/y, so that
# graphkit's singulariser maps the plural back to them).
# ---------------------------------------------------------------------------------------------
ADJECTIVES = """
adaptive agile ambient analog ancient applied arctic autonomous balanced bright broad calm
careful central circular civic clean clever coastal cognitive collective compact complex
connected constant cool creative critical cultural decentral deep dense digital direct distant
diverse domestic dynamic early electric emerging ethical exact fair fast fertile flexible
fluid formal fragile free frugal future gentle global green hidden high hybrid ideal immersive
inclusive indirect industrial inner intimate kinetic large lean legal light linear liquid local
long loud low lunar marine mental micro mobile modular moral native natural neural new nimble
nomadic novel nuclear old open orbital organic outer parallel passive personal physical plain
polar portable private public quantum quick quiet radical rapid rare raw real regional remote
renewable resilient rich rural safe scalable secure shared short silent simple slow small smart
social soft solar solid sonic spatial stable static steady strong subtle super synthetic tacit
thermal tidal tiny total toxic trusted urban usable vast verbal viral virtual visual vital warm
weak wet wide wild wireless young
""".split()

NOUNS = """
agent algorithm archive arena audit balance bank battery beacon biome boundary brain bridge
budget cabin cable canal carbon care cell charter circuit city climate cloud code colony
consent contract corridor craft crop culture current cycle data delta design device diet
doctrine dome dream drone ecology economy edge energy engine factory farm feedback fiber field
film finance fleet forest forum frame fuel garden gene genome grid habitat harbor health heat
horizon identity image insight island journal justice kernel kitchen label labor lake language
lattice law layer ledger library lifestyle light literacy loop machine map market material
media medicine membrane memory method migration mind model module motor movement museum
narrative network node ocean orbit order organ panel pattern platform plant policy port power
practice privacy protocol pulse radar rail reactor record reef region ritual river road robot
rocket route rule safety satellite scale school science screen sensor signal skill soil sound
space sport standard station storage story strategy stream street studio supply surface symbol
system talent target teacher team terrain test textile theory therapy threat tissue tool tower
trade trail train transit tribe trust tunnel vaccine value vehicle venture vision voice wallet
water wave wealth weather welfare wind window wire work world
""".split()

VERBS = """
accelerates adapts alters amplifies anchors balances blends boosts bridges captures challenges
changes combines connects converts creates cuts defines delivers drives enables encourages
expands exposes extends favors feeds fosters frees grows guides harnesses improves increases
informs inspires limits links lowers maps merges mirrors moves opens pushes raises reduces
reframes renews reshapes reveals scales secures shapes shifts shrinks signals steers
strengthens supports sustains tests transforms tracks turns unlocks weakens widens
""".split()


def _base_verb(verb: str) -> str:
    if verb.endswith("ies"):
        return verb[:-3] + "y"
    if verb.endswith(("ches", "shes", "sses", "xes")):
        return verb[:-2]
    return verb[:-1]


BASE_VERBS = [_base_verb(v) for v in VERBS]
CONNECTORS = "across among around beyond by for from in into of on over through toward under with within".split()
OPENERS = "In ten years, | Over time, | As a result, | Meanwhile, | For now, | Increasingly, | Soon, | Today,".split(
    " | "
)

SYLLABLES = """
ka lo mi ra ve tor zen qua fin dal mor sev nix pra lum cor vin tes bal gro hex ori syn vel
ax tri neo pol dra kin rex sol ume yar zel bri cal dor eko fyr gal hol ilo jun
""".split()
TECH_SUFFIXES = "Engine Mesh Kit Hub Core Lab Stack Cloud Grid Net Works OS AI Bot Sense Flow".split()


def _normal(rng: random.Random, spec) -> int:
    mean, sd, lo, hi = spec
    return int(min(hi, max(lo, round(rng.gauss(mean, sd)))))


def _rows(rng: random.Random, spec, scale: float) -> int:
    """Number of rows of a table; ``scale`` shrinks or grows every table (default 1: real shape)."""
    mean, sd, lo, hi = spec
    if scale != 1.0:
        mean, sd, lo, hi = mean * scale, sd * scale, max(1, round(lo * scale)), max(1, round(hi * scale))
    return _normal(rng, (mean, sd, lo, hi))


def _plural(word: str) -> str:
    """English plural of a vocabulary word ("city" → "cities", "grid" → "grids")."""
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "o", "u"):
        return word[:-1] + "ies"
    return word + "s"


def _pluralisable(word: str) -> bool:
    # graphkit singularises the last word unless it is an acronym or ends in ss/us/is/ics; only
    # pluralise words whose plural it maps back to the same key.
    return word.isalpha() and not word.isupper() and not word.endswith(("s", "x", "z", "ch", "sh", "ic"))


class Vocabulary:
    """A ranked list of labels with Zipf-like weights, and its surface-form variants."""

    def __init__(self, labels: list[str], s: float, q: float):
        self.labels = labels
        cum, total = [], 0.0
        for r in range(len(labels)):
            total += 1.0 / (r + 1 + q) ** s
            cum.append(total)
        self.cum = cum
        self.total = total

    def sample(self, rng: random.Random, k: int) -> list[str]:
        """``k`` distinct labels, popular ones more often."""
        out, seen = [], set()
        while len(out) < k:
            i = bisect(self.cum, rng.random() * self.total)
            i = min(i, len(self.labels) - 1)
            if i not in seen:
                seen.add(i)
                out.append(self.labels[i])
        return out


def _variant(rng: random.Random, label: str, capitalised: bool) -> str:
    """Another surface form with the same graphkit key: case, hyphens or a plural."""
    words = label.split(" ")
    choice = rng.randrange(4)
    if choice == 1 and len(words) > 1:  # hyphen for space
        return "-".join(words)
    if choice == 2 and _pluralisable(words[-1]):  # plural of the last word
        return " ".join(words[:-1] + [_plural(words[-1])])
    if choice == 3:  # first letter only
        return label[:1].upper() + label[1:] if label[:1].islower() else label[:1].lower() + label[1:]
    # case: all lower for capitalised labels, Title Case for lower-case ones
    return label.lower() if capitalised else " ".join(w[:1].upper() + w[1:] for w in words)


def build_vocabularies(seed: int) -> dict[str, Vocabulary]:
    """Theme, keyword and technology vocabularies; depend on the seed only (not on -n)."""
    rng = random.Random(f"graphkit-synth-vocab-{seed}")
    adjs, nouns = ADJECTIVES, NOUNS
    adj_noun = [f"{a} {n}" for a in adjs for n in nouns]
    noun_noun = [f"{a} {n}" for a in nouns for n in nouns if a != n]
    triples = [f"{rng.choice(adjs)} {rng.choice(nouns)} {rng.choice(nouns)}" for _ in range(150_000)]

    def pick(pools: list[tuple[list[str], float]], size: int) -> list[str]:
        # Interleave pools in the given proportions (so popular ranks mix 1-, 2- and 3-word
        # labels), drop duplicates, keep ``size``.
        pools = [(rng.sample(p, len(p)), share) for p, share in pools]
        iters = [iter(p) for p, _ in pools]
        weights = [share for _, share in pools]
        out, seen = [], set()
        while len(out) < size and any(weights):
            j = rng.choices(range(len(iters)), weights)[0]
            try:
                label = next(iters[j])
            except StopIteration:
                weights[j] = 0
                continue
            if label not in seen:
                seen.add(label)
                out.append(label)
        return out

    size, s, q = VOCAB["theme"]
    themes = pick([(list(nouns), 0.25), (adj_noun, 0.55), (noun_noun, 0.15), (triples, 0.05)], size)
    size, s2, q2 = VOCAB["keyword"]
    keywords = pick([(list(nouns), 0.02), (adj_noun, 0.45), (noun_noun, 0.43), (triples, 0.10)], size)
    syll = ["".join(t).capitalize() for t in itertools.product(SYLLABLES, repeat=3)]
    syll += ["".join(t).capitalize() for t in itertools.product(SYLLABLES, repeat=2)]
    brands = [f"{b} {rng.choice(TECH_SUFFIXES)}" if rng.random() < 0.4 else b for b in syll]
    generic = [" ".join(w.capitalize() for w in label.split()) for label in adj_noun]
    size, s3, q3 = VOCAB["technology"]
    techs = pick([(brands, 0.6), (generic, 0.4)], size)
    return {
        "theme": Vocabulary(themes, s, q),
        "keyword": Vocabulary(keywords, s2, q2),
        "technology": Vocabulary(techs, s3, q3),
    }


# ---------------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------------


def sentence_text(rng: random.Random, length: int) -> str:
    """Prose-like text of about ``length`` characters, ending with a full stop."""
    parts: list[str] = []
    n = 0
    while n < length:
        if rng.random() < 0.15:
            s = f"{rng.choice(OPENERS)} {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {rng.choice(VERBS)} the {rng.choice(NOUNS)}"
        else:
            s = f"{rng.choice(ADJECTIVES).capitalize()} {_plural(rng.choice(NOUNS))} {rng.choice(BASE_VERBS)} {rng.choice(NOUNS)}'s {rng.choice(NOUNS)}"
        while len(s) < 60 and n + len(s) < length:
            s += f" {rng.choice(CONNECTORS)} {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
            if rng.random() < 0.2:
                s += f", and {rng.choice(NOUNS)}"
        parts.append(s + ".")
        n += len(s) + 2
    text = " ".join(parts)
    if len(text) > length + 20:  # cut at a word boundary, close the sentence
        text = text[:length].rsplit(" ", 1)[0].rstrip(",'.") + "."
    return text


def name_text(rng: random.Random, length: int) -> str:
    """A short Title Case name (table name cells, titles)."""
    words: list[str] = []
    n = 0
    while n < length or len(words) < 2:
        w = rng.choice(NOUNS if len(words) % 2 else ADJECTIVES)
        if words and rng.random() < 0.15:
            w = rng.choice(("of", "for", "and", "in"))
        words.append(w if w in ("of", "for", "and", "in") else w.capitalize())
        n += len(w) + 1
    if words[-1] in ("of", "for", "and", "in"):
        words[-1] = rng.choice(NOUNS).capitalize()
    return " ".join(words)


def pipe_table(header: list[str], rows: list[list[str]], right: set[int]) -> str:
    """A table in the padded "pipe" layout the real digests use (tabulate's)."""
    widths = [max(len(header[i]), *(len(r[i]) for r in rows)) for i in range(len(header))]

    def fmt(cells):
        out = []
        for i, c in enumerate(cells):
            out.append(c.rjust(widths[i]) if i in right else c.ljust(widths[i]))
        return "| " + " | ".join(out) + " |"

    sep = (
        "|"
        + "|".join(("-" * (w + 1) + ":") if i in right else (":" + "-" * (w + 1)) for i, w in enumerate(widths))
        + "|"
    )
    return "\n".join([fmt(header), sep, *(fmt(r) for r in rows)])


# ---------------------------------------------------------------------------------------------
# Digests
# ---------------------------------------------------------------------------------------------


def digest_ids(n: int, seed: int) -> list[str]:
    """File names (without .md): 32 hex characters from a seeded hash."""
    return [hashlib.md5(f"graphkit-synth:{seed}:{i}".encode()).hexdigest() for i in range(n)]


def _weeks() -> list[_dt.date]:
    d = _dt.date.fromisoformat(SHAPE["first_week"])
    end = _dt.date.fromisoformat(SHAPE["last_week"])
    out = []
    while d <= end:
        out.append(d)
        d += _dt.timedelta(days=7)
    return out


def page_id(rng: random.Random, weeks: list[_dt.date]) -> str:
    x = rng.random()
    if x < SHAPE["page_number_share"]:
        return f"{rng.randrange(1000, 9999)}.0"
    if x < SHAPE["page_number_share"] + SHAPE["page_future_share"]:
        return f"2029{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
    day = rng.choice(weeks).strftime("%Y%m%d")
    if rng.random() < SHAPE["page_letter_share"]:
        day += rng.choice("abcd")
    return day


def _weighted(rng: random.Random, table: dict) -> str:
    return rng.choices(list(table), list(table.values()))[0]


def _relevancy(rng: random.Random) -> str:
    return str(_weighted(rng, SHAPE["relevancy"]))


def _concepts(rng: random.Random, vocab: Vocabulary, k: int, capitalised: bool = False) -> list[str]:
    out = []
    for label in vocab.sample(rng, k):
        if rng.random() < SHAPE["variant_share"]:
            label = _variant(rng, label, capitalised)
        out.append(label)
    return out


def _external_link(rng: random.Random, title: str) -> str:
    host = f"{rng.choice(ADJECTIVES)}{rng.choice(NOUNS)}.example"
    path = "-".join(title.lower().split()[:6])
    query = f"?ref={rng.randrange(10**6)}" if rng.random() < 0.2 else ""
    return f"https://www.{host}/{path}{query}"


def _header(title: str, pid: str, old: bool) -> str:
    url = f"https://digest.example.org/p/{pid}"
    if old:
        return f"# __{title}__, from ([{pid}]({url}).)"
    return f"# __{title}__, (from page [{pid}]({url}).)"


def _bullets(items: list[str]) -> str:
    return "\n".join(f"* {i}" for i in items)


def old_digest(rng, did, title, pid, vocab, closest: list[tuple[str, str]], scale: float = 1.0) -> str:
    sh = SHAPE["old"]
    parts = [_header(title, pid, True), "", f"__[External link]({_external_link(rng, title)})__", "", "", ""]
    parts += ["## Summary", "", sentence_text(rng, _normal(rng, sh["summary"])), ""]
    parts += ["## Keywords", "", _bullets(_concepts(rng, vocab["keyword"], _normal(rng, sh["keywords"]))), ""]
    parts += ["## Themes", "", _bullets(_concepts(rng, vocab["theme"], _normal(rng, sh["themes"]))), ""]
    t = sh["signals"]
    rows = []
    for _ in range(_rows(rng, t["rows"], scale)):
        rows.append(
            [
                name_text(rng, _normal(rng, t["name"])),
                sentence_text(rng, _normal(rng, t["change"])).rstrip("."),
                sentence_text(rng, _normal(rng, t["horizon"])).rstrip("."),
                sentence_text(rng, _normal(rng, t["driving_force"])).rstrip("."),
            ]
        )
    parts += ["## Signals", "", pipe_table(["Signal", "Change", "10y horizon", "Driving force"], rows, set()), ""]
    parts += ["## Closest", "", "\n".join(f"* [{t}]({i})" for i, t in closest)]
    return "\n".join(parts) + "\n"


def new_digest(rng, did, title, pid, vocab, scale: float = 1.0) -> str:
    sh = SHAPE["new"]
    with_rel = rng.random() < sh["relevancy_share"]
    nameless_tech = with_rel and rng.random() < sh["nameless_tech_share"]
    parts = [_header(title, pid, False), "", f"__[External link]({_external_link(rng, title)})__", "", "", ""]
    parts += ["## Keywords", "", _bullets(_concepts(rng, vocab["keyword"], _normal(rng, sh["keywords"]))), ""]
    parts += ["## Themes", "", _bullets(_concepts(rng, vocab["theme"], _normal(rng, sh["themes"]))), ""]
    parts += [
        "## Other",
        "",
        f"* Category: {_weighted(rng, SHAPE['category'])}",
        f"* Type: {_weighted(rng, SHAPE['type'])}",
        "",
    ]
    parts += ["## Summary", "", sentence_text(rng, _normal(rng, sh["summary"])), ""]
    t = sh["signals"]
    rows = []
    for _ in range(_rows(rng, t["rows"], scale)):
        rows.append(
            [
                name_text(rng, _normal(rng, t["name"])),
                sentence_text(rng, _normal(rng, t["description"])),
                sentence_text(rng, _normal(rng, t["change"])),
                sentence_text(rng, _normal(rng, t["horizon"])),
                sentence_text(rng, _normal(rng, t["driving_force"])),
                _relevancy(rng),
            ]
        )
    parts += [
        "## Signals",
        "",
        pipe_table(["name", "description", "change", "10-year", "driving-force", "relevancy"], rows, {5}),
        "",
    ]
    for table, heading in (
        ("concerns", "Concerns"),
        ("behaviors", "Behaviors"),
        ("technologies", "Technologies"),
        ("issues", "Issues"),
    ):
        t = sh[table]
        n = _rows(rng, t["rows"], scale)
        if table == "technologies" and nameless_tech:
            rows = [[sentence_text(rng, _normal(rng, t["description"])), _relevancy(rng), did] for _ in range(n)]
            header, right = ["description", "relevancy", "src"], {1}
        else:
            if table == "technologies":
                names = _concepts(rng, vocab["technology"], n, capitalised=True)
            else:
                names = [name_text(rng, _normal(rng, t["name"])) for _ in range(n)]
            rows = []
            for name in names:
                row = [name, sentence_text(rng, _normal(rng, t["description"]))]
                if with_rel:
                    row.append(_relevancy(rng))
                rows.append(row)
            header = ["name", "description"] + (["relevancy"] if with_rel else [])
            right = {2} if with_rel else set()
        parts += [f"## {heading}", "", pipe_table(header, rows, right), ""]
    return "\n".join(parts).rstrip("\n") + ("\n" if rng.random() < 0.9 else "")  # some lack the final newline


def generate(out_dir: str | Path, n: int, seed: int = 1, table_scale: float = 1.0) -> list[Path]:
    """Write ``n`` digests into ``out_dir``; return their paths.

    ``table_scale`` multiplies the number of rows of every table (1.0 = the real corpus's shape).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    vocab = build_vocabularies(seed)
    weeks = _weeks()
    ids = digest_ids(n, seed)
    # First pass: format and title of every digest (Closest links quote other digests' titles).
    meta = []
    for i in range(n):
        rng = random.Random(f"graphkit-synth-{seed}-{i}-head")
        old = rng.random() < SHAPE["old_share"]
        title = name_text(rng, _normal(rng, SHAPE["old" if old else "new"]["title"]))
        meta.append((old, title))
    paths = []
    for i, did in enumerate(ids):
        rng = random.Random(f"graphkit-synth-{seed}-{i}")
        old, title = meta[i]
        pid = page_id(rng, weeks)
        if old:
            others = [j for j in rng.sample(range(n), min(n, 6)) if j != i][: SHAPE["old"]["closest"]]
            text = old_digest(rng, did, title, pid, vocab, [(ids[j], meta[j][1]) for j in others], table_scale)
        else:
            text = new_digest(rng, did, title, pid, vocab, table_scale)
        p = out / f"{did}.md"
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    return paths


def check(paths: list[Path]) -> dict:
    """Parse every file with graphkit; count warnings that are not about page ids."""
    from collections import Counter

    from graphkit.core.normalize import label_key
    from graphkit.extract.mapper import map_digest
    from graphkit.ingest.parse import parse_file

    unexpected: list[str] = []
    page_warnings = 0
    counts: dict[str, Counter] = {"theme": Counter(), "keyword": Counter(), "technology": Counter()}
    triples = 0
    formats = Counter()
    for p in paths:
        d = parse_file(p)
        formats[d.format] += 1
        for prob in d.problems:
            if prob.message.startswith("page id "):
                page_warnings += 1
            else:
                unexpected.append(str(prob))
        counts["theme"].update(label_key(t) for t in d.themes)
        counts["keyword"].update(label_key(k) for k in d.keywords)
        counts["technology"].update(label_key(r.name) for r in d.rows("technologies") if r.name)
        m = map_digest(d)
        unexpected.extend(str(prob) for prob in m.problems)
        triples += len(m.triples)
    return {
        "files": len(paths),
        "formats": dict(formats),
        "page_id_warnings": page_warnings,
        "unexpected_problems": unexpected,
        "distinct": {k: len(v) for k, v in counts.items()},
        "top": {k: v.most_common(3) for k, v in counts.items()},
        "mapped_triples": triples,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("-n", type=int, default=10_000, help="number of digests (default 10000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--table-scale",
        type=float,
        default=1.0,
        help="multiply the rows of every table (default 1.0 = the real corpus's shape, ~250 triples/digest)",
    )
    ap.add_argument("--check", action="store_true", help="parse every file with graphkit and report")
    args = ap.parse_args(argv)
    paths = generate(args.out_dir, args.n, args.seed, args.table_scale)
    print(f"wrote {len(paths)} digests to {args.out_dir}")
    if args.check:
        report = check(paths)
        for k, v in report.items():
            if k != "unexpected_problems":
                print(f"{k}: {v}")
        print(f"unexpected problems: {len(report['unexpected_problems'])}")
        for p in report["unexpected_problems"][:20]:
            print("  ", p)
        return 1 if report["unexpected_problems"] else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
