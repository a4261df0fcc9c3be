"""Regenerate the README's two pictures from the project's own data and code.

    python scripts/screenshots.py            # both
    python scripts/screenshots.py --only map

* ``docs/img/graph.png`` — the interactive page of ``graphkit viz`` for ``examples/digests``,
  rendered in headless Chromium (Debian's ``/usr/bin/chromium`` driven by Playwright, as in
  tests/test_browser.py; set ``GRAPHKIT_CHROMIUM`` for another binary) once its layout has
  stabilised, with a signal selected so the details panel shows.
* ``docs/img/weak-signal-map.png`` — ``graphkit signals-map --by theme --period quarter`` drawn by
  :func:`graphkit.timeline.plot.write_png`, for the real corpus (``$GRAPHKIT_CORPUS`` or
  ``../shared/corpus/futures``) when it is there, else for the examples.

Needs ``pip install -e '.[test]'`` (Playwright) and Chromium (``apt-get install chromium``). The
page is opened from a file:// URL and every other request is refused: nothing reaches the network.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
IMG = REPO / "docs" / "img"
EXAMPLES = REPO / "examples" / "digests"
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
VIEWPORT = {"width": 1280, "height": 760}
#: The signal whose details the graph screenshot shows (an examples digest's signal).
SELECTED = "Community microgrids islanding during storms"


def corpus() -> Path:
    """The real corpus when it is there, else the examples."""
    path = Path(os.environ.get("GRAPHKIT_CORPUS") or REPO.parent / "shared" / "corpus" / "futures")
    return path if path.is_dir() and any(path.glob("*.md")) else EXAMPLES


def graph_png(work: Path, output: Path) -> Path:
    from playwright.sync_api import sync_playwright

    from graphkit.build import build
    from graphkit.graph import KnowledgeGraph
    from graphkit.publish.viz import write_html

    build([EXAMPLES], work / "kg-examples")
    page_path = work / "graph.html"
    write_html(KnowledgeGraph(work / "kg-examples"), page_path)
    refused: list[str] = []
    errors: list[str] = []

    def route(r):
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            refused.append(r.request.url)
            r.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=VIEWPORT, device_scale_factor=1)
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.route("**/*", route)
            page.goto(page_path.resolve().as_uri())
            page.wait_for_selector("body[data-stabilized=true]", state="attached", timeout=180_000)
            # Select one signal through the search box: it is focused and its details panel opens.
            box = page.locator("#gk-search-input")
            box.fill(SELECTED)
            box.press("Enter")
            page.locator("#gk-details").wait_for(state="visible")
            box.fill("")  # an empty search box, as a reader would see it
            page.locator("#gk-title").click()
            page.evaluate("graphkit.network.fit({animation: false})")  # the whole graph, not zoomed on one node
            page.wait_for_timeout(300)  # one more frame drawn
            output.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(output))
        finally:
            browser.close()
    if errors or refused:
        raise SystemExit(f"the page had console errors {errors} or tried to reach {refused}")
    return output


def map_png(work: Path, output: Path) -> tuple[Path, Path]:
    from graphkit.build import build
    from graphkit.graph import KnowledgeGraph
    from graphkit.timeline.plot import write_png
    from graphkit.timeline.trends import count_items, load_records, new_items
    from graphkit.timeline.weaksignals import signal_map

    source = corpus()
    build([source], work / "kg-map")
    counts = count_items(load_records(KnowledgeGraph(work / "kg-map")), "theme", "quarter")
    result = signal_map(counts, new_ids={r["id"] for r in new_items(counts)})
    output.parent.mkdir(parents=True, exist_ok=True)
    write_png(result, output, dpi=90)
    return output, source


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["graph", "map"], help="regenerate only one picture")
    parser.add_argument("--out", type=Path, default=IMG, help="folder to write into (default: docs/img)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="graphkit-screenshots-") as tmp:
        work = Path(tmp)
        if args.only in (None, "graph"):
            print(f"wrote {graph_png(work, args.out / 'graph.png')}")
        if args.only in (None, "map"):
            path, source = map_png(work, args.out / "weak-signal-map.png")
            print(f"wrote {path} (digests: {source})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
