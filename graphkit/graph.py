"""Read access to a built graph: SPARQL, exports, statistics, and the raw rdflib graph.

::

    kg = KnowledgeGraph("kg")
    kg.query("SELECT (COUNT(*) AS ?n) WHERE { ?a a schema:NewsArticle }").rows   # [[8]]
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from graphkit.core.namespaces import GKD, PREFIXES, XSD
from graphkit.core.normalize import label_key
from graphkit.core.ntriples import with_graph
from graphkit.store.folder import GraphFolder, atomic_output, atomic_write, default_store_path, open_store
from graphkit.store.queries import get_query

#: Export formats: CLI name -> (pyoxigraph format attribute, keeps named graphs, file suffix).
EXPORT_FORMATS = {
    "ttl": ("TURTLE", False, ".ttl"),
    "nt": ("N_TRIPLES", False, ".nt"),
    "nq": ("N_QUADS", True, ".nq"),
    "trig": ("TRIG", True, ".trig"),
    "jsonld": ("JSON_LD", False, ".jsonld"),
}
_INTEGER_TYPES = {XSD.integer, XSD.int, XSD.long, XSD.nonNegativeInteger, XSD.positiveInteger, XSD.short}
_FLOAT_TYPES = {XSD.double, XSD.float, XSD.decimal}


#: Parameters of named queries that name a merged concept and are matched on its ``gk:key``.
CONCEPT_PARAMS = {"theme", "keyword", "technology", "category"}


class QueryError(Exception):
    """A query that cannot run: syntax error, unknown named query, missing parameter."""


@dataclass
class QueryResult:
    """A SPARQL result as plain Python data.

    ``kind`` is ``"select"`` (``columns`` and ``rows``), ``"ask"`` (``boolean``) or ``"graph"``
    (``data``: N-Triples bytes of a CONSTRUCT or DESCRIBE).
    """

    kind: str
    columns: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    boolean: bool | None = None
    data: bytes = b""

    def records(self) -> list[dict]:
        return [dict(zip(self.columns, row)) for row in self.rows]


_XSD_STRING = str(XSD.string)
_XSD_BOOLEAN = str(XSD.boolean)
_INTEGER_NAMES = frozenset(map(str, _INTEGER_TYPES))
_FLOAT_NAMES = frozenset(map(str, _FLOAT_TYPES))


def term_value(term):
    """A pyoxigraph term as a Python value: IRIs and strings as str, numbers as int/float.

    Called once per cell of every result (13,000 rows of four cells in ``themes-per-quarter`` at
    10,000 digests), so it compares plain strings and types, not rdflib terms.
    """
    if term is None:
        return None
    kind = type(term).__name__
    if kind == "NamedNode":
        return term.value
    if kind == "Literal":
        dt = term.datatype.value
        if dt == _XSD_STRING:
            return term.value
        try:
            if dt in _INTEGER_NAMES:
                return int(term.value)
            if dt in _FLOAT_NAMES:
                return float(term.value)
        except ValueError:
            return term.value
        if dt == _XSD_BOOLEAN:
            return term.value == "true"
        return term.value
    if kind == "BlankNode":
        return f"_:{term.value}"
    return term.value


def prepare_named(name: str, params: dict[str, str] | None) -> tuple[str, dict[str, str]]:
    """The text of a named query and its checked parameters; :class:`QueryError` says what is wrong.

    Concept parameters (``theme``, ``keyword``…) are matched on the normalised key (``gk:key``):
    any surface form works and the lookup is an index hit instead of a filter over every label.
    """
    try:
        q = get_query(name)
    except KeyError as exc:
        raise QueryError(exc.args[0]) from None
    bound = dict(params or {})
    unknown = sorted(set(bound) - set(q.params))
    if unknown:
        raise QueryError(f"query {name!r} has no parameter {unknown[0]!r}; it takes: {', '.join(q.params) or 'none'}")
    missing = [p for p in q.params if p not in bound]
    if missing:
        raise QueryError(f"query {name!r} needs --param {missing[0]}=VALUE ({q.params[missing[0]]})")
    for key in q.params:
        if key in CONCEPT_PARAMS:
            bound[key] = label_key(bound[key])
        elif key == "topic":
            bound[key] = topic_id(bound[key])
    return q.text, bound


def topic_id(value: str) -> str:
    """The id of the topic a label names: an id is kept, a label or alias of the shipped scheme
    (English or French, any case or plural) gives its topic's id.

    >>> topic_id("intelligence artificielle"), topic_id("artificial-intelligence")
    ('artificial-intelligence', 'artificial-intelligence')
    """
    import re

    value = value.strip()
    if re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", value):
        return value
    from graphkit.extract.topics import load_topics, topic_key

    hit = load_topics().keys.get(topic_key(value))
    return hit[0] if hit is not None and hit[1] != "example" else value


class KnowledgeGraph:
    """A built graph folder, opened read-only.

    Parameters
    ----------
    path : path, optional
        The graph folder (default ``$GRAPHKIT_STORE`` or ``./kg``).
    """

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path or default_store_path())
        self.store = open_store(self.path)  # the raw pyoxigraph.Store, for anything not wrapped here

    # -- SPARQL ---------------------------------------------------------------------------------

    def graphs_within(self, since=None, until=None) -> list[str]:
        """Named graphs of the digests dated within ``[since, until]`` (``datetime.date``s, either
        may be None), plus the graphs every digest shares (concepts, ontology, analysis).

        Digests with no valid page date are left out, as they cannot be placed in a period.
        """
        from graphkit.core.iris import graph_iri
        from graphkit.store.files import shared_graphs
        from graphkit.timeline.periods import within

        manifest = GraphFolder(self.path).manifest() or {}
        base = manifest.get("settings", {}).get("base") or GKD
        graphs = list(shared_graphs(base).values())
        for did, entry in sorted(manifest.get("digests", {}).items()):
            date = (entry.get("page") or [None, None, None, None])[3]
            if date and within(date, since, until):
                graphs.append(graph_iri(did, base))
        return graphs

    def query(
        self, sparql: str, params: dict[str, str] | None = None, *, graphs: list[str] | None = None
    ) -> QueryResult:
        """Run a SPARQL query over the union of all graphs (or of ``graphs`` only).

        ``params`` binds variables to string literals (SPARQL substitutions), the safe way to put
        user or digest text into a query. Common prefixes (``gk:``, ``schema:``, ``skos:``…) are
        predeclared. ``graphs`` (see :meth:`graphs_within`) restricts the query to those named
        graphs, both as its default graph and for ``GRAPH`` patterns.
        """
        from pyoxigraph import Literal, NamedNode, QueryBoolean, QuerySolutions, Variable

        subs = {Variable(k): Literal(v) for k, v in (params or {}).items()}
        scope: dict = {"use_default_graph_as_union": True}
        if graphs is not None:
            nodes = [NamedNode(g) for g in graphs]
            scope = {"default_graph": nodes, "named_graphs": nodes}
        try:
            result = self.store.query(sparql, prefixes=PREFIXES, substitutions=subs or None, **scope)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from None
        except RuntimeError as exc:
            if "projection" in str(exc) and subs:
                # Oxigraph binds parameters through the projection (SEP-0007 substitution).
                raise QueryError(
                    f"{exc}: a parameter must be selected; add it to the SELECT clause (and to GROUP BY "
                    "when aggregating), e.g. SELECT ?theme (COUNT(*) AS ?n) WHERE {…} GROUP BY ?theme"
                ) from None
            raise QueryError(f"query failed: {exc}") from None
        except (OSError, ValueError, TypeError) as exc:
            raise QueryError(f"query failed: {exc}") from None
        if isinstance(result, QueryBoolean):
            return QueryResult("ask", boolean=bool(result))
        if isinstance(result, QuerySolutions):
            columns = [v.value for v in result.variables]
            rows = [[term_value(v) for v in sol] for sol in result]
            return QueryResult("select", columns, rows)
        from pyoxigraph import RdfFormat, serialize

        return QueryResult("graph", data=serialize(result, format=RdfFormat.N_TRIPLES) or b"")

    def named(self, name: str, params: dict[str, str] | None = None, *, graphs: list[str] | None = None) -> QueryResult:
        """Run a named query shipped with graphkit (see ``graphkit query --list``)."""
        text, bound = prepare_named(name, params)
        return self.query(text, bound, graphs=graphs)

    # -- exports --------------------------------------------------------------------------------

    def export(self, fmt: str, output: str | Path | None = None) -> bytes | None:
        """Serialise the graph; ``nq``/``trig`` keep the named graphs, others give their union.

        With ``output`` the file is written through a temporary file and a rename, so a failed
        export never leaves a truncated file; without it the bytes are returned.
        """
        from pyoxigraph import RdfFormat, serialize

        if fmt not in EXPORT_FORMATS:
            raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
        attr, datasets, _ = EXPORT_FORMATS[fmt]
        rdf_format = getattr(RdfFormat, attr)
        prefixes = PREFIXES if fmt in ("ttl", "trig") else None
        cached = self._nt_files() if fmt in ("nt", "nq") else None

        def write(target):
            if cached is not None:
                # The build keeps every graph as N-Triples: concatenating them is ~10x faster than
                # reading the triples back out of RocksDB, and gives the same triples.
                for path, graph in cached:
                    data = path.read_bytes()
                    target.write(data if fmt == "nt" else with_graph(data, graph))
            elif datasets:
                self.store.dump(target, rdf_format, prefixes=prefixes)
            else:
                triples = self.store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
                serialize(triples, target, rdf_format, prefixes=prefixes)

        if output is None:
            import io

            buf = io.BytesIO()
            write(buf)
            return buf.getvalue()
        with atomic_output(output) as tmp, open(tmp, "wb") as fh:
            write(fh)
        return None

    def _nt_files(self) -> list[tuple[Path, str]] | None:
        """(file, graph IRI) of the build's N-Triples cache in a fixed order, or None without one."""
        from graphkit.store.files import NT_CACHE, shared_graphs

        folder = GraphFolder(self.path)
        gen = folder.current()
        manifest = folder.manifest(gen) if gen else None
        if gen is None or manifest is None or not (gen / NT_CACHE).is_dir():
            return None
        base = manifest["settings"]["base"]
        special = shared_graphs(base)
        files = []
        for path in sorted((gen / NT_CACHE).iterdir()):
            graph = special.get(path.name) or f"{base}graph/article/{path.name[:-3]}"
            files.append((path, graph))
        return files

    def network_cache(self) -> tuple[dict, dict, dict] | None:
        """The build's per-digest projection fragments, merged concepts and topic links
        (:mod:`graphkit.store.netcache`): ``(fragments by digest id, {concept IRI: [type, label]}, {concept IRI:
        [topic IRI, ...]})``, or None without a cache."""
        from graphkit.store.netcache import read_network

        gen = GraphFolder(self.path).live()
        try:
            return read_network(gen)
        except (OSError, ValueError, TypeError, KeyError):
            return None

    def topics_report(self) -> dict | None:
        """The topic scheme's tree and how each concept was linked (``topics.json``), or None for a
        graph built before topics existed."""
        from graphkit.store.files import TOPICS_FILE

        try:
            return json.loads((GraphFolder(self.path).live() / TOPICS_FILE).read_text("utf-8"))
        except (OSError, ValueError):
            return None

    def projection(self) -> dict:
        """Nodes and edges of the network projection (see :mod:`graphkit.network.project`).

        Read from the build's cache when there is one, else from the store with SPARQL.
        """
        from graphkit.network.project import assemble, projection_data

        cache = self.network_cache()
        if cache is None:
            return projection_data(self.store)
        fragments, concepts, links = cache
        return assemble(fragments.values(), {c: (v[0], v[1]) for c, v in concepts.items()}, links)

    def network(self):
        """The projection as a networkx Graph (nodes keyed by IRI, typed, weighted edges)."""
        from graphkit.network.project import to_networkx

        return to_networkx(self.projection())

    def analysis(self) -> dict:
        """Centrality scores and communities (see :mod:`graphkit.network.analysis`).

        Read from the build's ``analysis.json``; a graph built with ``--no-analysis`` gets them
        computed now and cached beside the store (not written back into the graph).
        """
        from graphkit.network.analysis import analyse_projection
        from graphkit.store.files import ANALYSIS_FILE

        gen = GraphFolder(self.path).live()
        try:
            return json.loads((gen / ANALYSIS_FILE).read_text("utf-8"))
        except (OSError, ValueError, TypeError):
            result = analyse_projection(self.projection())
            with contextlib.suppress(OSError):  # a read-only graph folder still gets an answer
                atomic_write(gen / ANALYSIS_FILE, json.dumps(result, separators=(",", ":")).encode("utf-8"))
            return result

    def export_network(self, fmt: str, output: str | Path) -> None:
        """Write the projection as GEXF (Gephi) or GraphML (Cytoscape, yEd), with each node's
        type, label, date, relevancy, scores and community as attributes."""
        import networkx as nx

        g = self.network()
        data = self.analysis()
        member = {n: i for i, p in enumerate(data["communities"]) for n in p}
        for n, t in g.nodes(data="type"):
            if n not in member and t in ("signal", "concern", "behavior", "issue"):
                article = next((a for a in g[n] if g.nodes[a]["type"] == "article"), None)
                member[n] = member.get(article, -1)  # a row belongs to its article's community
        for n, attrs in g.nodes(data=True):
            for measure, scores in data["scores"].items():
                attrs[measure] = float(scores.get(n, 0.0))
            attrs["community"] = member.get(n, -1)
        writer = {"gexf": nx.write_gexf, "graphml": nx.write_graphml}[fmt]
        with atomic_output(output) as tmp:
            writer(g, tmp)

    def to_rdflib(self):
        """The whole graph as an ``rdflib.Dataset`` (named graphs kept), for rdflib-based tools."""
        import rdflib

        ds = rdflib.Dataset()
        ds.parse(data=self.export("nq"), format="nquads")
        return ds

    # -- statistics -----------------------------------------------------------------------------

    def stats(self) -> dict:
        """Counts: digests, quads, distinct triples, named graphs, entities per type."""
        from graphkit.store.stats import entity_counts

        manifest = GraphFolder(self.path).manifest() or {}
        # The union repeats a triple once per graph that holds it (shared pages, concept types).
        triples = self.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }").rows[0][0]
        warnings = sum(len(d.get("problems", [])) for d in manifest.get("digests", {}).values())
        return {
            "store": str(self.path),
            "digests": len(manifest.get("digests", {})),
            "quads": len(self.store),
            "triples": triples,
            "named_graphs": sum(1 for _ in self.store.named_graphs()),
            "entities": entity_counts(self.store),
            "warnings": warnings,
        }
