"""RDF terms written directly as N-Triples text.

The mapper produces triples as tuples of already-serialised terms. Building millions of rdflib
or pyoxigraph term objects in Python is what makes naive pipelines slow; strings are cheap, and the
store's Rust N-Quads parser reads them back far faster than Python can build objects.
"""

from __future__ import annotations

import re

from pyoxigraph import NamedNode

from graphkit.core.namespaces import XSD

#: A triple as three N-Triples terms (IRIs in ``<…>``, literals quoted), ready to be joined into a line.
Triple = tuple[str, str, str]

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f]')
# Characters that may not appear in an IRI (RFC 3987) and that digests do contain in their URLs.
_IRI_BAD = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]')
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_XSD_DATE = f"<{XSD.date}>"
_XSD_INTEGER = f"<{XSD.integer}>"
_XSD_DOUBLE = f"<{XSD.double}>"


def _escape_char(m: re.Match) -> str:
    c = m.group(0)
    return _ESCAPES.get(c) or f"\\u{ord(c):04X}"


def iri(value: str) -> str:
    """``<value>`` for an IRI that is known to be valid (built by graphkit itself)."""
    return f"<{value}>"


def lit(value: str) -> str:
    """A plain string literal, escaped for N-Triples.

    >>> lit('say "hi"\\n')
    '"say \\\\"hi\\\\"\\\\n"'
    """
    if _NEEDS_ESCAPE.search(value):
        value = _NEEDS_ESCAPE.sub(_escape_char, value)
    return f'"{value}"'


def date_lit(value) -> str:
    """An ``xsd:date`` literal from a :class:`datetime.date`."""
    return f'"{value.isoformat()}"^^{_XSD_DATE}'


def int_lit(value: int) -> str:
    return f'"{int(value)}"^^{_XSD_INTEGER}'


def double_lit(value: float) -> str:
    return f'"{float(value)!r}"^^{_XSD_DOUBLE}'


def external_iri(url: str) -> str | None:
    """A URL found in a digest as a valid absolute IRI, or None when it cannot be one.

    Characters IRIs forbid (spaces, quotes, angle brackets…) are percent-encoded; what is still
    not an absolute IRI after that (no scheme, bad port…) is rejected by Oxigraph's own IRI
    parser, so nothing the store would refuse ever reaches it.
    """
    url = url.strip()
    if not _SCHEME.match(url):
        return None
    url = _IRI_BAD.sub(lambda m: "".join(f"%{b:02X}" for b in m.group(0).encode("utf-8")), url)
    try:
        NamedNode(url)
    except ValueError:
        return None
    return url


def with_graph(ntriples: bytes, graph: str) -> bytes:
    """N-Triples text to N-Quads in one named graph.

    N-Triples escapes every newline inside literals, so " .\\n" occurs only at line ends.
    """
    return ntriples.replace(b" .\n", f" <{graph}> .\n".encode())
