"""A tiny dated corpus whose trends and weak-signal numbers are computed by hand in the tests
(test_trends.py, test_weaksignals.py), as article records and as digest files.

Themes per article (``+kw`` = also a keyword, which adds a mention to the theme's TF)::

    2022 (NN = 2)  a1 2022-03-06  A B
                   a2 2022-09-04  B
    2023 (NN = 4)  a3 2023-02-05  A B
                   a4 2023-05-07  C D
                   a5 2023-08-06  B D E
                   a6 2023-11-05  B
    2024 (NN = 2)  a7 2024-01-07  A C(+kw)
                   a8 2024-06-02  A C(+kw) E F
    undated        a9  page 5632.0     A
                   a10 page 20991231   B      (a future date: not plausible, no date)

Per year:   DF_A = [1, 1, 2]  TF_A = [1, 1, 2]
            DF_B = [2, 3, 0]  TF_B = [2, 3, 0]
            DF_C = [0, 1, 2]  TF_C = [0, 1, 4]
            DF_D = [0, 2, 0]  TF_D = [0, 2, 0]
            DF_E = [0, 1, 1]  TF_E = [0, 1, 1]
            DF_F = [0, 0, 1]  TF_F = [0, 0, 1]
"""

from __future__ import annotations

ARTICLES = [
    # (id, page id, date or None, themes, themes that are also keywords)
    ("a1", "20220306", "2022-03-06", ["A", "B"], []),
    ("a2", "20220904", "2022-09-04", ["B"], []),
    ("a3", "20230205", "2023-02-05", ["A", "B"], []),
    ("a4", "20230507", "2023-05-07", ["C", "D"], []),
    ("a5", "20230806", "2023-08-06", ["B", "D", "E"], []),
    ("a6", "20231105", "2023-11-05", ["B"], []),
    ("a7", "20240107", "2024-01-07", ["A", "C"], ["C"]),
    ("a8", "20240602", "2024-06-02", ["A", "C", "E", "F"], ["C"]),
    ("a9", "5632.0", None, ["A"], []),
    ("a10", "20991231", None, ["B"], []),
]
NAMES = {
    "A": "alpha grid",
    "B": "beta cells",
    "C": "gamma rays",
    "D": "delta wing",
    "E": "epsilon lab",
    "F": "zeta drift",
}
BASE = "https://w3id.org/graphkit/id/"


def records() -> list[dict]:
    """The corpus as article records (the format of graphkit.timeline.trends)."""
    out = []
    for aid, _, date, themes, kws in ARTICLES:
        items = [["theme", f"{BASE}theme/{NAMES[t].replace(' ', '-')}", NAMES[t], None] for t in themes]
        items += [["keyword", f"{BASE}keyword/{NAMES[t].replace(' ', '-')}", NAMES[t], None] for t in kws]
        out.append({"iri": f"{BASE}article/{aid}", "date": date, "items": sorted(items)})
    return out


def write_digests(folder) -> None:
    """The corpus as markdown digests (new format, no tables) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for aid, page, _, themes, kws in ARTICLES:
        keywords = [NAMES[t] for t in kws] + ["filler word"]
        text = (
            f"# __Article {aid}__, (from page [{page}](https://example.test/p/{page}).)\n\n"
            f"__[External link](https://example.test/{aid})__\n\n"
            "## Keywords\n\n" + "".join(f"* {k}\n" for k in keywords) + "\n"
            "## Themes\n\n" + "".join(f"* {NAMES[t]}\n" for t in themes) + "\n"
            f"## Summary\n\nA short summary of article {aid}.\n"
        )
        (folder / f"{aid}.md").write_text(text, "utf-8")
