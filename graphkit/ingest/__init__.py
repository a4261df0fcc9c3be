"""Markdown digests in, typed records out: finding files, the section mapping, the parser.

``discover`` (files) → ``parse`` (markdown → :class:`~graphkit.ingest.model.Digest`), with
the section and column names of ``mapping.yaml``.
"""
