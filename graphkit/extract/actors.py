"""Actors: the organisations and people a digest names.

Digests have no actor field: names hide in the title, the keywords, the summary and the table
cells. :func:`extract` finds them with rules that combine several kinds of evidence, each cheap
and each wrong on its own:

* **the gazetteer** (``ontology/actors.yaml``): well-known organisations and people with their
  aliases and kind, and names that look like names but are not actors (products, places, laws);
* **the shape of the name**: an organisation head word ("… Foundation", "University of …",
  "… Inc."), a known given name followed by a capitalised surname, "the French government";
* **the context in prose**: "X announced", "researchers from X", "CEO of X", "founder Y Z",
  "companies such as X, Y and Z", "X, a startup", "X said", a possessive;
* **the keyword list**: a capitalised keyword that prose also uses as a name.

Title Case text (the title, table row names) is where most false names come from ("Rise of
Hacktivism"), so it only confirms names found elsewhere or listed in the gazetteer.

Examples
--------
>>> from graphkit.ingest.parse import parse_bytes
>>> md = b'''# __T__, (from page [20240107](https://x/p/20240107).)
... ## Summary
... Researchers from the University of Tokyo and Hugging Face announced a model. CEO Jane Doe said it
... ships soon; Doe's team works with the Chinese government.
... '''
>>> [(a.name, a.type) for a in extract(parse_bytes(md, "x.md"))]
[('Chinese government', 'organisation'), ('Hugging Face', 'organisation'), ('Jane Doe', 'person'), ('University of Tokyo', 'organisation')]
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from graphkit.extract.gazetteer import Gazetteer, fold_given, load_gazetteer, name_key
from graphkit.ingest.model import TABLE_KINDS, Digest, Problem

ORGANISATION, PERSON = "organisation", "person"

# Head words that make a capitalised phrase an organisation, with the kind they suggest.
_HEADS = {
    "company": """inc incorporated corp corporation co company ltd llc plc gmbh ag sa sas srl nv bv ab asa
        group holdings holding technologies technology systems labs bioscience biosciences therapeutics
        pharmaceuticals pharma motors airlines airways energy capital ventures partners invest investments
        studios studio games entertainment robotics dynamics industries enterprises solutions networks
        semiconductor semiconductors foods brands bank bio logistics logistique""",
    "public-body": """ministry department agency administration commission bureau office authority parliament
        congress senate assembly court government army navy military police corps service services council
        committee cabinet command inspectorate ombudsman tribunal ministère agence conseil commissariat""",
    "research": """university universities college institute institution laboratory laboratories lab academy
        school observatory centre center université institut école""",
    "ngo": """foundation association society coalition alliance federation union league trust fund collective
        movement network consortium initiative fondation""",
    "media": """times post journal magazine press news media herald tribune gazette ledger chronicle courier inquirer
        examiner dispatch telegraph bulletin daily weekly radio tv
        television broadcasting publishing publications""",
}
HEAD_KIND: dict[str, str | None] = {w: kind for kind, words in _HEADS.items() for w in words.split()}
# Heads that start the name: "University of Tokyo", "Ministry of Defence".
_PREFIX_HEADS = {
    "university",
    "ministry",
    "department",
    "institute",
    "bank",
    "museum",
    "academy",
    "school",
    "college",
    "society",
    "association",
    "league",
    "federation",
    "union",
    "council",
    "board",
    "bureau",
    "office",
    "court",
    "center",
    "centre",
    "agency",
    "commission",
    "committee",
    "house",
    "library",
    "order",
    "church",
    "party",
    "université",
    "institut",
    "ministère",
    "école",
    "banque",
    "musée",
    "fondation",
    "agence",
    "conseil",
    "laboratory",
    "lab",
}
# Heads that start a name directly: "Université Gustave Eiffel", "Institut CSA", "Groupe ADP".
_NAME_PREFIXES = {
    "university",
    "université",
    "universidad",
    "universität",
    "universita",
    "institut",
    "instituto",
    "ministère",
    "ministerio",
    "fondation",
    "fundación",
    "agence",
    "banque",
    "banco",
    "musée",
    "museo",
    "école",
    "groupe",
    "grupo",
    "laboratoire",
    "société",
    "compagnie",
}
HEAD_KIND.update(
    {
        "université": "research",
        "universidad": "research",
        "universität": "research",
        "universita": "research",
        "instituto": "research",
        "ministerio": "public-body",
        "fundación": "ngo",
        "banco": "company",
        "museo": "ngo",
        "groupe": "company",
        "grupo": "company",
        "laboratoire": "research",
        "société": "company",
        "compagnie": "company",
        "museum": "ngo",
        "library": "ngo",
        "party": "ngo",
        "church": "ngo",
        "board": "public-body",
        "banque": "company",
        "musée": "ngo",
        "house": None,
    }
)
# Words never part of an actor's name at its edges (sentence openers, determiners, roles).
_EDGE_WORDS = set(
    """the a an this that these those its their his her our my your such many some other both each every all
    any no new former latest recent first last next more most several various certain another le la les un une des du de
    in on at by for from with of and or but as if when while after before during since until unlike like despite
    however meanwhile moreover also additionally furthermore overall ultimately today yesterday later earlier
    instead thus hence therefore nonetheless nevertheless indeed here there why how what where around across along
    among amid within without through throughout toward towards beyond near over under via per upon into onto inside
    outside behind below above between against beside besides
    selon pour avec dans sur par mais ainsi cependant toutefois depuis après avant lors alors aussi donc car ou et en
    au aux il elle ils elles ce cette ces son sa ses leur leurs plusieurs certains
    mr mrs ms dr prof sir dame lord lady st""".split()
)
# Role words: before a name they say "person"; before "of X" they say X is an organisation.
_ROLES = set(
    """ceo cto cfo coo founder cofounder co-founder president vice-president chairman chairwoman chair chief head
    director professor prof dr mr mrs ms sir author writer artist designer photographer journalist reporter
    researcher scientist economist senator minister secretary governor mayor composer musician poet novelist
    entrepreneur investor engineer developer analyst expert editor curator philosopher historian activist
    colleague spokesperson spokesman spokeswoman creator inventor architect filmmaker director-general
    commissioner chancellor premier king queen prince pope executive manager lawyer attorney judge candidate
    leader pioneer host podcaster blogger columnist critic biologist physicist chemist mathematician sociologist
    psychologist anthropologist astronomer geologist paleontologist neuroscientist ecologist coach player
    fondateur fondatrice cofondateur pdg directeur directrice président présidente chercheur chercheuse auteur
    autrice ministre professeur professeure journaliste artiste économiste sociologue philosophe ingénieur""".split()
)
# Words after a name that show it acts: an organisation or a person, not a product or a place.
# Verbs that only organisations and people do (products "develop" and "offer" things too).
_ACT_VERBS = set(
    """announced announces launched launches unveiled unveils released releases introduced introduces
    acquired acquires partnered partners raised raises invested invests reported reports claimed claims denied
    denies plans planned said says stated states argued argues wrote writes explained explains believes
    told warned warns revealed reveals confirmed confirms funded funds founded hired fired sued banned signed
    agreed decided secured won filed issued urged criticized criticised collaborated collaborates teamed joined
    employs employed acknowledged admitted stressed pledged vowed lobbied sponsored spearheading spearheads
    coordinates oversees promotes promoted sells sold buys bought operates owns""".split()
)
_SKIP_AUX = set(
    """has have had is was will would also recently reportedly now then just officially publicly later
    further previously initially ultimately subsequently quickly already still""".split()
)
_PERSON_VERBS = set(
    "said says argued argues wrote writes explained explains believes told warned suggests thinks "
    "recalls recalled describes described who".split()
)
# Plural nouns before "like/such as/including" that introduce organisations.
_ORG_GROUPS = set(
    """companies firms corporations platforms startups start-ups brands organizations organisations groups
    agencies institutions outlets publishers universities labs giants players providers retailers banks insurers
    governments regulators networks services apps giants competitors rivals partners investors sponsors clients
    customers manufacturers makers automakers carmakers developers operators media newspapers
    entreprises sociétés constructeurs plateformes groupes acteurs fabricants opérateurs banques médias
    associations organisations institutions startups collectives coalitions unions charities nonprofits ngos
    foundations institutes universities schools hospitals hotels chains studios labels""".split()
)
_ORG_APPOSITION = set(
    """company firm startup start-up corporation platform group organization organisation agency
    institute university lab laboratory nonprofit non-profit ngo charity foundation coalition collective outlet
    publisher newspaper magazine brand retailer bank network service provider manufacturer maker operator
    subsidiary division regulator watchdog body consortium conglomerate giant
    association société entreprise groupe agence fondation plateforme journal issuer owner parent supplier vendor
    lender insurer carrier airline broker exchange fund firm""".split()
)
# Roles held *in* an organisation ("CEO of X"); "author of X" or "creator of X" name works instead.
_ORG_ROLES = set(
    """ceo cto cfo coo founder cofounder co-founder president chairman chairwoman chair director head chief
    spokesperson spokesman spokeswoman executive executives manager employee employees member members professor
    professors commissioner secretary minister governor""".split()
)
_ORG_AFTER = set(
    """ceo cto cfo coo founder cofounder co-founder chairman spokesperson spokesman spokeswoman
    employees executives shareholders investors deal acquisition merger subsidiary headquarters""".split()
)
_JOB_WORDS = set(
    """job jobs position positions role roles work works worked working employee employees employed
    staff intern internship career stint engineer engineers executive executives manager managers researcher
    researchers scientist scientists tenure emploi poste travaille""".split()
)
_ORG_LEFT = {
    "researchers",
    "scientists",
    "engineers",
    "team",
    "teams",
    "experts",
    "economists",
    "analysts",
    "professor",
    "professors",
    "staff",
    "employees",
    "students",
    "study",
    "report",
    "survey",
}
_BY_VERBS = set(
    """founded acquired owned developed backed funded published run operated led created launched built
    commissioned organised organized hosted sponsored produced made designed conducted authored co-authored written
    directed curated edited photographed composed illustrated painted narrated presented performed reported cited
    announced issued released sued fined banned blocked approved rejected criticised criticized endorsed adopted
    hired employed commissioned supported investigated accused challenged opposed recommended awarded""".split()
)
_BY_PERSON_VERBS = set(
    """authored co-authored written directed curated edited photographed composed illustrated painted
    narrated performed""".split()
)
_PARTNER = {
    "partnership",
    "partnered",
    "collaboration",
    "collaborating",
    "collaborated",
    "partnering",
    "deal",
    "agreement",
}
_GOV_WORDS = {
    "government",
    "administration",
    "authorities",
    "military",
    "army",
    "navy",
    "congress",
    "parliament",
    "senate",
    "ministry",
    "courts",
}

_TOKEN = re.compile(
    r"(?:[A-Z]\.){2,}|(?:Co|Inc|Corp|Ltd|Jr|Sr|St|Dr|Mr|Mrs|Ms|Prof)\.(?=\s+[a-z(,])"
    r"|[^\W_](?:[\w&+\-’'.]*[^\W_])?['’]?|&",
    re.UNICODE,
)
_SENTENCE_GAP = re.compile(r"[.!?:;•*|]\s*[\"“‘'(\[]*\s*$")
_COMPOUND = re.compile(r"(.*[^\W_])-[a-z]{3,}")
_SHORT_FORM = re.compile(r"[A-Z][A-Z0-9&.\-]*[A-Z0-9]")  # "NWS", "AESA", "U.S.", not "TikTok"
_ELISION = re.compile(r"(?:[ldjmnst]|qu)['’](?=\w)", re.IGNORECASE)
_INITIALS = re.compile(r"(?:[A-Z]\.){2,}")
_ABBREV = {"Co.", "Inc.", "Corp.", "Ltd.", "Jr.", "Sr.", "St.", "Dr.", "Mr.", "Mrs.", "Ms.", "Prof."}
_OF_WORDS = {"of", "for", "at", "on", "de", "du", "des", "pour"}
_GOV_HINT = re.compile(r"government|administration|military|army|navy|authorities")
_GOVERNMENT = re.compile(
    r"\b((?:[A-Z][\w.]*\.?)(?:\s[A-Z][\w.]*)?)(['’]s)?\s+"
    r"(government|administration|military|army|navy|authorities)\b"
)
# A word with a capital A-Z in it ("Researchers", "eBay"). Written so that the engine does not try
# every position inside every lower-case word (the plain "[^\W\d_]*[A-Z]…" did, quadratically): a
# match never starts right after a letter, and the letters before the capital hold none.
_CAP_WORD = re.compile(r"(?<![^\W\d_])[^\W\d_A-Z]*+[A-Z][\w'’.&-]*")
_LIST_PATTERN = (
    r"\b(?:like|including|include|includes|such as|dont|comme|notamment)\b"
    r"|\b(?:jobs?|positions?|roles?|work(?:s|ed|ing)?|employees?|employed|staff|intern(?:ship)?|"
    r"career|stint|engineers?|executives?|managers?|researchers?|scientists?|tenure|emploi|poste|"
    r"travaille) (?:at|for|chez)\b"
)
_LIST_HINT = re.compile(_LIST_PATTERN, re.IGNORECASE)
_LIST_HINT_LOWER = re.compile(_LIST_PATTERN)  # on a lower-cased text: 2.5x faster than IGNORECASE
# The letters that IGNORECASE alone matches to ASCII ones (Python's re documentation), and that
# str.lower() does not turn into them: with one of these, only the IGNORECASE pattern is right.
_ODD_CASE = re.compile("[\u0130\u0131\u017f]")


def _has_list_hint(text: str) -> bool:
    """``_LIST_HINT.search(text)``, faster: one regex pass over the lower-cased text."""
    if _ODD_CASE.search(text):
        return _LIST_HINT.search(text) is not None
    return _LIST_HINT_LOWER.search(text.lower()) is not None


_PREPOSITIONS = {"from", "in", "at", "of", "for", "with", "to", "on", "near", "across", "into", "de", "du", "à", "en"}
_DETERMINERS = {"the", "a", "an", "his", "her", "its", "their", "our", "this", "that", "whose"}
# A name that starts with one of these is a place ("Lake Naivasha", "Mount Kenya").
_PLACE_WORDS = {
    "lake",
    "mount",
    "mt",
    "river",
    "gulf",
    "bay",
    "cape",
    "island",
    "isle",
    "sea",
    "ocean",
    "valley",
    "desert",
    "street",
    "avenue",
    "road",
    "square",
    "strait",
    "peninsula",
    "lac",
    "mont",
    "rue",
}
# A name that ends with one of these is a law, a programme or an event, not an actor.
_LAW_HEADS = {
    "act",
    "directive",
    "regulation",
    "law",
    "treaty",
    "convention",
    "code",
    "programme",
    "program",
    "strategy",
    "plan",
    "bill",
    "pact",
    "accord",
    "protocol",
    "charter",
    "declaration",
    "summit",
    "conference",
    "week",
    "prize",
    "award",
    "awards",
    "festival",
    "olympics",
    "games",
    "expo",
}
_LIST_WORDS = {"and", "or", "et", "ou", "&", "the", "of", "for", "de", "du", "des", "la", "le"}
_JOINERS = {
    "of",
    "for",
    "and",
    "&",
    "de",
    "du",
    "des",
    "la",
    "le",
    "di",
    "da",
    "van",
    "von",
    "der",
    "den",
    "at",
    "on",
    "the",
}
_PARTICLES = {"de", "du", "des", "la", "le", "di", "da", "van", "von", "der", "den"}


@dataclass
class Actor:
    """One actor found in one digest."""

    name: str  # the fullest form the digest uses
    type: str  # "organisation" | "person"
    kind: str | None = None  # company, public-body, research, ngo, media (organisations only)
    canonical: str | None = None  # the gazetteer's name, which merges actors across digests
    aliases: list[str] = field(default_factory=list)  # every surface form seen, the name included
    evidence: list[str] = field(default_factory=list)  # why it was kept, for debugging and --explain
    rows: list[tuple[str, int]] = field(default_factory=list)  # (table kind, 0-based row index) that name it

    def as_dict(self, detail: bool = False) -> dict:
        out: dict = {"name": self.name, "type": self.type}
        if detail:
            out.update(kind=self.kind, canonical=self.canonical, aliases=self.aliases, evidence=self.evidence)
        return out


@dataclass(slots=True)
class _Token:
    text: str
    start: int
    end: int
    initial: bool  # first word of a sentence (or of a cell)
    possessive: bool = False
    compound: bool = False  # "Twitch-based": the name part of an adjective, which ends a name
    cap: bool = False  # _is_cap(text), computed once


@dataclass
class _Cand:
    forms: Counter = field(default_factory=Counter)
    score: float = 0.0
    person: float = 0.0
    org: float = 0.0
    kind: str | None = None
    evidence: list[str] = field(default_factory=list)
    prose: int = 0
    mid: int = 0  # occurrences not at a sentence start
    strong: float = 0.0  # the part of the score from context and shape, not from keywords or repeats
    inside: set = field(default_factory=set)  # keys of longer names it was only seen inside
    alone: int = 0  # occurrences on its own (not inside a longer name)
    canonical: str | None = None  # a name that merges it across digests (a country's government)

    def note(self, why: str, score: float = 0.0, person: float = 0.0, org: float = 0.0) -> None:
        self.score += score
        if score >= 2:
            self.strong += score
        self.person += person
        self.org += org
        if why not in self.evidence:
            self.evidence.append(why)


def _is_cap(word: str) -> bool:
    if not word or word == "&":
        return False
    if word[0].isupper():
        return True
    # "iPhone", "eBay", "23andMe": a capital inside a word marks a name too.
    rest = word[1:]
    return word[0].isalnum() and rest != rest.lower()


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    append = out.append
    prev_end = -1
    for m in _TOKEN.finditer(text):
        word = m.group()
        start, end = m.span()
        if prev_end < 0:
            initial = True
        elif start == prev_end + 1 and text[prev_end] == " ":
            initial = False  # most gaps are one space
        else:
            gap = text[prev_end:start]
            initial = gap != " " and ("\n" in gap or bool(_SENTENCE_GAP.search(gap)))
        prev_end = end
        if word.isalnum():
            # Most words hold no apostrophe, dot, hyphen or "&": nothing below would change them
            # (a third of the tokeniser's time went to finding that out word by word).
            rest = word[1:]
            append(_Token(word, start, end, initial, False, False, word[0].isupper() or rest != rest.lower()))
            continue
        possessive = False
        if "'" in word or "’" in word:
            elision = _ELISION.match(word)
            if elision and len(word) > elision.end():  # French "l’association", "d’Airbus"
                word, start = word[elision.end() :], start + elision.end()
            if word.endswith(("'s", "’s", "'S", "’S")) and len(word) > 2:
                word, possessive = word[:-2], True
            elif word.endswith(("'", "’")):
                word = word[:-1]
        if word.endswith(".") and word not in _ABBREV and not _INITIALS.fullmatch(word):
            word = word.rstrip(".")
        compound = _COMPOUND.fullmatch(word) if "-" in word else None
        if compound:  # "Twitch-based", "Republican-led", "AI-powered"
            word = compound.group(1)
        if word:
            append(_Token(word, start, start + len(word), initial, possessive, bool(compound), _is_cap(word)))
    return out


def _words(tokens: list[_Token], i: int, j: int) -> str:
    return " ".join(t.text for t in tokens[i:j])


def _surface(text: str, tokens: list[_Token], i: int, j: int) -> str:
    """The words as written, spacing folded ("open-source AI" stays that, not "open AI")."""
    return " ".join(text[tokens[i].start : tokens[j - 1].end].split())


def _spans(tokens: list[_Token], text: str) -> list[tuple[int, int]]:
    """Maximal runs of capitalised words, joined by "of", "&", "de"… (split later if needed)."""
    spans = []
    i, n = 0, len(tokens)
    while i < n:
        if not tokens[i].cap:
            i += 1
            continue
        j = i + 1
        while j < n:
            gap = text[tokens[j - 1].end : tokens[j].start]
            if (
                tokens[j - 1].possessive
                or tokens[j - 1].compound
                or any(c in gap for c in '.,;:()[]"“”!?—–')
                or "\n" in gap
            ):
                break
            if tokens[j].cap or (tokens[j].text[0].isdigit() and j > i):
                j += 1
                continue
            if (
                tokens[j].text.casefold() in _JOINERS
                and j + 1 < n
                and tokens[j + 1].cap
                and not any(c in text[tokens[j].end : tokens[j + 1].start] for c in ',;:()"')
            ):
                j += 2
                continue
            # "Institute for the Study of…", "Ministère de la Santé": two joiners, then a name.
            if (
                tokens[j].text.casefold() in _JOINERS
                and j + 2 < n
                and tokens[j + 1].text.casefold() in _JOINERS
                and tokens[j + 2].cap
                and not any(c in text[tokens[j].end : tokens[j + 2].start] for c in ',;:()"')
            ):
                j += 3
                continue
            break
        spans.append((i, j))
        i = j
    return spans


class _Scanner:
    """Collects candidates from one digest's text segments."""

    def __init__(self, gaz: Gazetteer, vocabulary: set[str]):
        self.gaz = gaz
        self.vocabulary = vocabulary
        self.cands: dict[str, _Cand] = defaultdict(_Cand)
        self.segments: list[tuple[str, str, tuple[str, int] | None]] = []
        self.short_forms: dict[str, str] = {}  # key of "(NWS)" -> key of the name before it

    # -- helpers -----------------------------------------------------------------------------
    def _common_word(self, word: str) -> bool:
        low = word.casefold()
        return low in _EDGE_WORDS or low in self.vocabulary

    def _trim(self, tokens, i: int, j: int) -> tuple[int, int]:
        while i < j:
            t = tokens[i]
            low = t.text.casefold()
            if t.text.isupper() and len(t.text) > 1 and low not in _ROLES:
                break  # "UN Office…": an acronym, not French "un"
            if (
                low in _EDGE_WORDS
                or low in _ROLES
                or low in _JOINERS
                or (
                    t.initial and j - i >= 1 and self._common_word(t.text) and not self.gaz.lookup(_words(tokens, i, j))
                )
            ):
                i += 1
            else:
                break
        while (
            j > i
            and (tokens[j - 1].text.casefold() in _JOINERS or tokens[j - 1].text.casefold() in _EDGE_WORDS)
            and not (tokens[j - 1].text.isupper() and len(tokens[j - 1].text) > 1)
        ):
            j -= 1
        return i, j

    def _split(self, tokens, i: int, j: int, in_list: bool = False) -> list[tuple[int, int]]:
        """Split a run at joiners unless the whole run is a name ("University of Tokyo").

        In a list of organisations ("collectives like Distributed Denial of Secrets, X and Y") a
        run is cut only where the list goes on: at "and", "or", "et", "ou".
        """
        if self.gaz.lookup(_words(tokens, i, j)):
            return [(i, j)]
        if in_list:
            cut = [k for k in range(i + 1, j - 1) if tokens[k].text.casefold() in ("and", "or", "et", "ou")]
            bounds = [i - 1, *cut, j]
            return [(a + 1, b) for a, b in itertools.pairwise(bounds) if a + 1 < b]
        cut = [
            k for k in range(i, j) if tokens[k].text.casefold() in _ROLES and tokens[k].text[:1].isupper() and k + 1 < j
        ]  # "Zomato CEO Deepinder Goyal": a role inside a run separates two names
        complement = False  # inside "Institute for the Study of Journalism" after its head
        for k in range(i + 1, j - 1):
            low = tokens[k].text.casefold()
            if low not in _JOINERS:
                continue
            before = tokens[k - 1].text.casefold()
            last = tokens[j - 1].text.casefold()
            if low == "&" or (complement and low not in ("and", "or", "et", "ou")):
                continue
            if low in _PARTICLES:
                continue
            if (
                low == "and"
                and HEAD_KIND.get(last)
                and not HEAD_KIND.get(before)
                and not self.gaz.lookup(_words(tokens, i, k))
            ):
                continue  # "Imagination and Cognition Lab", but "Mistral and Kernwerk Labs" are two
            if low in ("of", "for", "at", "on", "the") and (before in _PREFIX_HEADS or before in HEAD_KIND):
                complement = low in ("of", "for")
                continue
            if low == "the" and before in ("of", "for"):
                continue
            cut.append(k)
        if not cut:
            return [(i, j)]
        cut = sorted(set(cut))
        out, start = [], i
        for k in cut:
            if start < k:
                out.append((start, k))
            start = k + 1
        if start < j:
            out.append((start, j))
        return out

    def _context(self, tokens, text, i: int, j: int):
        left = [t.text.casefold() for t in tokens[max(0, i - 4) : i]]
        right = [t.text.casefold() for t in tokens[j : j + 4]]
        gap_after = text[tokens[j - 1].end : tokens[j].start] if j < len(tokens) else ""
        gap_before = text[tokens[i - 1].end : tokens[i].start] if i > 0 else ""
        return left, right, gap_before, gap_after

    # -- scanning ---------------------------------------------------------------------------
    def _nothing_to_find(self, text: str) -> bool:
        """True when every capital in the text opens a sentence on an ordinary word.

        Such a text cannot hold a candidate (each would be one common word, trimmed away), so
        most table cells ("Increased hacking attempts…") are skipped without tokenising them.
        """
        for m in _CAP_WORD.finditer(text):
            word, start = m.group(), m.start()
            before = text[:start].rstrip(" \t\"“‘'([*")
            if before and before[-1] not in ".!?:;\n":
                return False
            if not (word[1:].islower() and word.isalpha()):
                return False
            low = word.casefold()
            if (low not in self.vocabulary and low not in _EDGE_WORDS) or self.gaz.may_start(word):
                return False
        return True

    def prose(self, text: str, where: str, row: tuple[str, int] | None = None) -> None:
        self.segments.append((text, where, row))
        if self._nothing_to_find(text):
            return
        tokens = _tokens(text)
        lists = self._list_openers(tokens, text)
        previous = None
        for a, b in _spans(tokens, text):
            # In "collectives like Distributed Denial of Secrets" the whole run is one name.
            for i, j in self._split(tokens, a, b, in_list=a in lists):
                i, j = self._trim(tokens, i, j)
                if i >= j:
                    continue
                key = self._candidate(tokens, text, i, j, lists)
                if j - i > 1 and not self.gaz.lookup(_words(tokens, i, j)):
                    self._known_prefix(tokens, text, i, j)
                # "National Weather Service (NWS)": the bracketed short form is an alias.
                if (
                    previous
                    and key
                    and j - i == 1
                    and _SHORT_FORM.fullmatch(tokens[i].text)
                    and text[tokens[i].start - 1 : tokens[i].start] == "("
                    and text[tokens[i].end : tokens[i].end + 1] == ")"
                    and 0 < i - previous[1] <= 6
                    and not any(c in text[tokens[previous[1]].end : tokens[i].start - 1] for c in ".;:!?()")
                ):
                    self.short_forms[key] = previous[0]
                previous = (key, j - 1) if key else None
        self._governments(text)

    def _known_prefix(self, tokens, text, i: int, j: int) -> None:
        """ "SpaceX Transporter", "Microsoft Teams": a known organisation names its product."""
        if not self.gaz.may_start(tokens[i].text):
            return
        whole = _words(tokens, i, j)
        low = [t.text.casefold() for t in tokens[i:j]]
        if (
            self.gaz.rejects(whole) not in (None, "products")
            or HEAD_KIND.get(low[-1])
            or low[-1] in _LAW_HEADS
            or any(w in _PREFIX_HEADS for w in low[1:])
        ):
            return  # "EU AI Act" is a law; "UN Office for …" and "Reuters Institute" are names of their own
        for k in range(j - 1, i, -1):
            surface = _words(tokens, i, k)
            entry = self.gaz.lookup(surface)
            if entry is not None and entry.type == ORGANISATION and not entry.ambiguous:
                cand = self.cands[name_key(surface)]
                cand.forms[" ".join(text[tokens[i].start : tokens[k - 1].end].split())] += 1
                cand.prose += 1
                cand.mid += 0 if tokens[i].initial else 1
                cand.inside.add(name_key(whole))
                cand.note("known name before another name", 0)
                return

    def _list_openers(self, tokens, text) -> set[int]:
        """Indexes of tokens in "companies such as X, Y and Z" lists: evidence of organisations."""
        marked: set[int] = set()
        if not _has_list_hint(text):
            return marked  # most texts have no list: one regex instead of a walk over every word
        for k, t in enumerate(tokens):
            low = t.text.casefold()
            opener = None
            if (
                low in ("like", "including", "include", "includes", "dont", "comme", "notamment")
                and k > 0
                and tokens[k - 1].text.casefold() in _ORG_GROUPS
            ):
                opener = k + 1
            elif low in ("at", "for", "chez") and k > 0 and tokens[k - 1].text.casefold() in _JOB_WORDS:
                opener = k + 1  # "his job at Amazon", "positions at IBM, Meta and Tinder", "works for X"
            elif (
                low == "such"
                and k + 1 < len(tokens)
                and tokens[k + 1].text.casefold() == "as"
                and k > 0
                and tokens[k - 1].text.casefold() in _ORG_GROUPS
            ):
                opener = k + 2
            if opener is None:
                continue
            m = opener
            while m < len(tokens) and m < opener + 12:
                gap = text[tokens[m - 1].end : tokens[m].start]
                if any(c in gap for c in ".;:!?()") or "\n" in gap:
                    break
                # The list goes on over names and "and"/"et"; a lower-case word ends it.
                if not _is_cap(tokens[m].text) and tokens[m].text.casefold() not in _LIST_WORDS:
                    break
                marked.add(m)
                m += 1
        return marked

    def _candidate(self, tokens, text, i: int, j: int, lists: set[int]) -> str | None:
        words = tokens[i:j]
        # The text as written ("Agence de l’Union"), not the tokens, spacing folded.
        surface = " ".join(text[words[0].start : words[-1].end].split())
        if not any(c.isalpha() for c in surface):
            return None
        key = name_key(surface)
        if not key:
            return None
        cand = self.cands[key]
        cand.forms[surface] += 1
        cand.prose += 1
        cand.alone += 1
        if not words[0].initial:
            cand.mid += 1
        if words[-1].compound:
            return key  # "Republican-led states said…": the verb is the states', not the Republicans'
        left, right, gap_before, gap_after = self._context(tokens, text, i, j)
        # A role word right before: "founder Deepinder Goyal", "CEO Jane Doe".
        if (
            left
            and left[-1] in _ROLES
            and not gap_before.strip(" ")
            and (left[-1] not in ("head", "chief", "director") or len(words) > 1)
        ):
            cand.note("after a role word", 2, person=2)
        # "CEO of X", "researchers at X", "X's researchers".
        if len(left) >= 2 and left[-1] in ("of", "at", "from") and (left[-2] in _ORG_ROLES or left[-2] in _ORG_LEFT):
            cand.note(f"'{left[-2]} {left[-1]}' before", 2, org=2)
        # "founded by X", "acquired by X".
        if len(left) >= 2 and left[-1] == "by" and left[-2] in _BY_VERBS:
            works = left[-2] in _BY_PERSON_VERBS and _person_shaped([w.text for w in words])
            cand.note(f"'{left[-2]} by' before", 2, person=2 if works else 0)
        if left and left[-1] == "with" and len(left) >= 2 and left[-2] in _PARTNER:
            cand.note("partner of", 2, org=1)
        if left and left[-1] == "chez":  # French: "chez Block", at a company
            cand.note("'chez' before", 2, org=2)
        # "the startup Synthetica", "the advocacy group Patient Data Watch", "l'association Bruitparif".
        if left and left[-1] in _ORG_APPOSITION and not gap_before.strip(" "):
            cand.note(f"'{left[-1]}' before", 3, org=3)
        elif (
            left
            and left[-1] in _ORG_APPOSITION
            and gap_before.strip() == ","
            and len(left) >= 2
            and left[-2] in _DETERMINERS
        ):
            cand.note(f"'{left[-2]} {left[-1]},' before", 2, org=2)  # "his NGO, Feeding India"
        if (len(left) >= 2 and left[-2:] == ["according", "to"]) or (left and left[-1] == "selon"):
            cand.note("'according to' before", 2)
        if i in lists:
            cand.note("in a list of organisations", 2, org=2)
        # "X announced", "X has partnered", "X said".
        k = 0
        while k < len(right) and right[k] in _SKIP_AUX:
            k += 1
        after_preposition = bool(left) and left[-1] in _PREPOSITIONS and not gap_before.strip(" ")
        if (
            k < len(right)
            and right[k] in _ACT_VERBS
            and not any(c in gap_after for c in ",;:()")
            and not after_preposition
        ):  # in "Nowak from Kraków says" the verb is Nowak's
            cand.note(f"'{right[k]}' after", 2, person=1 if right[k] in _PERSON_VERBS else 0)
        elif right[:1] == ["who"] and gap_after.strip() in ("", ",") and len(words) > 1:
            cand.note("'who' after", 2, person=2)
        # "Zomato CEO …", "the Meta deal", "Acme employees".
        if right and right[0] in _ORG_AFTER and not any(c in gap_after for c in ",;:()"):
            cand.note(f"'{right[0]}' after", 2, org=2)
        # "X, a startup", "X, the CEO of".
        if gap_after.strip() == "," and len(right) >= 2 and right[0] in ("a", "an", "the"):
            tail = [t.text.casefold() for t in tokens[j + 1 : j + 6]]
            if any(w in _ORG_APPOSITION for w in tail):
                cand.note("apposition names an organisation", 2, org=2)
            elif any(w in _ROLES for w in tail):
                cand.note("apposition names a role", 2, person=2)
        if words[-1].possessive:
            cand.note("possessive", 1)
        self._shape(cand, [w.text for w in words])
        return key

    def _shape(self, cand: _Cand, words: list[str]) -> None:
        """Evidence from the name itself: an organisation head word, a known given name."""
        low_words = [w.casefold() for w in words]
        # A head word that starts the name ("University of Tokyo", "Institut CSA", "Royal Academy
        # of Brussels") says more about its kind than one that ends it ("… Union").
        last = low_words[-1]
        prefix = None
        if len(words) > 1 and low_words[0] in _NAME_PREFIXES and low_words[1] not in _JOINERS:
            prefix = 0
        else:
            for k in range(len(words) - 2):
                if low_words[k] in _PREFIX_HEADS and low_words[k + 1] in _OF_WORDS:
                    prefix = k
                    break
        if prefix is not None:
            cand.note(f"'{words[prefix]}' name", 3, org=3)
            cand.kind = cand.kind or HEAD_KIND.get(low_words[prefix])
        elif len(words) > 1 and HEAD_KIND.get(last):
            cand.note(f"head word '{words[-1]}'", 3, org=3)
            cand.kind = cand.kind or HEAD_KIND[last]
        first = fold_given(words[0])
        if "-" in first and first not in self.gaz.given_names:
            first = first.split("-", 1)[0]  # "Mei-Ling", "Jean-Baptiste"
        if 2 <= len(words) <= 4 and all(w[0].isupper() and w.replace("-", "").isalpha() for w in words):
            if first in self.gaz.given_names:
                cand.note("known given name", 3, person=3)
            elif first in self.gaz.ambiguous_given_names:
                cand.note("ambiguous given name", 1, person=1)

    def _governments(self, text: str) -> None:
        # "the French government", "China's government", "the U.S. military".
        if not _GOV_HINT.search(text):
            return
        for m in _GOVERNMENT.finditer(text):
            who, _, what = m.group(1), m.group(2), m.group(3)
            if who.startswith(("The ", "the ")):
                who = who[4:]  # "The Polish government" opening a sentence
            key = name_key(who)
            demonym = self.gaz.countries.get(key)
            if demonym is None and not (
                what == "administration"
                and who.split()[-1][:1].isupper()
                and name_key(who) not in self.gaz.not_actors
                and who.istitle()
            ):
                continue
            if demonym is None:  # "the Biden administration"
                if self._common_word(who.split()[0]) and len(who.split()) == 1:
                    continue
                surface = f"{who} {what}"
                merge = name_key(surface)
            else:
                surface = f"{who}{m.group(2) or ''} {what}"
                merge = name_key(f"{demonym} {what}")
            inner = self.cands.get(name_key(who))
            if inner is not None and inner.forms.get(who, 0) > 0:
                # "Biden" inside "the Biden administration" is not a mention of Biden.
                inner.forms[who] -= 1
                inner.prose -= 1
                if inner.prose <= 0 and sum(inner.forms.values()) <= 0:
                    del self.cands[name_key(who)]
            cand = self.cands[merge]
            cand.forms[surface] += 1
            cand.prose += 1
            cand.alone += 1
            cand.mid += 1
            cand.note(f"'{what}' of a country or leader", 4, org=4)
            cand.kind = "public-body"
            if demonym is not None:
                # One name across digests: "China's government" and "the Chinese government".
                cand.canonical = f"{demonym} {what}"

    def listed(self, items: list[str], where: str) -> None:
        """Keywords (and themes): each item is a candidate on its own if it is capitalised."""
        for item in items:
            item = item.strip()
            if not item or not any(c.isupper() for c in item):
                continue
            key = name_key(item)
            tokens = _tokens(item)
            if key in self.cands or self.gaz.lookup(item) or any(t.text[0].isupper() for t in tokens):
                cand = self.cands[key]
                cand.forms[item] += 1
                cand.alone += 1
                cand.note(f"capitalised {where}", 1)
                # A keyword is a name on its own: its shape counts ("Heritage Foundation").
                if tokens and all(_is_cap(t.text) or t.text.casefold() in _JOINERS for t in tokens):
                    self._shape(cand, [t.text for t in tokens])
            low = [t.text.casefold() for t in tokens]
            if self.gaz.rejects(item) or (low and low[-1] in _LAW_HEADS):
                continue  # "EU AI Act" names a law, not the EU
            for i in range(len(tokens)):  # "DARPA US2QC": a known name inside a keyword
                if not tokens[i].cap or not self.gaz.may_start(tokens[i].text):
                    continue
                for j in range(min(len(tokens), i + 6), i, -1):
                    surface = _surface(item, tokens, i, j)
                    entry = self.gaz.lookup(surface)
                    if (
                        entry
                        and not entry.ambiguous
                        and name_key(surface) != key
                        and not (j == i + 1 and tokens[i].text[1:].islower())
                    ):
                        inner = self.cands[name_key(surface)]
                        inner.forms[surface] += 1
                        inner.inside.add(key)
                        inner.note(f"in a {where}", 1)
                        break

    def title_case(self, text: str, where: str, row: tuple[str, int] | None = None) -> None:
        """Title Case text confirms names found elsewhere; only the gazetteer adds new ones."""
        self.segments.append((text, where, row))
        tokens = _tokens(text)
        n = len(tokens)
        for i in range(n):
            if not self.gaz.may_start(tokens[i].text):
                continue  # no known name starts with this word: skip its n-grams
            for j in range(min(n, i + 6), i, -1):
                surface = _surface(text, tokens, i, j)
                entry = self.gaz.lookup(surface)
                # In Title Case every word has a capital: a plain one-word name ("Liberation",
                # "Block") is no evidence here; "GitHub", "NATO" or "Hugging Face" are.
                plain = j == i + 1 and tokens[i].text[:1].isupper() and tokens[i].text[1:].islower()
                if entry and not entry.ambiguous and _is_cap(tokens[i].text) and not plain:
                    cand = self.cands[name_key(surface)]
                    cand.forms[surface] += 1
                    cand.alone += 1
                    break


def _decide(gaz: Gazetteer, key: str, cand: _Cand, vocabulary: set[str]) -> Actor | None:
    # The fullest form names the actor (a bracketed short form is only an alias).
    surface = max(cand.forms, key=lambda f: (len(f.split()), cand.forms[f], len(f), f)) if cand.forms else key
    words = surface.split()
    # A capital at the start of a sentence says nothing: a plain word seen only there
    # ("Scientists said…", "Reliance on…") needs more evidence than its capital.
    only_initial = cand.mid == 0 and len(words) == 1 and words[0][:1].isupper() and words[0][1:].islower()
    entry = gaz.entries.get(key)
    if entry is not None and key in gaz.acronyms and not any(f.isupper() for f in cand.forms):
        entry = None  # "Un" (French "a") is not the UN
    if entry is not None:
        # "ICE" in capitals is the agency; "Ice" or "ice" would not have matched an acronym.
        shouting = all(f.replace(".", "").isupper() and len(f) > 1 for f in cand.forms) if cand.forms else False
        if entry.ambiguous and not shouting and cand.score < 2:
            return None
        if only_initial and cand.score < 1:
            return None  # "Reliance on…" opens a sentence; Reliance Industries needs more than that
        actor = Actor(surface, entry.type, entry.kind if entry.type == ORGANISATION else None, canonical=entry.name)
        actor.evidence = ["gazetteer", *cand.evidence]
        return actor
    if (words[0].casefold() in _PLACE_WORDS and not cand.kind) or (
        len(words) > 1 and words[-1].casefold() in _LAW_HEADS
    ):
        return None  # "Lake Naivasha", "Gulf"; "Digital Services Act"
    why = gaz.rejects(surface)
    # A product name can stand for its company ("Twitter announced"): two kinds of evidence
    # override the list of products; nothing overrides places, laws or generic words.
    if why and not (why == "products" and cand.score >= 4):
        return None
    if all(w.casefold() in _EDGE_WORDS or w.casefold() in _ROLES for w in words):
        return None
    if cand.prose == 0 and cand.strong < 3:  # only in keywords or Title Case text: its shape must say it
        return None
    score = cand.score + (1 if cand.mid >= 2 else 0)
    # Keywords and repeats only add to evidence from context or shape: a capitalised keyword
    # used often is as likely a product ("Flipper Zero") as an organisation.
    # At a sentence start an ordinary word ("Researchers announced") needs two kinds of evidence;
    # a word this digest never writes in lower case ("Maybelline collaborated") needs a little less.
    need = (4 if words[0].casefold() in vocabulary else 3) if only_initial else 2
    if cand.strong < 2 or score < need:
        return None
    type_ = PERSON if cand.person > cand.org else ORGANISATION
    return Actor(
        surface,
        type_,
        cand.kind if type_ == ORGANISATION else None,
        canonical=cand.canonical,
        evidence=list(cand.evidence),
    )


def _person_shaped(words: list[str]) -> bool:
    return 2 <= len(words) <= 4 and all(
        w[:1].isupper()
        and w.replace("-", "").replace("'", "").isalpha()
        and w.casefold() not in HEAD_KIND
        and w.casefold() not in _ROLES
        and w.casefold() not in _EDGE_WORDS
        for w in words
    )


def _surname_evidence(cands: dict[str, _Cand], gaz: Gazetteer, vocabulary: set[str]) -> None:
    """Journalists give a person's full name once, then the surname alone: "Khurram Sadiq … Sadiq
    highlights". A full name whose last word also stands alone is a person's, and the lone
    surname's evidence is the person's evidence."""
    for cand in list(cands.values()):
        if not cand.forms or not cand.prose:
            continue
        surface = max(cand.forms, key=lambda f: (cand.forms[f], f))
        words = surface.split()
        # The first word must not be an ordinary word ("Implementing AI", "Top AI", "Feeding
        # India") and the surname must look like one (not "AI").
        if (
            not _person_shaped(words)
            or gaz.rejects(surface)
            or gaz.lookup(surface)
            or fold_given(words[0]) in vocabulary
            or words[0].casefold() in gaz.countries
            or not (words[-1][1:].islower() and words[-1].isalpha())
            or gaz.rejects(words[-1])
            or (words[0].endswith("ing") and fold_given(words[0]) not in gaz.given_names)
        ):
            continue  # "Performing Arts", "Feeding India"
        alone = cands.get(name_key(words[-1]))
        if alone is None or alone is cand or not alone.prose or gaz.lookup(words[-1]):
            continue
        cand.note("surname used alone", 3 + alone.score, person=3 + alone.score)


def _merge_aliases(actors: dict[str, Actor], forms: dict[str, Counter]) -> dict[str, Actor]:
    """Fold surnames, short forms and acronyms into the actor they stand for.

    Two actors the gazetteer knows apart ("Meta" and "Meta AI") stay apart.
    """
    keys = sorted(actors, key=lambda k: (-len(k.split()), k))
    merged: dict[str, Actor] = {}
    for key in keys:
        actor = actors[key]
        target = None
        words = key.split()
        for other_key, other in merged.items():
            other_words = other_key.split()
            if len(words) >= len(other_words) or (actor.canonical and actor.canonical != other.canonical):
                continue
            if other.type == PERSON and words == other_words[-len(words) :]:
                target = other  # "Goyal" -> "Deepinder Goyal"
            elif other.type == ORGANISATION and words == other_words[: len(words)] and actor.type == ORGANISATION:
                target = other  # "Heritage" -> "Heritage Foundation"
            elif len(words) == 1 and len(key) >= 2 and key == "".join(w[0] for w in other_words if w not in _JOINERS):
                target = other  # "NWS" -> "National Weather Service"
            if target:
                break
        if target is None:
            merged[key] = actor
            actor.aliases = sorted(forms[key]) if forms.get(key) else [actor.name]
        else:
            target.aliases = sorted(set(target.aliases) | set(forms.get(key) or [actor.name]))
    return merged


def extract(digest: Digest, gazetteer: Gazetteer | None = None, vocabulary: set[str] | None = None) -> list[Actor]:
    """The actors a digest names, sorted by name.

    Parameters
    ----------
    digest : Digest
        A parsed digest.
    gazetteer : Gazetteer, optional
        Known organisations, people and non-actors (default: the shipped one).
    vocabulary : set of str, optional
        Lower-case words seen in the corpus, used to tell a capitalised sentence opener ("Researchers")
        from a name; default: the words of this digest (pooling a corpus' words measured no better).

    Returns
    -------
    list of Actor
    """
    gaz = gazetteer or load_gazetteer()
    vocab = vocabulary if vocabulary is not None else digest_vocabulary(digest)
    sc = _Scanner(gaz, vocab)
    if digest.summary:
        sc.prose(digest.summary, "summary")
    for kind in TABLE_KINDS:
        for n, row in enumerate(digest.rows(kind)):
            # One text per row, cells on their own lines (a line break ends a name and a
            # sentence): a quarter of the calls for the same result.
            cells = [v for v in (row.description, row.change, row.horizon, row.driving_force) if v]
            if cells:
                sc.prose("\n".join(cells), kind, (kind, n))
    sc.listed(digest.keywords, "keyword")
    sc.title_case(digest.title, "title")
    for kind in TABLE_KINDS:
        for n, row in enumerate(digest.rows(kind)):
            if row.name:
                sc.title_case(row.name, f"{kind} name", (kind, n))
    _surname_evidence(sc.cands, gaz, vocab)
    for short, long in sc.short_forms.items():
        # The short form shares the name's fate: kept (as an alias) if and only if the name is.
        # A short form defined in the text ("Supreme Federal Court (STF)") wins over the
        # gazetteer's reading of the same letters.
        if short in sc.cands and long in sc.cands and short != long:
            sc.cands[long].forms.update(sc.cands.pop(short).forms)
    decided: dict[str, Actor] = {}
    forms: dict[str, Counter] = {}
    outcome = {key: _decide(gaz, key, cand, vocab) for key, cand in sc.cands.items()}
    for key, cand in sc.cands.items():
        actor = outcome[key]
        if actor is not None and not cand.alone and any(outcome.get(k) for k in cand.inside):
            continue  # "NHS" only ever inside "NHS England", which is kept: one actor, not two
        if actor is not None:
            main = actor.canonical or actor.name
            if name_key(main) in gaz.same_as:
                actor.canonical = main = gaz.same_as[name_key(main)]
            merge_key = name_key(main)
            if merge_key in decided:
                kept = decided[merge_key]
                kept.evidence.extend(e for e in actor.evidence if e not in kept.evidence)
                if len(actor.name.split()) > len(kept.name.split()):
                    kept.name = actor.name  # "European Union" and "EU" in one digest: the fuller one
                forms[merge_key].update(cand.forms)
            else:
                decided[merge_key] = actor
                forms[merge_key] = Counter(cand.forms)
    actors = _merge_aliases(decided, forms)
    for actor in actors.values():
        # The short forms the digest uses ("Ollendorf's team", "Heritage denied") are aliases even
        # when they were too weak to be names on their own.
        words = actor.name.split()
        short = words[-1] if actor.type == PERSON else words[0] if len(words) > 1 else ""
        short_cand = sc.cands.get(name_key(short)) if short[:1].isupper() else None
        known = gaz.lookup(short) if short_cand is not None else None
        if (
            short_cand is not None
            and name_key(short) not in actors
            and (known is None or known.name == actor.canonical)
            and not gaz.rejects(short)
        ):  # "Chinese" is not a short form of "Chinese government"
            actor.aliases = sorted(set(actor.aliases) | {f for f, n in short_cand.forms.items() if n > 0})
    _link_rows(actors.values(), sc.segments)
    return sorted(actors.values(), key=lambda a: (a.name.casefold(), a.name))


def _link_rows(actors, segments) -> None:
    patterns = []
    for actor in actors:
        forms = sorted({actor.name, *actor.aliases}, key=len, reverse=True)
        patterns.append((actor, re.compile(r"(?<!\w)(?:" + "|".join(re.escape(f) for f in forms) + r")(?!\w)")))
    for actor, pattern in patterns:
        rows = []
        for text, _, row in segments:
            if row is not None and row not in rows and pattern.search(text):
                rows.append(row)
        actor.rows = sorted(rows, key=lambda r: (TABLE_KINDS.index(r[0]), r[1]))


_WORD = re.compile(r"[a-zà-ÿ][a-zà-ÿ'’\-]+")


def digest_vocabulary(*digests: Digest) -> set[str]:
    """Lower-case words of digests' prose: a capitalised word also seen in lower case is a common word."""
    words: set[str] = set()
    for d in digests:
        texts = [d.summary or "", *d.keywords, *d.themes]
        for kind in TABLE_KINDS:
            for row in d.rows(kind):
                texts.extend(v for v in (row.description, row.change, row.horizon, row.driving_force) if v)
        for text in texts:
            words.update(_WORD.findall(text))
    return words


def extract_paths(
    paths, gazetteer: Gazetteer | None = None, mapping=None
) -> tuple[dict[str, list[Actor]], list[Problem]]:
    """Parse digest files and extract their actors: ``({file name: [Actor, …]}, problems)``."""
    from graphkit.ingest.parse import DigestError, parse_file

    gaz = gazetteer or load_gazetteer()
    found: dict[str, list[Actor]] = {}
    problems: list[Problem] = []
    for path in paths:
        try:
            digest = parse_file(Path(path), mapping=mapping) if mapping is not None else parse_file(Path(path))
        except DigestError as exc:
            problems.append(
                exc.problem if hasattr(exc, "problem") else Problem(str(path), None, str(exc), level="error")
            )
            continue
        problems.extend(digest.problems)
        # Each digest is read on its own (its own vocabulary), as the build does: a digest's actors
        # never depend on which other files were given.
        name = Path(path).name
        found[name if name not in found else str(path)] = extract(digest, gaz)
    return found, problems


_ACTOR_FACTS = """
SELECT ?actor ?type ?kind WHERE {
  ?actor a gk:Actor .
  OPTIONAL { ?actor a schema:Person . BIND("person" AS ?person) }
  OPTIONAL { ?actor gk:actorKind ?kind }
  BIND(COALESCE(?person, "organisation") AS ?type)
}"""


def rank_actors(kg, top: int = 20, actor_type: str | None = None) -> list[dict]:
    """The built graph's actors ranked by how many articles mention them, then by PageRank.

    Parameters
    ----------
    kg : graphkit.graph.KnowledgeGraph
    top : int
        How many to return.
    actor_type : {"organisation", "person"}, optional

    Returns
    -------
    list of dict
        ``rank, name, type, kind, articles, pagerank, degree, iri`` per actor.
    """
    facts = {r["actor"]: r for r in kg.query(_ACTOR_FACTS).records()}
    if not facts:
        return []
    projection = kg.projection()
    types = {n[0]: n[1] for n in projection["nodes"]}
    labels = {n[0]: n[2] for n in projection["nodes"]}
    articles: Counter = Counter()
    for a, b, _ in projection["edges"]:
        for x, y in ((a, b), (b, a)):
            if types.get(x) == "actor" and types.get(y) == "article":
                articles[x] += 1
    scores = kg.analysis()["scores"]
    rows = []
    for iri, fact in facts.items():
        if actor_type and fact["type"] != actor_type:
            continue
        rows.append(
            {
                "name": labels.get(iri, iri),
                "type": fact["type"],
                "kind": fact.get("kind"),
                "articles": articles[iri],
                "pagerank": scores["pagerank"].get(iri, 0.0),
                "degree": scores["degree"].get(iri, 0),
                "iri": iri,
            }
        )
    rows.sort(key=lambda r: (-r["articles"], -r["pagerank"], r["name"].casefold(), r["iri"]))
    return [{"rank": i, **r} for i, r in enumerate(rows[:top], start=1)]
