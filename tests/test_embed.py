"""graphkit.search.embed: the numpy-only static embedder, its WordPiece tokeniser, and how an
embedder is chosen. No test needs torch or sentence-transformers."""

from __future__ import annotations

import builtins
import json
import random
import time

import numpy as np
import pytest

from graphkit.search import embed
from graphkit.search.embed import (
    Embedder,
    EmbedderError,
    SentenceTransformerEmbedder,
    StaticEmbedder,
    WordPieceTokenizer,
    load_embedder,
    save_static_model,
)

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "un", "##aff", "##able", "cafe", "naive", "car", "##s", "battery",
         "poem", ",", "!", ".", "-", "東", "京", "€", "##5", "e", "mail", "the"]  # fmt: skip


def tiny_vectors() -> tuple[np.ndarray, list[int]]:
    """2-D vectors for every non-special token; "car"/"battery" point one way, "poem" the other."""
    ids = list(range(4, len(VOCAB)))
    rng = np.random.default_rng(0)
    vecs = rng.normal(0, 0.1, (len(ids), 3)).astype(np.float32)
    vecs[ids.index(VOCAB.index("car"))] = [1.0, 0.1, 0.0]
    vecs[ids.index(VOCAB.index("battery"))] = [0.9, 0.3, 0.0]
    vecs[ids.index(VOCAB.index("poem"))] = [-0.2, 0.0, 1.0]
    return vecs, ids


@pytest.fixture
def tiny_model(tmp_path):
    vecs, ids = tiny_vectors()
    return save_static_model(tmp_path / "tiny.npz", VOCAB, vecs, ids=ids, dtype="float32", meta={"name": "tiny"})


# -- tokenisation ----------------------------------------------------------------------------------


@pytest.fixture
def tok():
    return WordPieceTokenizer(VOCAB)


def test_basic_tokenize_lowercases_strips_accents_and_splits_punctuation(tok):
    assert tok.basic_tokenize("Naïve CAFÉ, e-mail!") == ["naive", "cafe", ",", "e", "-", "mail", "!"]
    # Tabs and newlines are spaces; control characters vanish (here inside a word); NBSP is a space.
    assert tok.basic_tokenize("un\taff\nable\x00x car\u00a0s\u200b") == ["un", "aff", "ablex", "car", "s"]
    # Non-ASCII punctuation and CJK ideographs stand alone; a currency sign is not punctuation.
    assert tok.basic_tokenize("«cars»—東京 €5") == ["«", "cars", "»", "—", "東", "京", "€5"]
    assert tok.basic_tokenize("") == []
    assert tok.basic_tokenize("  \n ") == []


def test_wordpiece_longest_match_first_with_continuations(tok):
    assert tok.tokenize("unaffable") == ["un", "##aff", "##able"]
    assert tok.tokenize("Cars, batteries?") == ["car", "##s", ",", "[UNK]", "[UNK]"]
    assert tok.tokenize("€5") == ["€", "##5"]
    assert tok.encode("the cafe") == [VOCAB.index("the"), VOCAB.index("cafe")]


def test_unknown_words_become_unk_as_a_whole(tok):
    # "unaffableX" can start with known pieces but not finish: the whole word is unknown.
    assert tok.tokenize("unaffablex") == ["[UNK]"]
    assert tok.tokenize("x" * 101) == ["[UNK]"]  # longer than max_chars_per_word
    assert WordPieceTokenizer(["car"], unk_token="[UNK]").encode("car zzz") == [0]  # no [UNK] in vocab: dropped


def test_tokeniser_options():
    cased = WordPieceTokenizer(["Café", "cafe"], lowercase=False, strip_accents=False)
    assert cased.tokenize("Café") == ["Café"]
    assert WordPieceTokenizer(["cafe"]).tokenize("CAFÉ") == ["cafe"]


# -- the static model file and encoding ------------------------------------------------------------


def test_encode_shape_normalisation_and_dtype(tiny_model):
    emb = StaticEmbedder(tiny_model)
    assert isinstance(emb, Embedder)
    assert (emb.name, emb.dim) == ("static:tiny", 3)
    v = emb.encode(["cars and batteries", "the poem", "Unaffable café!"])
    assert v.shape == (3, 3) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, rtol=1e-6)
    assert v[0] @ emb.encode(["battery"])[0] > v[0] @ v[1]


def test_encode_is_the_normalised_mean_of_known_token_vectors(tiny_model):
    emb = StaticEmbedder(tiny_model)
    vecs, ids = tiny_vectors()
    rows = [ids.index(VOCAB.index(t)) for t in ("car", "##s", "poem")]
    expected = vecs[rows].mean(axis=0)
    expected /= np.linalg.norm(expected)
    # "zzz" is unknown ([UNK] has no vector): skipped, so it does not dilute the mean.
    np.testing.assert_allclose(emb.encode(["Cars zzz poem"])[0], expected, rtol=1e-5)
    assert emb.token_rows("Cars zzz poem") == rows


def test_empty_and_unknown_texts_give_zero_rows(tiny_model):
    emb = StaticEmbedder(tiny_model)
    v = emb.encode(["", "car", "zzz qqq", "   "])
    assert v.shape == (4, 3)
    assert not v[0].any() and not v[2].any() and not v[3].any()
    assert np.linalg.norm(v[1]) == pytest.approx(1.0)
    assert emb.encode([]).shape == (0, 3)
    with pytest.raises(TypeError):
        emb.encode("car")  # type: ignore[arg-type]


def test_encode_is_deterministic_and_independent_of_batching(tiny_model):
    texts = [" ".join(random.Random(i).choices(VOCAB[4:] + ["zzz"], k=i % 7)) for i in range(300)]
    a = StaticEmbedder(tiny_model).encode(texts)
    emb = StaticEmbedder(tiny_model)
    b = emb.encode(texts, chunk_tokens=5)  # many small groups, some texts longer than a group
    c = np.vstack([emb.encode([t]) for t in texts])
    assert np.array_equal(a, emb.encode(texts))
    np.testing.assert_allclose(a, b, atol=1e-6)
    np.testing.assert_allclose(a, c, atol=1e-6)


@pytest.mark.parametrize("dtype", ["float16", "int8"])
def test_quantised_files_read_back_close(tmp_path, tiny_model, dtype):
    vecs, ids = tiny_vectors()
    path = save_static_model(tmp_path / f"q-{dtype}.npz", VOCAB, vecs, ids=ids, dtype=dtype)
    texts = ["cars", "the poem", "unaffable cafe", "battery, battery!"]
    exact, approx = StaticEmbedder(tiny_model).encode(texts), StaticEmbedder(path).encode(texts)
    np.testing.assert_allclose(approx, exact, atol=0.02)
    with np.load(path) as data:
        assert data["vectors"].dtype == np.dtype(dtype)
        assert ("scales" in data.files) == (dtype == "int8")


def test_file_format_written_by_hand_is_read(tmp_path):
    """The documented format, written without save_static_model: no ids → row i is token i."""
    vocab = ["[UNK]", "red", "blue"]
    meta = {"format": "graphkit-static/1", "name": "hand"}
    path = tmp_path / "hand.npz"
    np.savez(
        path,
        meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
        vocab=np.frombuffer("\n".join(vocab).encode(), dtype=np.uint8),
        vectors=np.array([[0, 0], [3, 4], [0, -2]], dtype=np.float16),
    )
    emb = StaticEmbedder(path)
    assert emb.name == "static:hand"
    np.testing.assert_allclose(emb.encode(["Red", "blue", "pink"]), [[0.6, 0.8], [0, -1], [0, 0]], atol=1e-6)


def test_save_is_byte_reproducible(tmp_path):
    vecs, ids = tiny_vectors()
    a = save_static_model(tmp_path / "a.npz", VOCAB, vecs, ids=ids, dtype="int8", meta={"name": "x"})
    time.sleep(1.1)  # a zip member's time stamp has 2-second resolution; a fixed stamp ignores it
    b = save_static_model(tmp_path / "b.npz", VOCAB, vecs, ids=ids, dtype="int8", meta={"name": "x"})
    assert a.read_bytes() == b.read_bytes()


def test_save_rejects_bad_input(tmp_path):
    vecs, ids = tiny_vectors()
    with pytest.raises(ValueError, match="dtype"):
        save_static_model(tmp_path / "x.npz", VOCAB, vecs, ids=ids, dtype="int4")
    with pytest.raises(ValueError, match="ids"):
        save_static_model(tmp_path / "x.npz", VOCAB, vecs, ids=ids[:-1])
    with pytest.raises(ValueError, match="newline"):
        save_static_model(tmp_path / "x.npz", ["a\nb"], np.ones((1, 2)))


def test_bad_model_files_raise_embedder_error(tmp_path):
    with pytest.raises(EmbedderError, match="not found"):
        StaticEmbedder(tmp_path / "missing.npz")
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a zip")
    with pytest.raises(EmbedderError, match="not a static embedding model"):
        StaticEmbedder(junk)
    other = tmp_path / "other.npz"
    np.savez(other, meta=np.frombuffer(b'{"format": "something/9"}', dtype=np.uint8), vocab=np.zeros(1, np.uint8),
             vectors=np.zeros((1, 2), np.float32))  # fmt: skip
    with pytest.raises(EmbedderError, match="unknown format"):
        StaticEmbedder(other)


# -- choosing an embedder --------------------------------------------------------------------------


def test_load_embedder_dispatch(tiny_model, monkeypatch):
    assert load_embedder("none") is None
    assert load_embedder("None") is None
    shipped = load_embedder(None)
    assert isinstance(shipped, StaticEmbedder)
    assert load_embedder("static") is shipped  # loaded once, shared
    tiny = load_embedder(str(tiny_model))
    assert isinstance(tiny, StaticEmbedder) and tiny.name == "static:tiny"

    made = []
    monkeypatch.setattr(embed, "SentenceTransformerEmbedder", lambda spec: made.append(spec) or "st")
    assert load_embedder("sentence-transformers/all-MiniLM-L6-v2") == "st"
    assert load_embedder("/models/my-model") == "st"
    assert made == ["sentence-transformers/all-MiniLM-L6-v2", "/models/my-model"]


def test_load_embedder_missing_npz(tmp_path):
    with pytest.raises(EmbedderError, match="not found"):
        load_embedder(str(tmp_path / "nope.npz"))


def test_sentence_transformers_missing_says_what_to_install(monkeypatch):
    real_import = builtins.__import__

    def no_st(name, *args, **kwargs):
        if name == "sentence_transformers" or name.startswith("sentence_transformers."):
            raise ImportError("No module named 'sentence_transformers'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_st)
    with pytest.raises(EmbedderError, match=r"pip install 'graphkit\[embeddings\]'"):
        SentenceTransformerEmbedder("sentence-transformers/all-MiniLM-L6-v2")
    with pytest.raises(EmbedderError, match="sentence-transformers"):
        load_embedder("some/model")


def test_sentence_transformers_model_not_found_offline(monkeypatch):
    import sys
    import types

    class FakeST:
        def __init__(self, source, **kwargs):
            assert kwargs["local_files_only"] is True  # never reaches out on its own
            raise OSError("couldn't find them in the cached files")

    monkeypatch.setitem(sys.modules, "sentence_transformers", types.SimpleNamespace(SentenceTransformer=FakeST))
    monkeypatch.setattr(embed, "packaged_minilm_path", lambda: None)
    with pytest.raises(EmbedderError, match="offline") as info:
        SentenceTransformerEmbedder("someone/missing-model")
    assert "someone/missing-model" in str(info.value)


def test_sentence_transformer_embedder_with_a_fake_model(monkeypatch, tmp_path):
    import sys
    import types

    class FakeST:
        def __init__(self, source, **kwargs):
            self.source = source

        def get_embedding_dimension(self):
            return 2

        def encode(self, texts, **kwargs):
            assert kwargs["normalize_embeddings"] is True
            return np.array([[1.0, 0.0]] * len(texts), dtype=np.float64)

    monkeypatch.setitem(sys.modules, "sentence_transformers", types.SimpleNamespace(SentenceTransformer=FakeST))
    folder = tmp_path / "model"
    folder.mkdir()
    emb = SentenceTransformerEmbedder(str(folder))
    assert isinstance(emb, Embedder)
    assert emb.dim == 2 and emb.name == f"sentence-transformers:{folder}"
    v = emb.encode(["a", "b"])
    assert v.dtype == np.float32 and v.shape == (2, 2)
    assert emb.encode([]).shape == (0, 2)


def test_no_heavy_import_at_module_import():
    import subprocess
    import sys

    code = "import sys, graphkit.search.embed; print(any(m in sys.modules for m in ('torch', 'sentence_transformers', 'transformers')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- the shipped model -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped():
    return StaticEmbedder()


def test_shipped_model_is_small_and_documented(shipped):
    assert shipped.path.stat().st_size < 8_000_000
    assert (shipped.path.parent / "NOTICE-all-MiniLM-L6-v2.txt").is_file()
    assert shipped.meta["base_model"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert shipped.tokenizer.tokenize("Unaffable") == ["una", "##ffa", "##ble"]


def test_shipped_model_ranks_close_meanings_higher(shipped):
    ev, factories, poetry, verse = shipped.encode(
        [
            "electric cars and batteries",
            "EV battery factories",
            "medieval poetry",
            "troubadours and chivalric verse of the Middle Ages",
        ]
    )
    assert ev @ factories > ev @ poetry + 0.3
    assert poetry @ verse > poetry @ factories + 0.2
    fr = shipped.encode(["la voiture électrique"])[0]  # accents stripped, then WordPiece
    assert fr @ ev > fr @ poetry


def test_shipped_model_is_fast(shipped):
    rng = random.Random(0)
    words = ("the of and electric battery factory grid solar policy climate AI model data city cars "
             "research market growth workers health privacy, energy. storage-based startup’s").split()  # fmt: skip
    texts = [" ".join(rng.choice(words) for _ in range(60)) + f" #{i}" for i in range(2000)]
    t0 = time.perf_counter()
    v = shipped.encode(texts)
    assert time.perf_counter() - t0 < 3.0
    assert v.shape == (2000, shipped.dim)
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, rtol=1e-5)
