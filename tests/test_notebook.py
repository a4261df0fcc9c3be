"""notebooks/walkthrough.ipynb: committed without outputs, written with the library API only, and
run top to bottom in a real Jupyter kernel (nbclient + ipykernel) on the bundled examples and, with
its DIGESTS variable changed, on the real corpus.

The kernel's TMPDIR points into pytest's temporary folder, so the graph and the files the notebook
writes (in ``tempfile.mkdtemp()``) are cleaned up with it and concurrent runs never share a folder.
"""

from __future__ import annotations

import html
import os
import re
import time
from pathlib import Path

import pytest

from graphkit_testutil import EXAMPLES, REPO, corpus_path

nbformat = pytest.importorskip("nbformat", reason="pip install -e '.[test]' installs nbformat")

NOTEBOOK = REPO / "notebooks" / "walkthrough.ipynb"
DIGESTS_LINE = 'DIGESTS = Path("../examples/digests")'
CELL_TIMEOUT_S = 60
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


def _read():
    return nbformat.read(NOTEBOOK, as_version=4)


def _execute(tmp: Path, digests: Path | None = None):
    """Run the notebook in a fresh kernel from the notebooks/ folder; returns (notebook, seconds)."""
    from nbclient import NotebookClient

    nb = _read()
    if digests is not None:
        setup = next(c for c in nb.cells if c.cell_type == "code" and DIGESTS_LINE in c.source)
        setup.source = setup.source.replace(DIGESTS_LINE, f"DIGESTS = Path({str(digests)!r})")
    tmp.mkdir(parents=True, exist_ok=True)
    client = NotebookClient(
        nb, timeout=CELL_TIMEOUT_S, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    )
    start = time.perf_counter()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TMPDIR", str(tmp))  # tempfile.mkdtemp() in the kernel lands here
        client.execute()  # raises CellExecutionError, with the cell and traceback, if any cell fails
    return nb, time.perf_counter() - start


class Run:
    """An executed notebook, its outputs by cell id, and the WORK folder it wrote into."""

    def __init__(self, nb, seconds: float):
        self.nb, self.seconds = nb, seconds
        self.cells = {c.id: c for c in nb.cells}
        match = re.search(r"graph folder: (.+)", self.stdout("setup"))
        self.work = Path(match[1].strip()).parent

    def outputs(self, cell_id: str) -> list:
        return self.cells[cell_id].outputs

    def stdout(self, cell_id: str) -> str:
        return "".join(o.text for o in self.outputs(cell_id) if o.output_type == "stream" and o.name == "stdout")

    def data(self, cell_id: str, mime: str) -> list[str]:
        return [
            o.data[mime]
            for o in self.outputs(cell_id)
            if o.output_type in ("execute_result", "display_data") and mime in o.data
        ]

    def tables(self, cell_id: str) -> list[str]:
        """The pandas tables (HTML) a cell shows."""
        return [h for h in self.data(cell_id, "text/html") if "<table" in h and 'class="dataframe' in h]


@pytest.fixture(scope="module")
def examples_run(tmp_path_factory):
    return Run(*_execute(tmp_path_factory.mktemp("notebook-examples")))


# -- the committed file ---------------------------------------------------------------------------


def test_committed_notebook_has_no_outputs():
    nb = _read()
    nbformat.validate(nb)
    dirty = [c.id for c in nb.cells if c.cell_type == "code" and (c.outputs or c.execution_count is not None)]
    assert not dirty, (
        f"cells {dirty} of {NOTEBOOK.name} have outputs or execution counts; clear them before "
        "committing (JupyterLab: Edit > Clear Outputs of All Cells, then save; or "
        "jupyter nbconvert --clear-output --inplace notebooks/walkthrough.ipynb)"
    )
    assert "widgets" not in nb.metadata, "saved widget state is output too: clear it"
    assert nb.metadata.kernelspec.name == "python3"


def test_notebook_uses_the_library_api_not_the_shell():
    nb = _read()
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    shell = [
        line
        for src in code
        for line in src.splitlines()
        if re.match(r"\s*(!|%%?(sh|bash|system|sx|script)\b)", line)
        or re.search(r"\b(subprocess|os\.system|os\.popen|graphkit\.cli)\b", line)
    ]
    assert shell == [], f"the walkthrough documents the Python API; no shell calls: {shell}"
    first = next(src for src in code if "DIGESTS" in src)
    assert DIGESTS_LINE in first, "the first code cell sets DIGESTS, the one variable to change"
    assert (NOTEBOOK.parent / "../examples/digests").resolve() == EXAMPLES.resolve()
    used = "\n".join(code)
    for api in (
        "build(",
        "KnowledgeGraph(",
        ".query(",
        ".named(",
        ".analysis()",
        "describe(",
        "load_index(",
        "extract_paths(",
        "rank_actors(",
        "write_html(",
        "count_items(",
        "signal_map(",
        "write_png(",
        ".export(",
        ".export_network(",
        ".to_rdflib()",
    ):
        assert api in used, f"the walkthrough should show {api}"


# -- run on the examples --------------------------------------------------------------------------


def test_runs_on_the_examples_without_errors_or_warnings(examples_run):
    print(f"walkthrough executed in {examples_run.seconds:.1f} s")
    for cell in examples_run.nb.cells:
        if cell.cell_type != "code":
            continue
        assert cell.execution_count is not None, f"cell {cell.id} did not run"
        kinds = [o.output_type for o in cell.outputs]
        assert "error" not in kinds, cell.id
        stderr = [o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stderr"]
        assert stderr == [], f"cell {cell.id} wrote to stderr (a warning a newcomer would see): {stderr}"


def test_build_and_stats_cells_report_the_examples(examples_run):
    n = len(list(EXAMPLES.glob("*.md")))
    assert f"{n} digests read, 0 skipped" in examples_run.stdout("build")
    assert "no-op = True" in examples_run.stdout("rebuild")
    stats = examples_run.tables("stats")[0]
    for entity in ("article", "theme", "signal", "actor"):
        assert f"<th>{entity}</th>" in stats


def test_sparql_results_are_pandas_tables(examples_run):
    top = examples_run.tables("top-themes")[0]
    assert "AI governance" in top  # the examples' most frequent theme (3 articles)
    signals = examples_run.tables("signals-of-theme")[0]
    assert "theme: AI governance" in examples_run.stdout("signals-of-theme")
    assert "Public synthetic datasets" in signals
    per_article = examples_run.tables("adhoc")[0]
    assert per_article.count("<tr>") == len(list(EXAMPLES.glob("*.md")))  # one body row per article
    assert "top-themes" in examples_run.tables("queries-list")[0]


def test_rank_clusters_related_and_actors_show_results(examples_run):
    assert "AI governance" in examples_run.tables("rank")[0]
    actors, _bridges = examples_run.tables("rank-actors")
    assert "European Commission" in actors
    assert "communities, modularity" in examples_run.stdout("clusters")
    assert examples_run.tables("clusters")[0].count("<tr>") >= 3
    for cell in ("related-signal", "related-text", "related-theme"):
        table = examples_run.tables(cell)[0]
        assert table.count("<tr>") >= 1, f"{cell}: no related item found"
    assert "Data Privacy" in examples_run.tables("related-theme")[0]
    assert "Cooperative ownership of energy assets" in examples_run.tables("related-text")[0]
    assert "person" in examples_run.tables("actors-extract")[0]
    assert "European Commission" in examples_run.tables("actors-rank")[0]


def test_interactive_graph_is_inlined_in_the_notebook(examples_run):
    (page,) = [h for h in examples_run.data("viz", "text/html") if "<iframe" in h]
    srcdoc = html.unescape(re.search(r'srcdoc="([^"]*)"', page)[1])
    assert srcdoc == (examples_run.work / "graph.html").read_text("utf-8")
    assert '<meta http-equiv="Content-Security-Policy" content="default-src &#x27;none&#x27;' in srcdoc  # offline page
    assert re.search(r"(\d+) of \d+ nodes", examples_run.stdout("viz"))


def test_plots_are_inline_images(examples_run):
    assert examples_run.data("trends-plot", "image/png"), "trend chart not drawn inline"
    assert examples_run.data("signals-map", "image/png"), "weak-signal map not shown"
    assert (examples_run.work / "weak-signal-map.png").stat().st_size > 10_000
    weak = examples_run.tables("signals-map")[0]
    assert "weak" in weak and "latent" in weak
    assert "change = share of articles" in examples_run.stdout("trends")


def test_exports_are_written_and_readable(examples_run):
    import rdflib

    for name in ("kg.ttl", "kg.jsonld", "kg.gexf", "kg.graphml"):
        assert (examples_run.work / name).stat().st_size > 1000, name
    triples = int(re.search(r"'triples': (\d+)", examples_run.stdout("stats"))[1])
    assert len(rdflib.Graph().parse(examples_run.work / "kg.ttl", format="turtle")) == triples
    assert f"rdflib Dataset: {triples:,} triples" in examples_run.stdout("export-read")
    assert "headline:" in examples_run.stdout("export-read")


def test_inline_graph_renders_offline_in_chromium(examples_run):
    """The notebook's HTML output, opened in headless Chromium: the sandboxed srcdoc frame lays
    out and draws the graph with no console error and no request leaving the page."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None or not os.access(CHROMIUM, os.X_OK):
        message = "needs the playwright package and Chromium at " + CHROMIUM
        if os.environ.get("CI"):
            pytest.fail(message + "; CI must run it (.ci/run installs Chromium)", pytrace=False)
        pytest.skip(message)
    (page_html,) = [h for h in examples_run.data("viz", "text/html") if "<iframe" in h]
    nodes = int(re.search(r"(\d+) of \d+ nodes", examples_run.stdout("viz"))[1])
    host = examples_run.work / "notebook-output.html"
    host.write_text(f"<!DOCTYPE html><html><body>{page_html}</body></html>", "utf-8")
    errors, outside = [], []

    def route(r):
        if r.request.url.startswith(("file:", "data:", "about:")):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.route("**/*", route)
            page.goto(host.as_uri())
            frame = next(f for f in page.frames if f.url == "about:srcdoc")
            frame.wait_for_selector("body[data-stabilized=true]", state="attached", timeout=120_000)
            assert frame.evaluate("graphkit.network.body.nodeIndices.length") == nodes
            assert frame.evaluate("graphkit.network.physics.options.enabled") is False
        finally:
            browser.close()
    assert errors == [] and outside == [], (errors, outside)


# -- run on another folder ------------------------------------------------------------------------


def test_runs_on_another_folder_by_changing_digests(tmp_path):
    corpus = corpus_path()
    nb, seconds = _execute(tmp_path / "tmp", digests=corpus)
    run = Run(nb, seconds)
    print(f"walkthrough on {corpus} executed in {seconds:.1f} s")
    read, skipped = map(int, re.search(r"(\d+) digests read, (\d+) skipped", run.stdout("build")).groups())
    assert read > 0 and read + skipped == len(list(corpus.rglob("*.md")))
    assert str(corpus) in run.stdout("setup")
    assert run.data("signals-map", "image/png") and run.tables("rank") and run.tables("related-signal")
