"""Direct quotations and who said them, by rules over the article text.

Quotations are marked typographically and attributed with a small set of patterns ("…,” X
said", "said X", "X said: “…”", "according to X", "— X", "X accused Y of “…”", "the
statement said"), so a scan of the quote marks plus a look at the few words around each
quote finds them in microseconds, for any language whose cue words are listed in
``data/speech_verbs.txt`` (extend it, or add files named in ``STORYLINE_SPEECH_VERBS``).
Only ``doc.text``, the sentence starts and the mentions are read: no parser, no per-token
loop.

Decisions, so that they can be checked against an evaluation:

* Marks: "…", “…”, „…“, „…”, «…», »…«, ‹…›, 「…」, 『…』 and the ''…'' of some wire copy.
  Single ‘…’ and '…' count only when they open before a word and close after one within a
  paragraph (so "don’t", "the ’90s", "voters’" are apostrophes, not quotes).
* Nested quotes belong to the outer quote: one ``Quote`` per outermost quotation.
* A quote left open at the end of its paragraph continues when the next paragraph opens
  with a mark (the multi-paragraph convention); otherwise it ends at the paragraph end (and
  at most ``MAX_UNCLOSED`` characters later), so a stray mark never swallows the article.
  Single quotes and guillemets opening the German way (»…«) are never left open.
* ``partial`` is True when the quote does not stand as a sentence or clause of its own: it
  opens mid-sentence (``called it “a grave mistake”``), starts with a lowercase letter, or
  its sentence runs on after the closing mark ("“…” for the executives, she said").
* Quoted titles (Title Case, two to six words: “Fox News Sunday”) inside a sentence are
  names, not speech: no speaker.
* Scare quotes: a partial quote of one or two words is given a speaker only when a cue is
  right there (a cue verb within the last eight words before it, "called it “spy”", or a
  clause-ending quote followed by "X said"), never by continuation, and never after
  "so-called" and its translations. So the “spy” balloon has no speaker.
* Speakers: a mention near the cue (the subject before the verb, the name after "said" or
  "according to"); when the cue's subject is a pronoun (he/she/they; er/sie; él/ella;
  il/elle) it is resolved to the nearest preceding PERSON mention, gender-agnostic ("it" to
  the nearest ORG/GPE); otherwise a short noun phrase ("the spokesman", "officials"), whose
  text is then the speaker. A quote that opens a sentence and has no cue of its own, in the
  paragraph of the previous attributed quote or the one after it, continues that quote's
  speaker (cue "continued"; speaker span = the words that named that speaker, in the
  earlier sentence). A full quote with no speaker breaks the chain.
* Reporting verbs besides "said" are cues too ("accused X of “…”", "denounced X as “…”",
  "urged X to “…”", "warned of “…”"; ``_MORE_CUES``), but not when passive ("was accused
  of", "a man accused of", "widely criticised as": then no earlier verb is looked at
  either), adjectival ("the reported “attack”") or after "to" (whose subject is the main
  clause's: "went on television to accuse …").
* Documents speak for whoever issued them: "a statement from X", "a readout of the call
  released by X", "X's statement", "a government statement" name X; "the statement" (or
  "the readout") names the issuer of the document mentioned last ("X issued a statement",
  "X said in a readout", "a statement from X"), with the words "the statement" as the span.
  "The ministry" names the organisation mentioned before with that word in its name ("the
  Foreign Ministry"), again with its own words as the span.
* "… what she called “…”": she is the sentence's first person named, not the nearest. A
  headline's "Jane Doe: “…”" or "A lesson from Jane Doe: “…”" is Jane Doe's. When "X verb:
  “…,” she said" names the speaker twice, the name is the span, and "she" the span of the
  quote that continues it.
* Nothing here is tuned to one corpus's names; the rules were checked against the "tune"
  half of PolNeAR dev (see ``evaluation.quotes``).
"""

from __future__ import annotations

import os
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from spacy.tokens import Doc

from storyline.extract.nlp import text_of
from storyline.extract.types import Mention, Quote

#: An unclosed quote ends at its paragraph's end, or this many characters after it opened.
MAX_UNCLOSED = 600
#: Paragraphs a multi-paragraph quote may run over, and characters in all.
MAX_PARAGRAPHS = 8
MAX_QUOTE_CHARS = 8000
#: Longest quote within one paragraph: a closing mark further away is not looked for.
MAX_PARAGRAPH_QUOTE = 3000
#: Single-quoted (‘…’, '…') quotations longer than this are taken for apostrophes.
MAX_SINGLE = 300
#: Characters looked at on either side of a quote for its attribution.
CONTEXT = 300
#: Partial quotes of at most this many words are scare quotes unless a cue is right there.
SCARE_WORDS = 2
#: Words before the opening mark in which a scare quote's cue must be.
SCARE_CUE_WORDS = 8

# Opening mark -> the marks that close it.
_PAIRS: dict[str, tuple[str, ...]] = {
    '"': ('"', "”"), "''": ("''",), "“": ("”", '"', "“"), "„": ("“", "”", '"'),
    "«": ("»",), "»": ("«",), "‹": ("›",), "›": ("‹",), "‘": ("’", "'"), "'": ("'", "’"),
    "「": ("」",), "『": ("』",), "”": ("”",),
}
# Openers that may be left unclosed (the quote then ends at the paragraph end).
_STRONG = frozenset({'"', "''", "“", "„", "«", "「", "『"})
_SINGLE = frozenset({"‘", "'"})
_MARK = re.compile(r"''|[\"“”„«»‹›‘’'「」『』]")
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Mx|Dr|Sen|Sens|Rep|Reps|Gov|Gen|Lt|Col|Sgt|Capt|Cmdr|Adm|Maj|Brig|Prof|"
    r"St|Jr|Sr|Rev|Hon|Del|Pres|Sec|Amb|Atty|Supt|Insp|Mt|No|Nos|Inc|Corp|Co|Ltd|Bros|vs|etc|approx|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Ariz|Calif|Colo|Conn|Fla|Ga|Ill|Ind|Kan|"
    r"Ky|La|Mass|Md|Mich|Minn|Miss|Mo|Mont|Neb|Nev|Okla|Ore|Pa|Tenn|Tex|Va|Vt|Wash|Wis|Wyo|"
    r"Sra|Sr|Dra|Mme|Mlle|Hr|Fr|Nr|bzw|ca|z\.B|d\.h)|\b[A-Z](?:\.[A-Z])*)$")
_SENT_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s|$)")
_SPACE_PUNCT = " \t\r\n,;:"
_DASH = re.compile(r"\s*(?:[―—–]|--)\s*")
_WORD = re.compile(r"[^\W_][\w'’.-]*")
_LEADING_CONJ = re.compile(
    r"^(?:(?:and|but|yet|so|then|also|while|as|und|aber|y|pero|et|mais)\s+)+", re.IGNORECASE)
def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words that cannot start a speaker noun phrase (prepositions, adverbs, time words, clauses).
_NP_STOP = _wordset("""
in on at for with from to of as by about into over after before since during until when
while if because although though that which who whom whose what where why how this these
it its it's there here then also later earlier again still just even only not never now
today tonight yesterday tomorrow last next recently previously once twice monday tuesday
wednesday thursday friday saturday sunday morning evening afternoon night week month year
january february march april may june july august september october november december
a an the
""") - {"a", "an", "the"}
_POST_STOP = _NP_STOP | {"that", "he", "she", "they", "it", "we", "i", "you"}
# Words that cannot stand between a subject and its verb ("Clinton before asking").
_GAP_STOP = _wordset("""
in on at for with from to of as by about into over after before since during until when
while if because although though that which who whom whose what where why how and but or
nor than than whether like unlike against toward towards
""")
_SUBORDINATORS = _wordset("""
when while as after before because since if although though but and so which who where
until unless whereas once
""")
_DIRECT_GAP = re.compile(r"(?:['’]s?)?(?:\s+[a-zäöüéèáíóú][\w'’-]*){0,2}\s*")
_APPOSED = re.compile(r"\s*,(?:[^,;:]{1,120},){1,3}(?:\s+[a-z][\w'’-]*){0,2}\s*")
_CLAUSE_HEAD = re.compile(r"[^,;(—–―]*")
_CHUNK = re.compile(r"[^,;:(\n]*")
_DET_START = re.compile(r"\s*(?:an?|the)\s+|\s+", re.IGNORECASE)
# Auxiliaries and adverbs that end a noun phrase ("a reader would now" -> "a reader").
_NP_TAIL = re.compile(
    r"(?:\s+(?:would|will|could|should|might|may|must|can|has|have|had|is|was|were|are|"
    r"also|now|then|later|again|once|further|repeatedly|previously|recently|often|"
    r"never|not|already|still|just|even|only|first|quickly|simply|flatly|bluntly)\b)+\s*$")
_DETERMINERS = _wordset("the a an der die das ein eine el la los las un una le les une")
_CUE_EXT = re.compile(
    r"[ \t]+(?:in|on|at|during|via|through|over)\s+(?:[\w’'-]+\s+){0,3}?"
    r"(?:statement|interview|tweet|post|speech|briefing|conference|call|e-?mail|letter|"
    r"readout|message|video|address|rally|hearing|remarks|op-ed|blog|note|release|Twitter|"
    r"Facebook|Instagram|television|radio|podcast|show|broadcast|program|programme)s?\b")
_BY_PHRASE = re.compile(
    r"\b((?:readout|statement|communiqu[eé]|transcript|memo|letter|release|report|post|"
    r"tweet|video|message)s?\s+(?:released|issued|published|posted|sent|distributed|"
    r"put\s+out|shared)\s+by)\s+", re.IGNORECASE)
# Documents that speak for whoever issued them: "the statement said", "a readout of the call".
_DOC = (r"(?:statement|readout|read-out|communiqu[eé]|(?:press\s+)?release|transcript|memo|"
        r"memorandum|letter|report|declaration|announcement|notice|bulletin|filing)s?")
_DOC_WORD = re.compile(rf"(?<![\w-]){_DOC}(?![\w-])", re.IGNORECASE)
_DOC_ADJ = (r"(?:(?:joint|new|latest|brief|short|written|separate|official|formal|earlier|"
            r"later|first|second|lengthy|detailed|terse|strongly-worded|strongly\s+worded)\s+)")
_ISSUED_BY = (r"(?:(?:issued|released|published|posted|sent|distributed|put\s+out|shared)"
              r"\s+)?(?:from|by)\s+")
# Speaker phrases that name a document, and where in them its issuer is named.
# What a document is about: "a readout of the call", "a statement on the talks".
_DOC_TOPIC = r"(?:\s+(?:of|on|about)\s+(?:the\s+|their\s+|its\s+)?[\w’'-]+(?:\s+[\w’'-]+){0,2}?)"
_DOC_FROM = re.compile(  # "a statement from the ministry", "a readout of the call issued by X"
    rf"\s*(?:(?:an?|the|its|their|this|that)\s+)?(?:[\w-]+\s+){{0,2}}?{_DOC}{_DOC_TOPIC}?,?\s+"
    rf"{_ISSUED_BY}", re.IGNORECASE)
_DOC_OF = re.compile(  # "the agency's statement", "a government statement"
    rf"(?P<who>.+?)(?P<poss>['’]s?)?\s+{_DOC_ADJ}?{_DOC}", re.IGNORECASE)
_DOC_ALONE = re.compile(rf"(?:the|this|that)\s+(?:[\w-]+\s+)?{_DOC}{_DOC_TOPIC}?",
                        re.IGNORECASE)
_ISSUED_BY_RE = re.compile(r"\s+" + _ISSUED_BY, re.IGNORECASE)
_APPOSED_ISSUER = re.compile(r"\s*,?\s+" + _ISSUED_BY, re.IGNORECASE)
# "The ministry issued a statement", "Beijing said in a readout": the issuer is the subject.
_ISSUED = re.compile(
    r"(?<![\w-])(?:issued|released|put\s+out|published|posted|sent|distributed|made|said|"
    r"wrote|announced|added|stated|declared)\s+(?:[a-z]+\s+)?(?:(?:in|via|through)\s+)?"
    r"(?:an?|its|the|their|his|her|this)\s+(?:[\w-]+\s+){0,3}$")
# Heads of definite descriptions that refer back to an organisation named earlier ("the
# ministry" after "the Foreign Ministry").
_INSTITUTIONS = _wordset("""
ministry department government agency embassy consulate army military police navy
commission council committee company campaign party court office administration union bank
board authority bureau regulator foundation institute university federation association
alliance coalition cabinet parliament senate congress assembly secretariat presidency
""")
# A verb after these is passive ("was accused of", "is widely described as"): its subject is
# not the speaker.
_PASSIVE = re.compile(
    r"(?<![\w-])(?:is|are|was|were|be|been|being|get|gets|got|gotten|getting)"
    r"(?:\s+(?:not|also|\w+ly))?\s+$", re.IGNORECASE)
# Verbs that take an object before "as"/"of"/"for": right before those words they are passive
# participles ("a man accused of “…”", "a plan hailed as “…”"), not cues of the noun before.
_TRANSITIVE = _wordset("""
accused criticised criticized condemned denounced hailed praised described dismissed branded
labelled labeled termed dubbed blamed characterised characterized rejected mocked derided
ridiculed lambasted slammed blasted scolded charged quoted likened decried deplored welcomed
""")
_REDUCED = re.compile(r"\s+(?:of|as|for|by|with|over)(?![\w-])")
_SUBJECT_PRONOUNS = _wordset("he she they it we i you who what which whom")
# Words after which a verb form is an adjective ("the reported attack", "her dismissed aides").
_ATTRIBUTIVE = re.compile(
    r"(?<![\w-])(?:the|a|an|its|their|his|her|our|this|these|those)\s+$", re.IGNORECASE)
_POSSESSIVES = _wordset("her his their its our my your")
# "… what she called “…”": the pronoun is the main clause's subject.
_WHAT_PRON = re.compile(r"(?<![\w-])what\s+$", re.IGNORECASE)
_FR_INVERSION = re.compile(
    r"^[\s,]*((?:[a-zàâçéèêëîïôûùüÿœ]+-(?:t-)?)(il|elle|ils|elles)"
    r"(?:\s+[a-zàâçéèêëîïôûùüÿœ]+(?=[\s.,;!?]|$))?)")
_PRONOUNS: dict[str, tuple[str, ...]] = {
    "en": ("he", "she", "they", "it"), "de": ("er", "sie"),
    "es": ("él", "ella", "ellos", "ellas"), "fr": ("il", "elle", "ils", "elles"),
}
_PRO_DROP = frozenset({"es", "it", "pt"})
# Words that are no speaker on their own (a pronoun is one only when it can be resolved).
_LONE = _DETERMINERS | _POSSESSIVES | _SUBJECT_PRONOUNS | frozenset(
    w for ws in _PRONOUNS.values() for w in ws)
# Reporting verbs that are not "said": accusing, condemning, praising, appealing. The quote is
# the subject's words ("accused China of an “unnecessarily aggressive” interception",
# "denounced the strike as “a flagrant violation”"). In the format of ``speech_verbs.txt``;
# they are added to the bundled list by ``default_lexicon``.
_MORE_CUES = "\n".join(["[verbs]", *sorted(_wordset("""
accuse accuses accused accusing denounce denounces denounced denouncing condemn condemns
condemned condemning decry decries decried deplore deplores deplored hail hails hailed
hailing praise praises praised praising dismiss dismisses dismissed dismissing rejected
criticise criticises criticised criticising criticize criticizes criticized criticizing
blames blamed blaming lambasted protested expresses expressed expressing welcomes welcomed
threatens threatened mocked derided ridiculed scoffed appealed calling describing
characterized characterised characterizes characterises urging vowing pledging
""")), "a accusé", "a dénoncé", "dénonce", "a condamné", "condamne",
    "a qualifié", "qualifie", "a exhorté", "acusó", "acusa", "denunció", "denuncia",
    "condenó", "condena", "calificó", "califica", "instó", "verurteilte", "verurteilt",
    "bezeichnete", "nannte", "mahnte"])


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The cue words, compiled: speech verbs, addressee verbs, "according to", scare words."""

    verbs: re.Pattern[str]
    addressee: frozenset[str]
    according: re.Pattern[str]
    scare: re.Pattern[str]


def _alternation(words: Sequence[str]) -> str:
    ordered = sorted({w for w in words if w}, key=len, reverse=True)
    if not ordered:
        return "(?!)"  # an empty section matches nothing
    return "|".join(r"\s+".join(re.escape(p) for p in w.split()) for w in ordered)


def parse_lexicon(texts: Sequence[str]) -> Lexicon:
    """A ``Lexicon`` from the contents of files in the ``speech_verbs.txt`` format."""
    sections: dict[str, list[str]] = {"verbs": [], "addressee": [], "according": [], "scare": []}
    for text in texts:
        current = "verbs"
        for raw in text.splitlines():
            line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
            if not line:
                continue
            if line.startswith("[") and line.endswith("]"):
                current = line[1:-1].strip().lower()
                sections.setdefault(current, [])
                continue
            sections[current].append(" ".join(line.split()))
    edge = r"(?<![\w-])(?:{})(?![\w-])"
    return Lexicon(
        verbs=re.compile(edge.format(_alternation(sections["verbs"] + sections["addressee"]))),
        addressee=frozenset(sections["addressee"]),
        according=re.compile(edge.format(_alternation(sections["according"])), re.IGNORECASE),
        scare=re.compile(r"(?<![\w-])(?:{})\s*$".format(_alternation(sections["scare"])),
                         re.IGNORECASE),
    )


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The bundled cue list plus the files named in ``STORYLINE_SPEECH_VERBS``."""
    texts = [(resources.files("storyline.extract") / "data" / "speech_verbs.txt")
             .read_text(encoding="utf-8"), _MORE_CUES]
    for name in os.environ.get("STORYLINE_SPEECH_VERBS", "").split(os.pathsep):
        if name.strip():
            texts.append(Path(name.strip()).read_text(encoding="utf-8"))
    return parse_lexicon(texts)


@lru_cache(maxsize=16)
def _pronoun_re(lang: str) -> re.Pattern[str]:
    words = _PRONOUNS.get(lang, _PRONOUNS["en"])
    forms = [w for p in words for w in (p, p[0].upper() + p[1:])]
    return re.compile(r"(?<![\w-])(?:{})(?![\w-])".format("|".join(forms)))


@dataclass(frozen=True, slots=True)
class _Speaker:
    name: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Span:
    open: int        # position of the opening mark
    start: int       # first character inside the marks
    end: int         # end of the quoted words
    close_end: int   # just after the closing mark (== end when unclosed)
    closed: bool


def _sentence_starts(doc: Doc) -> list[int]:
    """Character offsets of the sentence starts, read as arrays (no loop over tokens)."""
    if not len(doc):
        return [0]
    flags = doc.to_array("SENT_START")
    offsets = doc.to_array("IDX")
    starts = offsets[flags == 1].tolist()
    return starts if starts and starts[0] == 0 else [0, *starts]


def _wordchar(ch: str) -> bool:
    """A letter or digit of a script that spaces its words (CJK marks may follow a word)."""
    return ch.isalnum() and ord(ch) < 0x2E80


def _opens(text: str, pos: int, mark: str) -> bool:
    after = pos + len(mark)
    nxt = text[after] if after < len(text) else ""
    prv = text[pos - 1] if pos else " "
    if not nxt or nxt in "\r\n":
        return False
    if mark in ("「", "『"):
        return True
    if mark in ("“", "„", "«", "‹"):
        return not _wordchar(prv)
    if mark in ('"', "''", "»", "›"):
        return not nxt.isspace() and not _wordchar(prv)
    if mark in _SINGLE:
        return nxt.isalnum() and not _wordchar(prv) and prv not in "’'"
    if mark == "”":  # a right mark used to open: only before a word, after a space
        return prv.isspace() and nxt.isalpha()
    return False


def _closes(text: str, pos: int, mark: str) -> bool:
    prv = text[pos - 1] if pos else " "
    after = pos + len(mark)
    nxt = text[after] if after < len(text) else ""
    if mark in ('"', "''", "“"):
        return not (prv.isspace() and nxt.isalnum())
    if mark in ("’", "'"):
        return not prv.isspace() and not nxt.isalnum()
    return True


class _Article:
    """One document's text with the indexes the rules look things up in."""

    def __init__(self, doc: Doc, text: str, mentions: Sequence[Mention],
                 lexicon: Lexicon) -> None:
        self.text = text
        self.lex = lexicon
        self.lang = doc.lang_ or "en"
        self.pronouns = _pronoun_re(self.lang)
        self.sent_starts = _sentence_starts(doc)
        breaks = list(re.finditer(r"[ \t]*\n\s*", text))
        self.para_starts = [0] + [m.end() for m in breaks]
        self.para_ends = [m.start() for m in breaks] + [len(text)]
        self.mentions = sorted(mentions, key=lambda m: (m.start, -m.end))
        self.m_starts = [m.start for m in self.mentions]
        people = [m for m in self.mentions if m.kind == "PERSON"]
        groups = [m for m in self.mentions if m.kind in ("ORG", "GPE")]
        self.people, self.p_ends = people, [m.end for m in people]
        self.groups, self.g_ends = groups, [m.end for m in groups]
        self.q_starts: list[int] = []  # the quotes, once found
        self.q_ends: list[int] = []
        self.depth = 0  # issuer look-ups in progress (a statement's issuer may be "it")
        # Quote start -> the last words that named its speaker, when not its speaker span
        # ("X scolded him: “…,” she said": "she"), for the quotes that continue it.
        self.last_named: dict[int, tuple[int, int]] = {}

    # -- positions -------------------------------------------------------------------------

    def para(self, pos: int) -> int:
        return max(0, bisect_right(self.para_starts, pos) - 1)

    def sentence(self, pos: int) -> int:
        return max(0, bisect_right(self.sent_starts, pos) - 1)

    def sentence_end(self, a: int, b: int) -> int:
        """End of the first sentence that ends in ``text[a:b]`` (``b`` when none does)."""
        for m in _SENT_END.finditer(self.text, a, b):
            head = self.text[max(a, m.start() - 12):m.start()]
            if m.group()[0] == "." and _ABBREV.search(head):
                continue
            return m.end()
        return b

    def sentence_start(self, a: int, b: int) -> int:
        """Start of the sentence that ``b`` is in, looking no further back than ``a``."""
        start = a
        for m in _SENT_END.finditer(self.text, a, b):
            head = self.text[max(a, m.start() - 12):m.start()]
            if m.group()[0] == "." and _ABBREV.search(head):
                continue
            start = m.end()
        return start

    # -- quote marks -----------------------------------------------------------------------

    def spans(self) -> list[_Span]:
        text = self.text
        marks = [(m.start(), m.group()) for m in _MARK.finditer(text)]
        positions = [p for p, _ in marks]
        out: list[_Span] = []
        i, n = 0, len(marks)
        while i < n:
            pos, mark = marks[i]
            if mark not in _PAIRS or not _opens(text, pos, mark):
                i += 1
                continue
            found, resume = self._close(marks, i)
            if found is not None:
                out.append(found)
                resume = max(resume, bisect_left(positions, found.close_end))
            i = max(resume, i + 1)
        return out

    def _close(self, marks: list[tuple[int, str]], i: int) -> tuple[_Span | None, int]:
        """The quote opened by ``marks[i]`` and the index of the mark to go on from."""
        text, n = self.text, len(marks)
        pos, mark = marks[i]
        start = pos + len(mark)
        stack = [mark]
        para_end = self.para_ends[self.para(pos)]
        # No quote is searched for further than this, so that bad input stays linear.
        limit = min(para_end, pos + (MAX_SINGLE if mark in _SINGLE else MAX_PARAGRAPH_QUOTE))
        paragraphs = 1
        j = i + 1
        while True:
            while j < n and marks[j][0] < limit:
                p2, m2 = marks[j]
                level = next((k for k in range(len(stack) - 1, -1, -1)
                              if m2 in _PAIRS[stack[k]] and _closes(text, p2, m2)), None)
                if level == 0:
                    if mark in _SINGLE and p2 - start < 2:
                        return None, i + 1  # rock 'n' roll
                    return _Span(pos, start, p2, p2 + len(m2), True), j + 1
                if level is not None:
                    del stack[level:]
                elif m2 in _PAIRS and len(stack) < 6 and _opens(text, p2, m2):
                    stack.append(m2)
                j += 1
            if mark not in _STRONG:
                return None, i + 1
            k = self.para(para_end) + 1
            nxt = self.para_starts[k] if k < len(self.para_starts) else len(text)
            if (limit == para_end and paragraphs < MAX_PARAGRAPHS and j < n
                    and marks[j][0] == nxt and marks[j][1] in _STRONG
                    and _opens(text, nxt, marks[j][1]) and nxt - start < MAX_QUOTE_CHARS):
                stack = [marks[j][1]]
                para_end = self.para_ends[k]
                limit = min(para_end, nxt + MAX_PARAGRAPH_QUOTE, start + MAX_QUOTE_CHARS)
                paragraphs += 1
                j += 1
                continue
            end = para_end
            if paragraphs == 1 and end - start > MAX_UNCLOSED:
                cut = self.sentence_start(start, start + MAX_UNCLOSED)
                end = cut if cut > start else start + MAX_UNCLOSED
            return _Span(pos, start, end, end, False), i + 1

    # -- speakers --------------------------------------------------------------------------

    def _mentions_in(self, a: int, b: int) -> list[Mention]:
        out = []
        k = bisect_left(self.m_starts, a)
        while k < len(self.mentions) and self.mentions[k].start < b:
            m = self.mentions[k]
            if m.end <= b:
                out.append(m)
            k += 1
        return out

    def _quoted(self, pos: int) -> bool:
        k = bisect_right(self.q_starts, pos) - 1
        return k >= 0 and pos < self.q_ends[k]

    def _resolve(self, word: str, pos: int) -> str | None:
        """The antecedent of a pronoun: the nearest PERSON (ORG/GPE for "it") before it.

        Names inside quotations are skipped: in "“Clinton lied,” he said", he is not Clinton.
        """
        names, ends = (self.groups, self.g_ends) if word.lower() == "it" else (
            self.people, self.p_ends)
        k = bisect_right(ends, pos) - 1
        while k >= 0 and self._quoted(names[k].start):
            k -= 1
        return names[k].canonical if k >= 0 else None

    def _candidates(self, a: int, b: int) -> list[tuple[int, int, str, str | None]]:
        """Mentions and pronouns in ``text[a:b]``: (start, end, kind, name)."""
        cands: list[tuple[int, int, str, str | None]] = [
            (m.start, m.end, m.kind, m.canonical) for m in self._mentions_in(a, b)]
        for p in self.pronouns.finditer(self.text, a, b):
            if not any(s <= p.start() < e for s, e, _, _ in cands):
                cands.append((p.start(), p.end(), "PRON", None))
        cands.sort()
        return cands

    def _make(self, cand: tuple[int, int, str, str | None]) -> _Speaker | None:
        start, end, kind, name = cand
        if kind == "PRON":
            name = self._resolve(self.text[start:end], start)
        return _Speaker(name, start, end) if name else None

    def _noun_phrase(self, a: int, b: int) -> _Speaker | None:
        """``text[a:b]`` as a speaker description ("the spokesman", "officials"), or None."""
        seg = self.text[a:b]
        lead = len(seg) - len(seg.lstrip(_SPACE_PUNCT + "—–―-"))
        seg = seg.strip(_SPACE_PUNCT + "—–―-")
        conj = _LEADING_CONJ.match(seg)
        if conj:
            lead += conj.end()
            seg = seg[conj.end():]
        tail = _NP_TAIL.search(seg)
        if tail:
            seg = seg[:tail.start()]
        words = _WORD.findall(seg)
        if not words or len(words) > 7 or words[0].lower() in _NP_STOP:
            return None
        if len(words) == 1 and words[0].lower() in _LONE:
            return None  # "The", "Her": no noun; "She" with no one to stand for
        verbs = [v for v in self.lex.verbs.finditer(seg)
                 if not (_ATTRIBUTIVE.search(seg, 0, v.start()) and seg[v.end():].strip())]
        if verbs or any(c in seg for c in "“”\"«»„"):
            return None
        if not (words[0].lower() in _DETERMINERS or words[0][0].isupper()
                or words[-1].endswith("s") or len(words) > 1):
            return None
        return self._refine(_Speaker(seg, a + lead, a + lead + len(seg)))

    def _refine(self, found: _Speaker) -> _Speaker | None:
        """A described speaker, read further: a document stands for its issuer ("a statement
        from the ministry", "the agency's statement", "the readout" -> who issued it), and
        "the ministry" for the organisation named earlier ("the Foreign Ministry")."""
        seg, start = found.name, found.start
        doc = _DOC_FROM.match(seg)
        if doc is not None:
            return self._description(start + doc.end(), found.end)
        doc = _DOC_OF.fullmatch(seg)
        if doc is not None:
            who = doc.group("who")
            det = re.match(r"(?:an?|the)(?:\s+|$)", who, re.IGNORECASE)
            skip = det.end() if det and not doc.group("poss") else 0
            core = who[det.end() if det else 0:]
            if core and (doc.group("poss") or core[0].isupper()
                         or core.split()[-1].lower() in _INSTITUTIONS):
                return self._description(start + skip, start + len(who))
        if _DOC_ALONE.fullmatch(seg):
            # "The statement, issued by the presidency, said"
            by = _APPOSED_ISSUER.match(self.text, found.end)
            issuer = (self.post(by.end(), min(len(self.text), by.end() + 200)) if by
                      else self._issuer(start))
            return _Speaker(issuer.name, start, found.end) if issuer else found
        return self._definite(found)

    def _description(self, a: int, b: int) -> _Speaker | None:
        """``text[a:b]`` as a speaker ("the ministry"): a mention in it, or the words up to the
        first preposition or time word, resolved by ``_definite``."""
        inside = self._mentions_in(a, b)
        if inside:
            return _Speaker(inside[0].canonical, inside[0].start, inside[0].end)
        seg = self.text[a:b]
        words = list(_WORD.finditer(seg))
        if not words:
            return None
        end = next((w.start() for w in words[1:] if w.group().lower() in _NP_STOP), len(seg))
        seg = seg[:end].rstrip(_SPACE_PUNCT)
        if not seg:
            return None
        return self._definite(_Speaker(seg, a, a + len(seg)))

    def _definite(self, found: _Speaker) -> _Speaker:
        """"The ministry" names the nearest organisation mentioned before whose name has that
        word ("the Foreign Ministry"): its canonical name, with the words that said it here."""
        words = found.name.lower().split()
        if len(words) not in (2, 3) or words[0] != "the" or words[-1] not in _INSTITUTIONS:
            return found
        k = bisect_right(self.g_ends, found.start) - 1
        while k >= 0 and found.start - self.groups[k].end < 5000:
            m = self.groups[k]
            name = m.text.lower().split()
            if (m.kind == "ORG" and all(w in name for w in words[1:])
                    and not self._quoted(m.start)):
                return _Speaker(m.canonical, found.start, found.end)
            k -= 1
        return found

    def _issuer(self, pos: int) -> _Speaker | None:
        """Who issued the document last mentioned before ``pos`` ("the statement" -> the
        ministry in "The ministry issued a statement …"), or None."""
        text = self.text
        if self.depth > 2:
            return None
        lo = max(self.para_starts[max(0, self.para(pos) - 4)], pos - 3000)
        self.depth += 1
        try:
            for occ in reversed(list(_DOC_WORD.finditer(text, lo, pos))):
                if self._quoted(occ.start()):
                    continue
                s = max(lo, self.sent_starts[self.sentence(occ.start())])
                by = _ISSUED_BY_RE.match(text, occ.end())
                if by is not None:  # "a statement from X", "the readout released by X"
                    found = self.post(by.end(), min(len(text), by.end() + 200))
                    if found is not None:
                        return found
                before = self._mentions_in(s, occ.start())
                if before and re.fullmatch(r"(?:['’]s?)?\s+(?:[a-z][\w-]*\s+){0,2}",
                                           text[before[-1].end:occ.start()]):
                    m = before[-1]  # "the Kremlin's statement", "a White House readout"
                    return _Speaker(m.canonical, m.start, m.end)
                verb = _ISSUED.search(text, s, occ.start())
                if verb is not None:  # "the ministry issued a statement"
                    found = self.subject(s, verb.start(), after=False)
                    if found is not None:
                        return found
                bare = _DOC_ALONE.search(text, max(s, occ.start() - 30), occ.end())
                if bare is None or bare.end() != occ.end():
                    return None  # a document whose issuer is not said: not an earlier one
            return None
        finally:
            self.depth -= 1

    def subject(self, a: int, b: int, after: bool) -> _Speaker | None:
        """Who is the subject of a cue verb at ``b``, looking back to ``a``."""
        text = self.text
        region = text[a:b].rstrip()
        if region.endswith(")") and "(" in region:  # "Claire McCaskill (D-Mo.) said"
            b = a + region.rfind("(")
        by = _last(_BY_PHRASE.finditer(text, a, b))
        if by is not None:
            found = self.post(by.end(), b)
            if found is not None:
                return found
        cands = self._candidates(a, b)
        if cands:
            last = cands[-1]
            gap = text[last[1]:b]
            if _DIRECT_GAP.fullmatch(gap) and not any(
                    w.lower() in _GAP_STOP for w in _WORD.findall(gap)):
                found = self._what_pronoun(last, cands[:-1], a) or self._make(last)
                if found is not None:
                    return found
            apposed = [c for c in cands if _APPOSED.fullmatch(text[c[1]:b])]
            if apposed:
                people = [c for c in apposed if c[2] == "PERSON"]
                found = self._make((people or apposed)[-1])
                if found is not None:
                    return found
        if after:
            head = _CLAUSE_HEAD.match(text, a, b)
            return self._noun_phrase(a, head.end() if head else a)
        region = text[a:b]
        cut = max(region.rfind(c) for c in (",", ";", ":", "(", "—", "–", "―", "--"))
        cut += 2 if region[cut:cut + 2] == "--" else 1
        found = self._noun_phrase(a + cut, b) if cut > 0 else self._noun_phrase(a, b)
        if found is None and cut > 0 and not region[cut:].strip():
            head = _CLAUSE_HEAD.match(text, a, b)
            found = self._noun_phrase(a, head.end() if head else a)
        return found

    def _what_pronoun(self, cand: tuple[int, int, str, str | None],
                      earlier: list[tuple[int, int, str, str | None]],
                      a: int) -> _Speaker | None:
        """"X criticised Y for what she called “…”": she is X, the clause's first name of her
        kind, not the nearest one (Y). The words that name the speaker stay "she"."""
        start, end, kind, _ = cand
        if kind != "PRON" or not _WHAT_PRON.search(self.text, max(a, start - 10), start):
            return None
        word = self.text[start:end].lower()
        kinds = ("ORG", "GPE") if word == "it" else ("PERSON",)
        if word in ("they", "ils", "elles", "ellos", "ellas"):
            return None
        for s, _, k, name in earlier:
            if k in kinds and name and not self._quoted(s):
                return _Speaker(name, start, end)
        return None

    def participle_subject(self, a: int, b: int) -> _Speaker | None:
        """The subject of "…, saying “…”": the main clause's, first PERSON of the sentence."""
        cands = [c for c in self._candidates(a, b) if c[2] != "PRON" or c[0] == a]
        people = [c for c in cands if c[2] == "PERSON" or c[2] == "PRON"]
        for cand in people or cands:
            found = self._make(cand)
            if found is not None:
                return found
        return None

    def post(self, a: int, b: int) -> _Speaker | None:
        """The speaker named after a cue ("said Jane Doe", "according to officials")."""
        text = self.text
        det = _DET_START.match(text, a, b)  # "(a) readout released by X"
        by = _BY_PHRASE.match(text, det.end() if det else a, b) or _DOC_FROM.match(text, a, b)
        if by is not None:  # "a readout of the call released by X", "a statement from X"
            a = by.end()
        pron = self.pronouns.match(text, a + len(text[a:b]) - len(text[a:b].lstrip()), b)
        if pron:
            return self._make((pron.start(), pron.end(), "PRON", None))
        chunk = _CHUNK.match(text, a, b)
        stop = self.sentence_end(a, chunk.end() if chunk else a)
        k = bisect_left(self.m_starts, a)
        near = []
        while k < len(self.mentions) and self.mentions[k].start < stop:
            if _words(text[a:self.mentions[k].start]) <= 6:
                near.append(self.mentions[k])
            k += 1
        if near:
            people = [m for m in near if m.kind == "PERSON"]
            best = (people or near)[0]
            return _Speaker(best.canonical, best.start, best.end)
        seg = text[a:stop]
        words = _WORD.findall(seg)
        if not words or words[0].lower() in _POST_STOP or len(words) > 8:
            return None
        return self._noun_phrase(a, stop)

    def cue_at(self, verb: re.Match[str]) -> tuple[str, int]:
        """The cue's text ("said in a statement", "told reporters") and where it ends."""
        text, end = self.text, verb.end()
        cue = " ".join(verb.group().split())
        if cue in self.lex.addressee:
            m = re.match(r"\s+((?:the\s+)?[\w.&’'-]+)", text[end:end + 60])
            if m:
                mention = self._mentions_in(end, end + 60)
                if mention and mention[0].start == end + m.start(1):
                    return f"{cue} {mention[0].text}", mention[0].end
                return f"{cue} {m.group(1)}", end + m.end()
            return cue, end
        ext = _CUE_EXT.match(text, end)
        if ext:
            return cue + " " + " ".join(ext.group().split()), ext.end()
        return cue, end


def _last(matches: Iterator[re.Match[str]]) -> re.Match[str] | None:
    found = None
    for found in matches:  # noqa: B007 - the last one is wanted
        pass
    return found


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _first_letter(text: str) -> str:
    for ch in text:
        if ch.isalpha():
            return ch
    return ""


def find_quotes(doc: Doc, mentions: Sequence[Mention],
                lexicon: Lexicon | None = None) -> list[Quote]:
    """Direct quotations in ``doc``, in text order, each with its speaker when one is found.

    ``mentions`` are the article's entity mentions (``entities.find_mentions``); speakers
    are their canonical names. ``lexicon`` defaults to the bundled cue list.
    """
    text = text_of(doc)  # (doc.text is rebuilt from the tokens on every access)
    if not text.strip():
        return []
    art = _Article(doc, text, mentions, lexicon or default_lexicon())
    spans = art.spans()
    art.q_starts = [s.start for s in spans]
    art.q_ends = [s.end for s in spans]
    quotes: list[tuple[Quote, bool]] = []
    prev_end = 0
    for idx, span in enumerate(spans):
        # The attribution after a quote may hold a quoted nickname (Marcia "Cia" Price), so
        # it runs up to the next quote of more than three words only.
        next_open = next((s.open for s in spans[idx + 1:]
                          if _words(art.text[s.start:s.end]) > 3), len(art.text))
        quotes.append(_attribute(art, span, prev_end, next_open))
        prev_end = span.close_end
    return _continue(art, spans, quotes)


def _is_title(content: str) -> bool:
    """Title Case of two to six words ("Fox News Sunday", "American Skin"): a name, not speech."""
    words = _WORD.findall(content)
    capitals = [w for w in words if w[0].isupper() and len(w) >= 3]
    return (2 <= len(words) <= 6 and len(capitals) >= 2 and words[0][0].isupper()
            and all(w[0].isupper() for w in words if len(w) >= 4))


def _attribute(art: _Article, span: _Span, prev_end: int,
               next_open: int) -> tuple[Quote, bool]:
    """The quote in ``span`` with its speaker, and whether it may continue a speaker."""
    text, lex = art.text, art.lex
    content = text[span.start:span.end]
    para = art.para(span.open)
    p_start = art.para_starts[para]
    p_end = art.para_ends[art.para(max(span.open, span.close_end - 1))]
    b_from = art.sentence_start(max(p_start, prev_end, span.open - CONTEXT), span.open)
    before = text[b_from:span.open]
    bstrip = before.strip()
    lower = _first_letter(content).islower()
    verbs_before = list(lex.verbs.finditer(text, b_from, span.open))
    cue_last = bool(verbs_before) and not text[verbs_before[-1].end():span.open].strip(" ,:")
    standalone = (not bstrip or bstrip.endswith((":", "：")) or (not lower and (
        bstrip.endswith((",", "，", "—", "–", "―", "-")) or cue_last)))
    a_end = art.sentence_end(span.close_end, min(p_end, next_open, span.close_end + CONTEXT))
    inner = content.rstrip(" '’‘\"”“»«›‹")
    ends_clause = bool(re.search(r"[,.!?;:…—–\-。！？，：]$", inner)) or bool(
        re.match(r"\s*[,;:—–―]|\s*--", text[span.close_end:a_end]))
    # Partial: opens mid-sentence, starts lowercase, or the sentence runs on after it.
    runs_on = span.closed and not ends_clause and _words(text[span.close_end:a_end]) > 0
    partial = lower or not standalone or runs_on
    scare = partial and _words(content) <= SCARE_WORDS
    title = _is_title(content)
    # Only a quote that opens a sentence of its own may continue the previous speaker.
    can_continue = standalone and not lower and not title
    if lex.scare.search(before) or (title and partial):  # so-called “spy”; on “Fox News Sunday”
        return _quote(art, span, content, None, None, partial=True, can_continue=False)

    found: tuple[_Speaker | None, str | None] = (None, None)
    # 1. After the quote: "…,” X said", "…,” said X", "— X", "according to X".
    if span.closed:
        if ends_clause:
            found = _after(art, span, a_end, full_stop=inner.endswith("."))
        elif not scare:
            found = _sentence_final(art, span.close_end, a_end)
    # 2. Before it: "X said: “…”", "X called it “…”", "according to X, “…”". When the
    # words after it name the speaker by a pronoun only ("X scolded him: “…,” she said"),
    # the name before, if it is the same speaker, is the better span.
    if found[0] is not None and bstrip.endswith((":", "：")) and not title and \
            art.pronouns.fullmatch(text, found[0].start, found[0].end):
        named = _before(art, span, b_from, verbs_before, scare)
        if named[0] is not None and named[0].name == found[0].name and \
                not art.pronouns.fullmatch(text, named[0].start, named[0].end):
            art.last_named[span.start] = (found[0].start, found[0].end)
            found = named
    if found[0] is None and not title:
        found = _before(art, span, b_from, verbs_before, scare)
    # 3. A paragraph ending in a colon introduces the quote that opens the next one.
    if found[0] is None and not bstrip and span.open == p_start and para > 0:
        prev_text_end = art.para_ends[para - 1]
        if text[:prev_text_end].rstrip().endswith(":"):
            a = art.sentence_start(max(art.para_starts[para - 1], prev_text_end - CONTEXT),
                                   prev_text_end)
            verbs = list(lex.verbs.finditer(text, a, prev_text_end))
            found = _before_range(art, a, prev_text_end, verbs)
    # 4. A headline's "Name: “…”" ("A lesson from Jane Doe: ‘…’"): no verb, only the colon.
    if found[0] is None and not title and bstrip.endswith((":", "：")):
        found = _headline(art, b_from, span.open)
    speaker, cue = found
    return _quote(art, span, content, speaker, cue, partial=partial, can_continue=can_continue)


def _headline(art: _Article, a: int, b: int) -> tuple[_Speaker | None, str | None]:
    """The name that a colon right before a quote follows, in "Jane Doe: “…”" or "A word from
    Jane Doe: “…”" (at most six words before the colon, no verb)."""
    text = art.text
    end = a + len(text[a:b].rstrip().rstrip(":：").rstrip())
    named = [m for m in art._mentions_in(a, end) if m.end == end and m.kind in ("PERSON", "ORG")]
    if not named:
        return None, None
    m = named[0]
    lead = text[a:m.start]
    if _words(lead) > 6 or (lead.strip() and not re.search(
            r"(?<![\w-])(?:from|by|with)\s+$", lead, re.IGNORECASE)):
        return None, None
    return _Speaker(m.canonical, m.start, m.end), ":"


def _quote(art: _Article, span: _Span, content: str, speaker: _Speaker | None,
           cue: str | None, *, partial: bool, can_continue: bool) -> tuple[Quote, bool]:
    lead = len(content) - len(content.lstrip())
    body = content.strip().rstrip(",").rstrip()  # "…,” he said": the comma is the writer's
    start = span.start + lead
    quote = Quote(start=start, end=start + len(body), text=body, sentence=art.sentence(start),
                  speaker=speaker.name if speaker else None,
                  speaker_start=speaker.start if speaker else None,
                  speaker_end=speaker.end if speaker else None,
                  cue=cue if speaker else None, partial=partial)
    return quote, can_continue


def _after(art: _Article, span: _Span, a_end: int,
           full_stop: bool) -> tuple[_Speaker | None, str | None]:
    text, lex = art.text, art.lex
    a = span.close_end
    a += len(text[a:a_end]) - len(text[a:a_end].lstrip(_SPACE_PUNCT + ")"))
    after = text[a:a_end]
    if not after:
        return None, None
    if full_stop and after[0].isupper() and _words(after) > 8:
        return None, None  # "…end.” Smith said the team…" is a new sentence, not an attribution
    dash = _DASH.match(after)
    if dash and after[0] in "―—–-":
        who = art.post(a + dash.end(), a_end)
        return (who, dash.group().strip()) if who else (None, None)
    acc = lex.according.match(text, a, a_end)
    if acc:
        who = art.post(acc.end(), a_end)
        return (who, " ".join(acc.group().split()).lower()) if who else (None, None)
    inv = _FR_INVERSION.match(after)
    if inv and art.lang in ("fr", "en"):
        pron = a + inv.start(2)
        who = art._make((pron, pron + len(inv.group(2)), "PRON", None))
        return (who, inv.group(1)) if who else (None, None)
    if art.lang == "de":
        so = re.match(r"so\s+", after)
        if so:
            who = art.post(a + so.end(), a_end)
            if who:
                return who, "so"
    verb = lex.verbs.search(text, a, a_end)
    if verb is None:
        return None, None
    cue, cue_end = art.cue_at(verb)
    region = text[a:verb.start()]
    if not region.strip():
        if " ".join(verb.group().split()) in lex.addressee:
            return None, None
        who = art.post(cue_end, a_end)
        if who is None and art.lang in _PRO_DROP and not text[cue_end:a_end].strip(" .,;"):
            k = bisect_right(art.p_ends, a) - 1  # "…", dijo.  (the subject is dropped)
            while k >= 0 and art._quoted(art.people[k].start):
                k -= 1
            if k >= 0:
                person = art.people[k]
                return _Speaker(person.canonical, person.start, person.end), cue
        return (who, cue) if who else (None, None)
    first = _WORD.match(region)
    if first is None or first.group().lower() in _SUBORDINATORS:
        return None, None  # "…,” when Clinton blasted him": another clause, not attribution
    words = _words(region)
    if words > 16:
        # Only a subject with a long appositive: "…,” Jane Doe, a professor at …, said."
        cands = art._candidates(a, verb.start())
        if words > 45 or not cands or cands[0][0] != a or not text[cands[0][1]:].startswith(","):
            return None, None
    who = art.subject(a, verb.start(), after=True)
    return (who, cue) if who else (None, None)


def _sentence_final(art: _Article, a: int, a_end: int) -> tuple[_Speaker | None, str | None]:
    """A quote inside a sentence that ends "…, she said.": the sentence's speaker."""
    text = art.text
    verbs = list(art.lex.verbs.finditer(text, a, a_end))
    if not verbs:
        return None, None
    verb = verbs[-1]
    cue, cue_end = art.cue_at(verb)
    if text[cue_end:a_end].strip(" \t.!?\"'”’") and not text[verb.start() - 2:verb.start()] \
            .startswith(","):
        who = None
    else:
        comma = text.rfind(",", a, verb.start())
        if comma < 0:
            return None, None
        if text[comma + 1:verb.start()].strip():
            who = art.subject(comma + 1, verb.start(), after=True)
        elif " ".join(verb.group().split()) not in art.lex.addressee:
            who = art.post(cue_end, a_end)
        else:
            who = None
    return (who, cue) if who else (None, None)


def _before(art: _Article, span: _Span, a: int, verbs: list[re.Match[str]],
            scare: bool) -> tuple[_Speaker | None, str | None]:
    text = art.text
    if scare:
        words = list(_WORD.finditer(text, a, span.open))
        near = words[-SCARE_CUE_WORDS].start() if len(words) >= SCARE_CUE_WORDS else a
        verbs = [v for v in verbs if v.start() >= near]
    found = _before_range(art, a, span.open, verbs)
    if found[0] is None:
        acc = _last(art.lex.according.finditer(text, a, span.open))
        if acc is not None:
            who = art.post(acc.end(), span.open)
            # A scare quote only when the words after the speaker's are few: "according to
            # the readout, Biden “raised concerns”".
            if who is not None and (not scare or _words(text[who.end:span.open])
                                    <= SCARE_CUE_WORDS):
                return who, " ".join(acc.group().split()).lower()
    return found


def _before_range(art: _Article, a: int, b: int,
                  verbs: list[re.Match[str]]) -> tuple[_Speaker | None, str | None]:
    """Attribution by a cue verb in ``text[a:b]``, the last verb that has a subject."""
    text = art.text
    for verb in reversed(verbs):
        cue, cue_end = art.cue_at(verb)
        word = verb.group()
        head = text[a:verb.start()]
        if _ATTRIBUTIVE.search(head):
            continue  # "the reported “attack”": an adjective, not a cue
        if (_PASSIVE.search(head) and not word.endswith("ing")) or _reduced_passive(
                text, a, verb):
            break  # "was accused of “…”": the subject is not the speaker, nor an earlier one
        if (word.endswith("ing") and head.rstrip().endswith(",")) or re.search(
                r"(?<![\w-])to\s+$", head):
            who = art.participle_subject(a, verb.start())  # "Trump …, saying “…”"
        elif head.strip():
            who = art.subject(a, verb.start(), after=False)
        else:
            who = None
        between = text[cue_end:b]
        if (who is None and " ".join(word.split()) not in art.lex.addressee
                and between.rstrip().endswith((":", ",")) and _words(between) <= 6):
            who = art.post(cue_end, b)  # "said Jane Doe: “…”", "Dazu sagte Merkel: „…“"
        if who is not None:
            return who, cue
    return None, None


def _reduced_passive(text: str, a: int, verb: re.Match[str]) -> bool:
    """"A man accused of “…”", "a plan hailed as “…”": a participle after a common noun, with
    no object before "of"/"as" (unlike "accused him of", "what officials described as")."""
    if verb.group() not in _TRANSITIVE or not _REDUCED.match(text, verb.end()):
        return False
    words = _WORD.findall(text, a, verb.start())[-4:]
    if not words or any(w.lower() in ("what", "which", "whom") for w in words):
        return False
    prev = words[-1]
    return prev[0].islower() and prev.lower() not in _SUBJECT_PRONOUNS


def _continue(art: _Article, spans: list[_Span],
              quotes: list[tuple[Quote, bool]]) -> list[Quote]:
    """A full-sentence quote with no cue takes the previous quote's speaker ("continued")."""
    out: list[Quote] = []
    prev: tuple[Quote, _Span] | None = None  # the last quote with a speaker
    for span, (q, can_continue) in zip(spans, quotes, strict=True):
        if (q.speaker is None and can_continue and prev is not None
                and art.para(span.open) - art.para(prev[1].end) <= 1):
            p = prev[0]
            start, end = art.last_named.get(prev[1].start, (p.speaker_start, p.speaker_end))
            q = Quote(q.start, q.end, q.text, q.sentence, p.speaker, start, end, "continued",
                      q.partial)
        if q.speaker is not None:
            prev = (q, span)
        elif can_continue:
            prev = None  # a full quote nobody said: the chain is broken
        out.append(q)
    return out
