"""Shared vocabulary of every layer: namespaces, label keys and slugs, N-Triples terms, IRIs.

Nothing here imports another graphkit package.
"""
