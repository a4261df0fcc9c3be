"""Getting the graph out to people and tools: the interactive HTML graph, the SPARQL server, push
to a remote triple store.
"""
