"""Named queries rewritten for speed (issue 15) return exactly what their plain versions return.

``tests/data/reference_queries/NAME.rq`` is the straightforward query (rank everything, keep the
first rows); the shipped ``NAME.rq`` narrows what Oxigraph must sort or join first (the 50th
highest count, the first 50 sources, the 50th or 200th row's date, a lookup per row instead of a
join, or each side of a join in a sub-select so that Oxigraph joins them in a hash table).
Both run on the real corpus and on crafted graphs whose rows tie at the cut (the case a floor
or a date cut gets wrong if it is off by one).
"""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

import pytest

from graphkit.build import build
from graphkit.graph import KnowledgeGraph, prepare_named
from graphkit.store.queries import get_query
from graphkit_testutil import corpus_path

REFERENCES = Path(__file__).parent / "data" / "reference_queries"
NAMES = sorted(p.stem for p in REFERENCES.glob("*.rq"))


@pytest.fixture(scope="module")
def real_kg(tmp_path_factory):
    out = tmp_path_factory.mktemp("named") / "kg"
    build([corpus_path(), corpus_path().parent / "closest"], out, analysis=False)
    return KnowledgeGraph(out)


def _digest(i: int, themes: list[str], keywords: list[str], techs: list[str]) -> str:
    """A digest on the weekly page of week ``i % 50`` of 2024 (its page date, schema:datePublished)."""
    rows = "\n".join(f"| {t} | a use | 3 |" for t in techs)
    page = (_dt.date(2024, 1, 1) + _dt.timedelta(weeks=i % 50)).strftime("%Y%m%d")
    return (
        f"# __Article {i}__, (from page [{page}](https://example.substack.com/p/{page}).)\n\n"
        f"__[External link](https://example.org/{i})__\n\n"
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
            text.replace("https://example.org/", f"https://example.org/{i}/"), "utf-8"
        )
    build([digests], folder / "kg", analysis=False, actors=False)
    return KnowledgeGraph(folder / "kg")


@pytest.fixture(scope="module")
def signal_kg(tmp_path_factory):
    """40 articles, two a week, each with three five-star signals and one rated 4, four of them
    undated (no weekly page): 120 five-star rows, and the 50th newest shares its date with five
    others."""
    folder = tmp_path_factory.mktemp("signals")
    digests = folder / "digests"
    digests.mkdir()
    for i in range(40):
        signals = "\n".join(f"| Signal {i}-{k} | Something new, number {k}. | {5 if k < 3 else 4} |" for k in range(4))
        text = _digest(i // 2, ["energy"], ["heating"], ["Heat pump"]).replace(
            "## Technologies",
            "## Signals\n\n| name | description | relevancy |\n|---|---|---|\n" + signals + "\n\n## Technologies",
        )
        text = text.replace("https://example.org/", f"https://example.org/{i}/")
        if i % 10 == 9:  # no page date
            text = re.sub(r", \(from page .*\)", "", text, count=1)
        (digests / f"d{i:03d}.md").write_text(text, "utf-8")
    build([digests], folder / "kg", analysis=False, actors=False)
    return KnowledgeGraph(folder / "kg")


PARAMS = {"articles-of-topic": {"topic": "artificial-intelligence"}}
# The tied graph has counts only (no Closest links, one spelling per concept).
CASES = (
    [("real_kg", name) for name in NAMES]
    + [("tied_kg", name) for name in NAMES if name.startswith("top-")]
    + [("topic_kg", "articles-of-topic"), ("concern_kg", "concerns-of-technology")]
    + [("signal_kg", "high-relevancy-signals"), ("signal_kg", "undated-articles")]
)


@pytest.mark.parametrize(("which", "name"), CASES)
def test_fast_named_queries_equal_their_plain_versions(which, name, request):
    kg = request.getfixturevalue(which)
    params = PARAMS.get(name)
    if name == "concerns-of-technology":  # the technology most articles mention
        top = kg.named("top-technologies").records()[0]
        params = {"technology": str(top.get("label") or top["technology"])}
    if "theme" in get_query(name).params:  # the theme most articles are about
        top = kg.named("top-themes").records()[0]
        params = {"theme": str(top.get("label") or top["theme"])}
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
    elif name == "organisations-of-theme":
        assert len(plain.rows) > 5  # several organisations, ranked
    elif which == "signal_kg" and name == "undated-articles":
        assert len(plain.rows) == 4 and {r[plain.columns.index("page")] for r in plain.rows} == {None}
    elif which == "signal_kg":
        everything = kg.query(reference.replace("LIMIT 50", ""), bound).rows
        assert len(everything) == 120 and len(plain.rows) == 50  # the date cut is inside the data
        date = plain.columns.index("date")
        assert sum(r[date] == plain.rows[-1][date] for r in everything) > 1  # and ties there
        assert any(r[date] is None for r in everything)  # undated rows, which sort last
    else:
        assert plain.rows  # something to compare


def test_result_cells_become_python_values(real_kg):
    """Each cell of a result is converted by type and datatype: IRIs and strings as str, numbers
    as int or float (an ill-formed number stays a string), booleans as bool, blank nodes as _:id."""
    from pyoxigraph import BlankNode, Literal, NamedNode

    from graphkit.graph import term_value

    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert term_value(NamedNode("https://example.org/a")) == "https://example.org/a"
    assert term_value(Literal("théorie")) == "théorie" and term_value(Literal("x", language="fr")) == "x"
    assert term_value(Literal("42", datatype=NamedNode(xsd + "integer"))) == 42
    assert term_value(Literal("7", datatype=NamedNode(xsd + "nonNegativeInteger"))) == 7
    assert term_value(Literal("1.5", datatype=NamedNode(xsd + "decimal"))) == 1.5
    assert term_value(Literal("2.5E0", datatype=NamedNode(xsd + "double"))) == 2.5
    assert term_value(Literal("many", datatype=NamedNode(xsd + "integer"))) == "many"
    assert term_value(Literal("true", datatype=NamedNode(xsd + "boolean"))) is True
    assert term_value(Literal("2024-01-01", datatype=NamedNode(xsd + "date"))) == "2024-01-01"
    assert term_value(BlankNode("b1")) == "_:b1" and term_value(None) is None
    rows = real_kg.query("SELECT ?a ?d WHERE { ?a a schema:NewsArticle ; schema:datePublished ?d } LIMIT 1").records()
    assert isinstance(rows[0]["a"], str) and rows[0]["a"].startswith("http")
    counted = real_kg.query("SELECT (COUNT(*) AS ?n) WHERE { ?a a schema:NewsArticle }").records()
    assert isinstance(counted[0]["n"], int) and counted[0]["n"] > 100
