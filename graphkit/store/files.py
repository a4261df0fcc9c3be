"""Names of the files a store generation holds beside its Oxigraph database.

Written by the build, read by queries, exports, analysis commands and push; one place for the
names keeps writers and readers in step.
"""

from __future__ import annotations

#: Folder of a generation holding each digest's triples as N-Triples, for fast exports.
NT_CACHE = "nt"
# "+" cannot start a digest's file name here: slug() percent-encodes it. So a digest called
# "_shared.md" can never overwrite the shared graph's file (or be taken for it).
SHARED_NT = "+shared.nt"
ONTOLOGY_NT = "+ontology.nt"
ANALYSIS_NT = "+analysis.nt"
#: Per-generation cache of the network projection's per-digest fragments (see network/project.py).
NETWORK_FILE = "network.json"
#: Per-digest texts (summaries, row descriptions) read by the related-items index.
TEXTS_FILE = "texts.json"
#: Centrality scores and communities (see network/analysis.py).
ANALYSIS_FILE = "analysis.json"
