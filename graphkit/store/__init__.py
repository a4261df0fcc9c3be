"""The persistent graph folder: generations of an Oxigraph store, their files, named SPARQL
queries and SHACL validation.
"""
