"""Named queries rewritten for speed (issue 15) return exactly what their plain versions return.

``tests/data/reference_queries/NAME.rq`` is the straightforward query (rank everything, keep the
first rows); the shipped ``NAME.rq`` narrows what Oxigraph must sort or join first (the 50th
highest count, the first 50 sources, the 200th row's date, a lookup per row instead of a join).
Both run on the real corpus and on crafted graphs whose rows tie at the cut (the case a floor
or a date cut gets wrong if it is off by one).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graphkit.build import build
from graphkit.graph import KnowledgeGraph, prepare_named
from graphkit_testutil import corpus_path

REFERENCES = Path(__file__).parent / "data" / "reference_queries"
NAMES = sorted(p.stem for p in REFERENCES.glob("*.rq"))


@pytest.fixture(scope="module")
def real_kg(tmp_path_factory):
    out = tmp_path_factory.mktemp("named") / "kg"
    build([corpus_path(), corpus_path().parent / "closest"], out, analysis=False)
    return KnowledgeGraph(out)


def _digest(i: int, themes: list[str], keywords: list[str], techs: list[str]) -> str:
    rows = "\n".join(f"| {t} | a use | 3 |" for t in techs)
    return (
        f"# Article {i}\n\nSource: https://example.org/{i}\nDate: 2024-W{i % 50 + 1:02d}\n\n"
        f"## Keywords\n\n{', '.join(keywords)}\n\n## Themes\n\n" + "\n".join(f"* {t}" for t in themes) + "\n\n"
        "## Summary\n\nA summary.\n\n## Technologies\n\n| Technology | Use | Relevancy |\n|---|---|---|\n" + rows + "\n"
    )


@pytest.fixture(scope="module")
def tied_kg(tmp_path_factory):
    """120 concepts of each kind used by exactly 3 articles, 20 by 5: the 50th count ties 100 ways."""
    folder = tmp_path_factory.mktemp("tied")
    digests = folder / "digests"
    digests.mkdir()
    for i in range(120):
        names = [f"tied {(i + k) % 120:03d}" for k in range(3)]
        top = [f"top {(i + k) % 20:02d}" for k in range(5)] if i < 20 else []
        (digests / f"d{i:03d}.md").write_text(_digest(i, names + top, names + top, names + top), "utf-8")
    build([digests], folder / "kg", analysis=False, actors=False)
    return KnowledgeGraph(folder / "kg")


@pytest.fixture(scope="module")
def topic_kg(tmp_path_factory):
    """120 articles about artificial intelligence, two or three a week: 360 rows for the topic,
    and the 200th row's date shared by several articles (where a date cut could go wrong)."""
    folder = tmp_path_factory.mktemp("topic")
    digests = folder / "digests"
    digests.mkdir()
    for i in range(120):
        labels = ["artificial intelligence", "machine learning", f"robot {i:03d}"]
        (digests / f"d{i:03d}.md").write_text(_digest(i, labels, labels, ["neural network"]), "utf-8")
    build([digests], folder / "kg", analysis=False, actors=False)
    return KnowledgeGraph(folder / "kg")


@pytest.fixture(scope="module")
def concern_kg(tmp_path_factory):
    """40 articles naming one technology, 3 concerns each with tied relevancies, and titles shared
    by pairs of articles: 120 rows where the first 50 are cut among ties of every sort key."""
    folder = tmp_path_factory.mktemp("concerns")
    digests = folder / "digests"
    digests.mkdir()
    for i in range(40):
        concerns = "\n".join(
            f"| Worry {i}-{k} | A worry about heat pumps, number {k}. | {4 + (i + k) % 2} |" for k in range(3)
        )
        text = _digest(i // 2, ["energy"], ["heating"], ["Heat pump"]).replace(
            "## Technologies",
            "## Concerns\n\n| name | description | relevancy |\n|---|---|---|\n" + concerns + "\n\n## Technologies",
        )
        (digests / f"d{i:03d}.md").write_text(
            text.replace("Source: https://example.org/", f"Source: https://example.org/{i}/"), "utf-8"
        )
    build([digests], folder / "kg", analysis=False, actors=False)
    return KnowledgeGraph(folder / "kg")


PARAMS = {"articles-of-topic": {"topic": "artificial-intelligence"}}
# The tied graph has counts only (no Closest links, one spelling per concept).
CASES = (
    [("real_kg", name) for name in NAMES]
    + [("tied_kg", name) for name in NAMES if name.startswith("top-")]
    + [("topic_kg", "articles-of-topic"), ("concern_kg", "concerns-of-technology")]
)


@pytest.mark.parametrize(("which", "name"), CASES)
def test_fast_named_queries_equal_their_plain_versions(which, name, request):
    kg = request.getfixturevalue(which)
    params = PARAMS.get(name)
    if name == "concerns-of-technology":  # the technology most articles mention
        top = kg.named("top-technologies").records()[0]
        params = {"technology": str(top.get("label") or top["technology"])}
    text, bound = prepare_named(name, params)
    fast = kg.query(text, bound)
    reference = (REFERENCES / f"{name}.rq").read_text("utf-8")
    plain = kg.query(reference, bound)
    assert fast.columns == plain.columns
    assert fast.rows == plain.rows
    if name.startswith("top-"):
        assert len(plain.rows) == 50  # the cut is inside the data, where a floor could go wrong
    elif which == "concern_kg":
        assert len(kg.query(reference.replace("LIMIT 50", ""), bound).rows) == 120 and len(plain.rows) == 50
    elif which == "topic_kg":
        everything = kg.query(reference.replace("LIMIT 200", ""), bound).rows
        assert len(everything) > 200 and len(plain.rows) == 200  # the date cut is inside the data
        cut = plain.rows[-1][plain.columns.index("date")]
        assert sum(r[plain.columns.index("date")] == cut for r in everything) > 1  # and ties there
    else:
        assert plain.rows  # something to compare
