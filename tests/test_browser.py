"""graphkit viz pages in a real browser: Debian's Chromium, headless, driven by Playwright.

No browser is downloaded: Playwright launches /usr/bin/chromium (``.ci/run`` installs it with
apt-get; set ``GRAPHKIT_CHROMIUM`` to use another binary). Without Chromium or the playwright
package these tests skip on a developer's machine and fail in CI (``CI`` set).

Every page is opened from a file:// URL with every request intercepted: anything that is not
file: or data: is recorded and aborted, and the test fails on it.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphkit.build import build
from graphkit.cli import main
from graphkit_testutil import EXAMPLES, REPO, corpus_path

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
XSS = REPO / "tests" / "data" / "xss"
STABILISE_TIMEOUT_MS = 180_000


def _require_browser():
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package (pip install -e '.[test]')")
    if not os.access(CHROMIUM, os.X_OK):
        missing.append(f"Chromium at {CHROMIUM} (apt-get install chromium, or set GRAPHKIT_CHROMIUM)")
    if missing:
        message = "browser tests need " + " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message + "; CI must run them (.ci/run installs Chromium)", pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="module")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """Graphs of the examples, the shared corpus and the hostile digest, and their pages."""
    root = tmp_path_factory.mktemp("browser")
    runner = CliRunner()

    def page(store, name, *args):
        out = root / name
        result = runner.invoke(main, ["viz", "--store", str(store), "-o", str(out), "--json", *map(str, args)])
        assert result.exit_code == 0, result.output
        return out, json.loads(result.stdout)

    build([EXAMPLES], root / "kg-examples")
    build([corpus_path()], root / "kg-corpus")
    build([XSS], root / "kg-xss")
    return {
        "root": root,
        "examples": page(root / "kg-examples", "examples.html"),
        "corpus": page(root / "kg-corpus", "corpus.html"),
        "corpus-2000": page(root / "kg-corpus", "corpus-2000.html", "--top", 2000, "--color-by", "community"),
        "around": page(
            root / "kg-examples",
            "around.html",
            "--around",
            "AI governance",
            "--depth",
            2,
            "--sparql-url",
            "http://127.0.0.1:7878/",
        ),
        "xss": page(root / "kg-xss", "xss.html", "--top", 0),
    }


class Opened:
    """A page loaded from a file, with its console errors and the requests that tried to leave."""

    def __init__(self, browser, path: Path, *, bypass_csp: bool = False):
        self.context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=bypass_csp)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page.on(
            "console", lambda m: self.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None
        )
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.route("**/*", self._route)
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_selector("body[data-stabilized=true]", state="attached", timeout=STABILISE_TIMEOUT_MS)

    def _route(self, route):
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def node_point(self, node_id: int) -> dict | None:
        """Page coordinates of a node that is the one under its own centre, or None."""
        point = self.js("id => graphkit.network.canvasToDOM(graphkit.network.getPosition(id))", node_id)
        if self.js("p => graphkit.network.getNodeAt(p)", point) != node_id:
            return None
        box = self.page.locator("#gk-graph").bounding_box()
        return {"x": box["x"] + point["x"], "y": box["y"] + point["y"]}

    def assert_clean(self):
        assert self.errors == [], self.errors
        assert self.outside == [], f"requests left the page: {self.outside}"

    def close(self):
        self.context.close()


@pytest.fixture
def opened(browser):
    pages_opened = []

    def open_(path, **kwargs):
        o = Opened(browser, path, **kwargs)
        pages_opened.append(o)
        return o

    yield open_
    for o in pages_opened:
        o.close()


def _drawn(o: Opened) -> int:
    """Nodes in the vis.js network: its data set, and the nodes it lays out and draws."""
    data_count = o.js("graphkit.network.body.data.nodes.length")
    drawn = o.js("graphkit.network.body.nodeIndices.length")
    assert data_count == drawn
    return drawn


def _painted_pixels(o: Opened) -> int:
    """Non-white pixels on the network canvas: the graph was actually drawn."""
    return o.js("""() => {
        const c = document.querySelector('#gk-graph canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240)) n++;
        return n;
    }""")


def _search(o: Opened, text: str) -> None:
    box = o.page.locator("#gk-search-input")
    box.fill(text)
    box.press("Enter")


@pytest.mark.parametrize("name", ["examples", "corpus", "around"])
def test_page_draws_expected_nodes_offline(opened, pages, name):
    path, summary = pages[name]
    o = opened(path)
    assert _drawn(o) == summary["nodes"] > 0
    assert o.js("graphkit.edges.length") == summary["edges"]
    assert _painted_pixels(o) > 1000
    assert o.js("graphkit.network.physics.options.enabled") is False  # stopped after stabilising
    notice = o.page.locator("#gk-notice").inner_text()
    assert f"{summary['nodes']:,}" in notice
    if summary["capped"]:
        assert "--top" in notice
    o.assert_clean()


def test_search_focuses_a_node_and_click_opens_details(opened, pages):
    path, _ = pages["examples"]
    o = opened(path)
    nodes = o.js("graphkit.data.nodes")
    target = next(n for n in nodes if n["type"] == "signal")
    _search(o, target["label"].upper())
    assert o.js("graphkit.focused") == target["id"]
    assert o.js("graphkit.network.getSelectedNodes()") == [target["id"]]
    assert o.page.locator("#gk-details").is_visible()
    assert o.page.locator("#gk-details .gk-node-title").inner_text() == target["label"]
    # the node is now in the middle of the view
    view = o.js("graphkit.network.getViewPosition()")
    pos = o.js("id => graphkit.network.getPosition(id)", target["id"])
    assert abs(view["x"] - pos["x"]) < 1 and abs(view["y"] - pos["y"]) < 1
    # a partial name lists the matches
    o.page.locator("#gk-search-input").fill(target["label"][:6].lower())
    assert o.page.locator("#gk-search-results li").count() >= 1
    o.page.locator("#gk-title").click()  # a click elsewhere closes the list
    assert o.page.locator("#gk-search-results li").count() == 0

    # click an article on the canvas: title, date, source link, neighbours by type
    o.js("graphkit.network.unselectAll(); graphkit.network.fit()")
    o.page.locator("#gk-details-close").click()
    assert not o.page.locator("#gk-details").is_visible()
    article, point = next((n, p) for n in nodes if n["type"] == "article" for p in [o.node_point(n["id"])] if p)
    o.page.mouse.move(point["x"], point["y"])
    o.page.wait_for_selector("div.vis-tooltip", state="visible")
    assert article["label"] in o.page.locator("div.vis-tooltip").inner_text()
    o.page.mouse.click(point["x"], point["y"])
    details = o.page.locator("#gk-details")
    assert details.is_visible()
    text = details.inner_text()
    assert article["label"] in text and article["date"] in text
    link = details.locator("a")
    assert link.get_attribute("href") == article["facts"]["url"] and link.get_attribute("href").startswith("https://")
    assert re.search(r"theme — \d+ shown of \d+", text) and re.search(r"signal — \d+ shown of \d+", text)
    # a neighbour in the panel takes you to it
    details.locator("button.gk-link").first.click()
    assert o.js("graphkit.focused") != article["id"]
    o.assert_clean()


def test_signal_details_and_type_filter(opened, pages):
    path, _ = pages["examples"]
    o = opened(path)
    signal = next(
        n
        for n in o.js("graphkit.data.nodes")
        if n["type"] == "signal" and len(n.get("facts", {})) == 4 and "relevancy" in n
    )
    o.js("id => graphkit.focusNode(id)", signal["id"])
    text = o.page.locator("#gk-details").inner_text()
    for label, key in (
        ("Description", "description"),
        ("Change", "change"),
        ("10-year horizon", "horizon"),
        ("Driving force", "driving_force"),
    ):
        assert label in text and signal["facts"][key] in text
    assert f"{signal['relevancy']} / 5" in text
    # hide the keywords from the filter list; they are still in the data, not drawn
    keywords = o.js("graphkit.data.nodes.filter(n => n.type === 'keyword').length")
    o.page.locator("#gk-filter-keyword").uncheck()
    assert o.js("graphkit.network.body.nodeIndices.length") == _drawn_total(o) - keywords
    o.page.locator("#gk-filter-keyword").check()
    assert o.js("graphkit.network.body.nodeIndices.length") == _drawn_total(o)
    o.assert_clean()


def _drawn_total(o: Opened) -> int:
    return o.js("graphkit.data.nodes.length")


def test_large_page_stabilises_then_stops(opened, pages, capsys):
    path, summary = pages["corpus-2000"]
    assert summary["nodes"] == 2000
    o = opened(path)
    assert _drawn(o) == 2000
    ms = o.js("graphkit.stabilizationMs")
    assert o.js("graphkit.network.physics.options.enabled") is False
    # the community legend names the communities
    assert o.page.locator("#gk-legend-list li").count() >= 2
    o.assert_clean()
    with capsys.disabled():
        print(f"\n2,000-node page stabilised in {ms / 1000:.1f} s ({path.stat().st_size:,} bytes)")


def test_screenshot_of_the_shared_corpus(opened, pages, capsys):
    path, summary = pages["corpus"]
    o = opened(path)
    o.js("graphkit.network.fit()")
    shot = Path(os.environ.get("GRAPHKIT_SCREENSHOT_DIR") or pages["root"]) / "corpus-graph.png"
    o.page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000
    o.assert_clean()
    with capsys.disabled():
        print(f"\nscreenshot of the shared-corpus graph ({summary['nodes']} of {summary['total_nodes']} nodes): {shot}")


def test_header_links_to_the_sparql_endpoint_without_loading_it(opened, pages):
    o = opened(pages["around"][0])
    link = o.page.locator("#gk-sparql")
    assert link.get_attribute("href") == "http://127.0.0.1:7878/" and link.inner_text() == "http://127.0.0.1:7878/"
    o.assert_clean()  # shown, not fetched: no request left the page
    plain = opened(pages["examples"][0])
    assert plain.page.locator("#gk-sparql").count() == 0


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "escaping-alone"])
def test_hostile_digest_runs_nothing(opened, pages, bypass_csp):
    """The digest's title, keywords, themes, signal and table cells carry <script>, <img onerror>,
    quotes and a javascript: link. Without the page's CSP too (escaping alone must hold)."""
    path, summary = pages["xss"]
    o = opened(path, bypass_csp=bypass_csp)
    assert _drawn(o) == summary["nodes"]
    nodes = o.js("graphkit.data.nodes")
    hostile = [n for n in nodes if "<" in n["label"] or '"' in n["label"]]
    assert {n["type"] for n in hostile} >= {"article", "keyword", "theme", "signal"}
    for n in nodes:  # every tooltip and details panel gets rendered
        o.js("id => graphkit.focusNode(id)", n["id"])
        assert o.page.locator("#gk-details .gk-node-title").inner_text() == n["label"]
        point = o.node_point(n["id"])
        if point:
            o.page.mouse.move(point["x"], point["y"])
            o.page.mouse.click(point["x"], point["y"])
    _search(o, '<img src=x onerror="window.__pwned=10">')
    o.page.locator("#gk-search-input").fill("<script>")
    assert o.page.locator("#gk-search-results li").count() >= 3
    o.page.wait_for_timeout(300)
    assert o.js("typeof window.__pwned") == "undefined"
    # no element came out of the data: only the page's own three scripts, no img/iframe/svg/…
    assert o.js("document.scripts.length") == 3
    assert o.js("document.querySelectorAll('img, iframe, svg, details, b, i, object, embed').length") == 0
    assert o.js("document.querySelectorAll('a[href^=\"javascript\" i]').length") == 0
    article = next(n for n in nodes if n["type"] == "article")
    o.js("id => graphkit.focusNode(id)", article["id"])
    assert "javascript:window.__pwned=3" in o.page.locator("#gk-details").inner_text()  # shown as text, not a link
    o.assert_clean()
