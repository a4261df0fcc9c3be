"""Names of the files a store generation holds beside its Oxigraph database.

Written by the build, read by queries, exports, analysis commands and push; one place for the
names keeps writers and readers in step.
"""

from __future__ import annotations

from graphkit.core.iris import analysis_graph_iri, labels_graph_iri, ontology_graph_iri, topics_graph_iri

#: Folder of a generation holding each digest's triples as N-Triples, for fast exports.
NT_CACHE = "nt"
# "+" cannot start a digest's file name here: slug() percent-encodes it. So a digest called
# "_shared.md" can never overwrite the shared graph's file (or be taken for it).
SHARED_NT = "+shared.nt"
ONTOLOGY_NT = "+ontology.nt"
ANALYSIS_NT = "+analysis.nt"
TOPICS_NT = "+topics.nt"
#: The network projection's merged concepts and topic links (see store/netcache.py).
NETWORK_FILE = "network.json"
#: Per-digest projection fragments, one JSON line per digest (see network/project.py).
FRAGMENTS_FILE = "fragments.jsonl"
#: Per-digest texts (summaries, row descriptions) read by the related-items index, one line each.
TEXTS_FILE = "texts.jsonl"
#: Centrality scores and communities (see network/analysis.py).
ANALYSIS_FILE = "analysis.json"
#: The topic scheme's tree and how each concept was linked (see extract/topics.py), for reports.
TOPICS_FILE = "topics.json"


def shared_graphs(base: str) -> dict[str, str]:
    """The N-Triples files of the graphs every digest shares, and the named graph each one fills.

    Every other file of the cache is one digest's graph, named after its file.
    """
    return {
        ONTOLOGY_NT: ontology_graph_iri(base),
        SHARED_NT: labels_graph_iri(base),
        TOPICS_NT: topics_graph_iri(base),
        ANALYSIS_NT: analysis_graph_iri(base),
    }
