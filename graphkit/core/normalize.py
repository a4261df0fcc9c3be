"""Normalised labels: when two surface forms name the same theme, keyword or technology.

>>> label_key("open-source AI") == label_key("Open Source AIs") == "open source ai"
True
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import quote

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
_SEPARATORS = re.compile(r"[-_/\u2010-\u2015]+")
_PUNCT = re.compile(r"[^\w\s+#&.]")
_SPACES = re.compile(r"\s+")
_WORD_SPLIT = re.compile(r"[\s\-_/\u2010-\u2015]+")
_ACRONYM_PLURAL = re.compile(r"[A-Z][A-Z0-9]+s")
_LOOSE_DOT = re.compile(r"(?<!\w)\.|\.(?!\w)")
# Words whose final "s" is not a plural; singularising them would merge unrelated concepts.
_NOT_PLURAL = {"news", "series", "species", "lens", "gas", "bus", "yes", "its", "this", "has", "was", "less"}
MAX_SLUG = 80


def _singular(word: str) -> str:
    if len(word) <= 2 or word in _NOT_PLURAL or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is", "ics")):
        return word[:-1]
    return word


def label_key(label: str) -> str:
    """The merge key of a label: case, accents, quotes, hyphens and a final plural folded.

    Parameters
    ----------
    label : str
        A surface form as written in a digest.

    Returns
    -------
    str
        The key; empty when the label has no letters or digits.

    Examples
    --------
    >>> label_key("Heat pumps"), label_key("heat-pump"), label_key("Sécurité")
    ('heat pump', 'heat pump', 'securite')
    """
    words = _WORD_SPLIT.split(label.strip())
    last = words[-1] if words else ""
    # "AWS", "iOS", "DevOps": all-caps or mixed-case words are names, never singularised.
    acronym = len(last) > 1 and any(c.isupper() for c in last[1:])
    if _ACRONYM_PLURAL.fullmatch(last):  # "AIs", "LLMs", "APIs": an acronym's plural
        label = label[: label.rfind(last) + len(last) - 1]
        acronym = True
    text = label.translate(_QUOTES)
    if not text.isascii():  # ASCII has no accents to fold: skip the per-character pass
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.casefold()
    text = _SEPARATORS.sub(" ", text)
    text = _PUNCT.sub("", text)
    text = _LOOSE_DOT.sub(" ", text)  # keep dots inside names like "node.js"
    words = _SPACES.sub(" ", text).strip().split(" ")
    if words and words[-1] and not acronym:
        words[-1] = _singular(words[-1])
    return " ".join(w for w in words if w)


def slug(key: str) -> str:
    """An IRI path segment for a key: spaces to ``-``, percent-encoded, at most 80 characters.

    >>> slug("open source ai")
    'open-source-ai'
    """
    dashed = key.replace(" ", "-")
    text = quote(dashed, safe="-._~")
    if len(text) > MAX_SLUG:
        # Cut on characters, not on the encoded text, so no escape or UTF-8 sequence is split.
        digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]
        cut = dashed
        while len(quote(cut, safe="-._~")) > MAX_SLUG - 11:
            cut = cut[: -max(1, (len(quote(cut, safe="-._~")) - (MAX_SLUG - 11)) // 9)]
        text = quote(cut.rstrip("-"), safe="-._~") + "-" + digest
    return text or "_"
