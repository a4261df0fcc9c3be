"""The README's pictures and links, and the Python examples of docs/other-tools.md, are true."""

from __future__ import annotations

import re
import struct
from pathlib import Path

import pytest

from graphkit.build import build
from graphkit.graph import KnowledgeGraph
from graphkit_testutil import EXAMPLES, REPO

README = REPO / "README.md"
OTHER_TOOLS = REPO / "docs" / "other-tools.md"
#: Blocks that need a running `graphkit serve` say so on their first line.
NEEDS_SERVER = "graphkit serve"


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def _links(md: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", md.read_text("utf-8"), flags=re.S)  # not inside code blocks
    return re.findall(r"\]\(([^)\s]+)\)", text)


def test_readme_shows_the_two_generated_pictures():
    pictures = [link for link in _links(README) if link.endswith(".png")]
    assert "docs/img/graph.png" in pictures and "docs/img/weak-signal-map.png" in pictures
    for link in pictures:
        width, height = _png_size(REPO / link)
        assert width >= 800 and height >= 400, f"{link}: {width}x{height} is too small to read"


@pytest.mark.parametrize("md", [README, OTHER_TOOLS, REPO / "docs" / "cli.md"], ids=lambda p: p.name)
def test_relative_links_resolve(md):
    broken = []
    for link in _links(md):
        if re.match(r"^[a-z]+:", link) or link.startswith("#"):
            continue
        target = (md.parent / link.split("#")[0]).resolve()
        if not target.exists():
            broken.append(link)
    assert broken == [], f"{md.name} links to missing files: {broken}"


def test_other_tools_python_examples_run(tmp_path, monkeypatch, capsys):
    blocks = re.findall(r"```python\n(.*?)```", OTHER_TOOLS.read_text("utf-8"), re.S)
    runnable = [b for b in blocks if NEEDS_SERVER not in b.splitlines()[0]]
    assert len(runnable) >= 2
    build([EXAMPLES], tmp_path / "kg")
    KnowledgeGraph(tmp_path / "kg").export("jsonld", tmp_path / "kg.jsonld")
    monkeypatch.chdir(tmp_path)
    for block in runnable:
        exec(compile(block, str(OTHER_TOOLS), "exec"), {"__name__": "__docs__"})
    out = capsys.readouterr().out
    assert "Banks Race to Quantum-Safe Cryptography" in out  # the JSON-LD example lists the articles
    assert re.search(r"^\d+ triples in \d+ graphs$", out, re.M)  # the rdflib example
    assert re.search(r"^5 ", out, re.M)  # … and its most relevant signals


def test_readme_mapping_example_reads_other_section_and_column_names(tmp_path):
    """The README's YAML, merged into a copy of the shipped mapping as it says, reads a digest whose
    themes, concerns and driving-force column have other names; the default mapping does not."""
    import yaml

    snippet = re.search(r"```yaml\n(.*?)```", README.read_text("utf-8"), re.S)[1]
    own = yaml.safe_load("\n".join(line[3:] for line in snippet.splitlines()))  # the list's indent
    mapping = yaml.safe_load((REPO / "graphkit" / "ingest" / "mapping.yaml").read_text("utf-8"))
    for part in ("sections", "columns"):
        mapping[part].update(own[part])
    (tmp_path / "my-mapping.yaml").write_text(yaml.safe_dump(mapping, allow_unicode=True), "utf-8")
    text = (EXAMPLES / "417749ba09bf78f438f310e89f8afce6.md").read_text("utf-8")
    renamed = (
        text.replace("## Themes", "## Subjects")
        .replace("## Concerns", "## Threats")
        .replace("| driving-force ", "| Cause         ")
    )
    assert renamed.count("Subjects") == renamed.count("Threats") == renamed.count("Cause") == 1
    (tmp_path / "digests").mkdir()
    (tmp_path / "digests" / "renamed.md").write_text(renamed, "utf-8")
    count = """SELECT (COUNT(DISTINCT ?t) AS ?themes) (COUNT(DISTINCT ?c) AS ?concerns) (COUNT(DISTINCT ?d) AS ?forces)
               WHERE { ?a a schema:NewsArticle .
                       OPTIONAL { ?a schema:about ?t } OPTIONAL { ?a gk:hasConcern ?c }
                       OPTIONAL { ?a gk:hasSignal/gk:drivingForce ?d } }"""
    build([tmp_path / "digests"], tmp_path / "kg-default")
    assert KnowledgeGraph(tmp_path / "kg-default").query(count).rows == [[0, 0, 0]]
    build([tmp_path / "digests"], tmp_path / "kg", mapping=tmp_path / "my-mapping.yaml")
    themes, concerns, forces = KnowledgeGraph(tmp_path / "kg").query(count).rows[0]
    assert themes >= 3 and concerns == 4 and forces == 5
