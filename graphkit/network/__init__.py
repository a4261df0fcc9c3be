"""The graph as a network: projection onto networkx, centrality, communities, whole-graph analysis.

Pure functions that take a networkx graph (or projection data) and return plain data.
"""
