"""Named-entity recognition against gold mentions: precision, recall and F1 per type.

Scoring is conlleval's: a mention is correct only when its span and its type both equal a
gold mention's (exact match), and the overall figure is micro-averaged. Only PER, ORG and
LOC are scored. Gold mentions of any other type (CoNLL MISC, re3d Weapon, MEANTIME PRO …)
are dropped, and a system mention that matches no gold PER/ORG/LOC span is a false positive,
even when it covers a dropped MISC mention exactly: that is the usual way of scoring a
three-type recogniser on four-type data, and it keeps the figures comparable with it.
System kinds map to gold types as PERSON → PER, ORG → ORG, GPE and LOC → LOC.

Inputs (``read_gold`` picks the reader from the path; ``input_format`` overrides):

- ``conll``: one token a line, the tag in the last column (IOB2, IOB1 or IO, read as
  conlleval does: I- after another type starts a mention), a blank line between sentences,
  ``-DOCSTART-`` between documents (no ``-DOCSTART-`` at all: each sentence is a document).
  CoNLL-2003 and Wikigold. With IO tags two adjacent mentions of one type read as one.
- ``re3d``: a folder of source folders, each with ``documents.json`` and ``entities.json``
  (JSON Lines, character offsets into ``text``). A span can carry several types with a
  confidence each: the types with confidence >= 0.5 count, the most confident one if several
  do. Person → PER, Organisation → ORG, Location → LOC; gold spans lose edge whitespace.
- ``meantime``: NewsReader CAT XML (a file, or a folder searched recursively). A mention's
  type is on the ENTITY it REFERS_TO. Only named mentions (``syntactic_type`` NAM or PRE.NAM)
  are gold: the corpus also marks pronouns and descriptions ("the company"), which are not
  names. A named mention without an entity is left unscored (a system mention on exactly its
  span counts neither way). Entity mentions are annotated exhaustively only in the first
  sentences of each article (those with document-level mentions, which carry a
  ``syntactic_type``); the rest of the text is still given to the system, for document-level
  rules, but is not scored.

Token formats are rebuilt as text: tokens joined by single spaces, sentences by newlines,
one spaCy doc per document. Gold spans then start and end on token boundaries, so a system
mention can only match if it does too (one that cuts a token is flagged in the mistakes).
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storyline.evaluation.records import json_lines

TYPES = ("PER", "ORG", "LOC")
SYSTEM_TYPES = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC"}
INPUT_FORMATS = ("auto", "conll", "re3d", "meantime")
CONLL_TYPES = {"PER": "PER", "ORG": "ORG", "LOC": "LOC"}
RE3D_TYPES = {"Person": "PER", "Organisation": "ORG", "Location": "LOC"}
MEANTIME_TYPES = {"PER": "PER", "ORG": "ORG", "LOC": "LOC"}
MEANTIME_NAMES = frozenset({"NAM", "PRE.NAM"})
#: How much of a MEANTIME extent is gold: all of it, or the name inside it.
EXTENTS = ("full", "name")
#: re3d types with less confidence than this are not gold.
RE3D_MIN_CONFIDENCE = 0.5


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A mention: ``text[start:end]`` of a document, with its type (PER, ORG or LOC)."""

    start: int
    end: int
    type: str


@dataclass
class Document:
    """A gold document: its text as the system sees it, gold spans as character offsets."""

    origin: str
    text: str
    gold: list[Span]
    #: Character span of every token, for token formats (empty for character formats).
    tokens: list[tuple[int, int]] = field(default_factory=list)
    #: (offset, place): where each sentence starts and how to find it in the source file.
    anchors: list[tuple[int, str]] = field(default_factory=list)
    #: Mentions starting at or after this offset are not scored (None: the whole text).
    scored_end: int | None = None
    #: Spans a system mention may hit without counting either way.
    unscored: frozenset[tuple[int, int]] = frozenset()

    def where(self, offset: int) -> str:
        """The place of ``offset`` in the source (file:line, sentence …) for mistakes."""
        i = bisect_right([a for a, _ in self.anchors], offset) - 1
        return self.anchors[i][1] if i >= 0 else self.origin

    def on_tokens(self, start: int, end: int) -> bool:
        """Whether ``start``/``end`` fall on token boundaries (always, without tokens)."""
        if not self.tokens:
            return True
        return start in {s for s, _ in self.tokens} and end in {e for _, e in self.tokens}

    def scored(self, span: Span) -> bool:
        outside = self.scored_end is not None and span.start >= self.scored_end
        return not outside and (span.start, span.end) not in self.unscored


@dataclass
class Counts:
    gold: int = 0
    predicted: int = 0
    correct: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Counts) -> None:
        self.gold += other.gold
        self.predicted += other.predicted
        self.correct += other.correct


@dataclass(frozen=True, slots=True)
class Mistake:
    """One error: missed, spurious, type, boundary or boundary+type, with its sentence."""

    kind: str
    where: str
    gold: Span | None
    system: Span | None
    gold_text: str
    system_text: str
    #: The sentence, gold span in [brackets], system span in {braces}.
    sentence: str
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "where": self.where,
            "gold": self.gold_text if self.gold else None,
            "gold type": self.gold.type if self.gold else None,
            "system": self.system_text if self.system else None,
            "system type": self.system.type if self.system else None,
            "sentence": self.sentence, "note": self.note or None,
        }


@dataclass
class EntityReport:
    dataset: str
    format: str
    pipeline: str
    documents: int
    #: spaCy tokens the system processed (whitespace tokens included).
    tokens: int
    #: Wall time of the system over the documents (spaCy pipeline and mention finding).
    seconds: float
    #: Wall time of loading the pipeline and the recogniser, before that.
    setup_seconds: float
    by_type: dict[str, Counts]
    total: Counts
    mistakes: list[Mistake]

    @property
    def tokens_per_second(self) -> float:
        return self.tokens / self.seconds if self.seconds else 0.0

    def rows(self) -> list[dict[str, Any]]:
        named = [*((t, self.by_type[t]) for t in TYPES), ("all (micro)", self.total)]
        return [{"type": name, "gold": c.gold, "predicted": c.predicted, "correct": c.correct,
                 "precision": round(c.precision, 4), "recall": round(c.recall, 4),
                 "F1": round(c.f1, 4)} for name, c in named]

    def as_dict(self, *, mistakes: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "dataset": self.dataset, "format": self.format, "pipeline": self.pipeline,
            "documents": self.documents, "tokens": self.tokens,
            "seconds": round(self.seconds, 2), "setup seconds": round(self.setup_seconds, 2),
            "tokens per second": round(self.tokens_per_second), "scores": self.rows(),
        }
        if mistakes:
            out["mistakes"] = [m.as_dict() for m in self.mistakes]
        return out


# --- readers -------------------------------------------------------------------------------


def _lines(path: Path) -> list[str]:
    """The file's lines, split on newlines only (str.splitlines also splits on U+2028 …)."""
    try:
        return [line.removesuffix("\r") for line in path.read_text("utf-8-sig").split("\n")]
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 (byte {exc.start})") from None


def _token_document(origin: str, sentences: Sequence[Sequence[str]],
                    places: Sequence[str], join_hyphens: bool = False) -> Document:
    """Text from tokens (spaces) and sentences (newlines), with each token's character span.

    ``join_hyphens``: a "-" token between two capitalised words is written without spaces
    ("Wal - Mart" → "Wal-Mart"), as the article had it; MEANTIME splits such names, while
    CoNLL's spaced dashes are separators ("SOCCER - THREE …") and stay spaced.
    """
    parts: list[str] = []
    tokens: list[tuple[int, int]] = []
    anchors: list[tuple[int, str]] = []
    offset = 0
    for words, place in zip(sentences, places, strict=True):
        if parts:
            parts.append("\n")
            offset += 1
        anchors.append((offset, place))
        for i, word in enumerate(words):
            glued = join_hyphens and i > 0 and (
                (word == "-" and i + 1 < len(words) and words[i - 1][:1].isupper()
                 and words[i + 1][:1].isupper())
                or (words[i - 1] == "-" and i >= 2 and word[:1].isupper()
                    and words[i - 2][:1].isupper()))
            if i and not glued:
                parts.append(" ")
                offset += 1
            tokens.append((offset, offset + len(word)))
            parts.append(word)
            offset += len(word)
    return Document(origin, "".join(parts), [], tokens, anchors)


def _chunks(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """(first, past-last, type) token ranges of IOB2/IOB1/IO tags, as conlleval reads them."""
    out: list[tuple[int, int, str]] = []
    start: int | None = None
    kind = ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, label = tag.partition("-")
        inside = prefix in ("B", "I")
        if start is not None and (not inside or prefix == "B" or label != kind):
            out.append((start, i, kind))
            start = None
        if inside and start is None:
            start, kind = i, label
    return out


def read_conll(path: Path) -> list[Document]:
    """CoNLL-style files: token … tag per line; MISC and other types dropped."""
    lines = _lines(path)
    by_document = any(line.startswith("-DOCSTART-") for line in lines)
    documents: list[Document] = []
    sentences: list[list[tuple[str, str]]] = []
    places: list[str] = []
    current: list[tuple[str, str]] = []

    def end_sentence() -> None:
        nonlocal current
        if current:
            sentences.append(current)
            current = []

    def end_document() -> None:
        end_sentence()
        if sentences:
            documents.append(_conll_document(path, sentences, places))
            sentences.clear()
            places.clear()

    for n, line in enumerate(lines, start=1):
        fields = line.split()
        if not fields:
            end_sentence()
            if not by_document:
                end_document()
            continue
        if fields[0] == "-DOCSTART-":
            end_document()
            continue
        if len(fields) < 2:
            raise ValueError(f"{path}:{n}: expected 'token … tag', got {line.strip()!r}")
        tag = fields[-1]
        prefix, dash, label = tag.partition("-")
        if tag != "O" and not (prefix in ("B", "I") and dash and label):
            raise ValueError(f"{path}:{n}: bad tag {tag!r} (expected O, B-TYPE or I-TYPE)")
        if not current:
            places.append(f"{path.name}:{n}")
        current.append((fields[0], tag))
    end_document()
    return documents


def _conll_document(path: Path, sentences: list[list[tuple[str, str]]],
                    places: list[str]) -> Document:
    doc = _token_document(places[0], [[w for w, _ in s] for s in sentences], places)
    first = 0
    for sentence in sentences:
        for a, b, label in _chunks([t for _, t in sentence]):
            if label in CONLL_TYPES:
                doc.gold.append(Span(doc.tokens[first + a][0], doc.tokens[first + b - 1][1],
                                     CONLL_TYPES[label]))
        first += len(sentence)
    return doc


def read_re3d(folder: Path) -> list[Document]:
    """re3d: every ``documents.json`` under ``folder`` with its ``entities.json`` beside it."""
    sources = sorted(folder.rglob("documents.json")) if folder.is_dir() else []
    if not sources:
        raise ValueError(f"{folder}: no documents.json (expected the re3d layout)")
    documents: list[Document] = []
    for source in sources:
        entities = source.with_name("entities.json")
        if not entities.is_file():
            raise ValueError(f"{source.parent}: documents.json without entities.json")
        docs: dict[str, Document] = {}
        for n, record in json_lines(source):
            if not isinstance(record.get("_id"), str) or not isinstance(record.get("text"), str):
                raise ValueError(f"{source}:{n}: each line needs '_id' and 'text'")
            docs[record["_id"]] = Document(f"{source.parent.name}/{record['_id']}",
                                           record["text"], [])
        _re3d_gold(entities, docs)
        documents.extend(docs.values())
    return documents


def _re3d_gold(path: Path, docs: dict[str, Document]) -> None:
    """The most confident type of each span (at least ``RE3D_MIN_CONFIDENCE``), if scored."""
    best: dict[tuple[str, int, int], tuple[float, str]] = {}
    for n, e in json_lines(path):
        try:
            doc_id, begin, end = str(e["documentId"]), int(e["begin"]), int(e["end"])
            kind, confidence = str(e["type"]), float(e.get("confidence", 1.0))
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"{path}:{n}: each line needs 'documentId', 'begin', 'end', "
                             "'type' and a numeric 'confidence'") from None
        if doc_id not in docs:
            raise ValueError(f"{path}:{n}: unknown documentId {doc_id!r}")
        text = docs[doc_id].text
        if not 0 <= begin < end <= len(text):
            raise ValueError(f"{path}:{n}: span {begin}-{end} outside the text "
                             f"({len(text)} characters)")
        if confidence < RE3D_MIN_CONFIDENCE:
            continue
        # Trim edge whitespace ("the Syrian people "): spans end on a character of the name.
        value = text[begin:end]
        begin += len(value) - len(value.lstrip())
        end -= len(value) - len(value.rstrip())
        key = (doc_id, begin, end)
        if begin < end and (key not in best or confidence > best[key][0]):
            best[key] = (confidence, kind)
    for (doc_id, begin, end), (_, kind) in best.items():
        if kind in RE3D_TYPES:
            docs[doc_id].gold.append(Span(begin, end, RE3D_TYPES[kind]))


def _meantime_files(path: Path) -> list[Path]:
    """``path`` itself, or the CAT documents under it (not the schema or other XML)."""
    if path.is_file():
        return [path]
    found = []
    for file in sorted(path.rglob("*.xml")):
        with file.open("rb") as fh:
            if b"<Document" in fh.read(1024):
                found.append(file)
    return found


def _parse_xml(path: Path) -> ET.Element:
    try:
        return ET.parse(path).getroot()
    except ET.ParseError as exc:
        line, column = exc.position
        raise ValueError(f"{path}:{line}: invalid XML (column {column})") from None


def read_meantime(path: Path, extent: str = "full") -> list[Document]:
    """MEANTIME CAT XML: named mentions in the exhaustively annotated sentences.

    ``extent="name"`` scores against the name inside each annotated extent: MEANTIME marks
    whole noun phrases ("the U.S.", "the company 's vice president John Smith"), a name
    recogniser finds names ("U.S.", "John Smith"). The name is what follows the extent's last
    lower-case word or "'s", without a leading "The"; an all-capitalised extent ("U.S.
    President Barack Obama") is kept whole.
    """
    if extent not in EXTENTS:
        raise ValueError(f"extent must be one of {', '.join(EXTENTS)}, not {extent!r}")
    documents = []
    for file in _meantime_files(path):
        root = _parse_xml(file)
        if root.tag != "Document":
            raise ValueError(f"{file}:1: not a CAT document (root <{root.tag}>)")
        documents.append(_meantime_document(file, root, extent))
    if not documents:
        raise ValueError(f"{path}: no CAT <Document> XML files")
    return documents


def _name_part(tokens: Sequence[str], first: int, last: int) -> int:
    """First token of the name at the end of the extent ``first..last``."""
    start = first
    for i in range(first, last + 1):
        t = tokens[i]
        if t in ("'s", "’s") or (t[:1].islower() and i < last):
            start = i + 1
    if start <= last and tokens[start] in ("The", "A", "An") and start < last:
        start += 1
    return start if start <= last else first


def _meantime_document(file: Path, root: ET.Element, extent: str = "full") -> Document:
    index: dict[str, int] = {}
    sentence_of: list[str] = []
    sentences: list[list[str]] = []
    for t in root.iter("token"):
        t_id, sentence = t.get("t_id"), t.get("sentence")
        if t_id is None or sentence is None:
            raise ValueError(f"{file}: a <token> without t_id or sentence")
        if not sentence_of or sentence != sentence_of[-1]:
            sentences.append([])
        index[t_id] = len(index)
        sentence_of.append(sentence)
        sentences[-1].append((t.text or "").strip() or "_")
    starts = [0]
    for s in sentences:
        starts.append(starts[-1] + len(s))
    places = [f"{file.name} sentence {sentence_of[i]}" for i in starts[:-1]]
    words = [w for sentence in sentences for w in sentence]
    doc = _token_document(file.name, sentences, places, join_hyphens=True)

    entity_type = {e.get("m_id"): e.get("ent_type") for e in root.iter("ENTITY")}
    type_of: dict[str, str] = {}
    for rel in root.iter("REFERS_TO"):
        target = rel.find("target")
        kind = entity_type.get(target.get("m_id")) if target is not None else None
        for source in rel.findall("source"):
            if kind is not None:
                type_of[str(source.get("m_id"))] = kind

    last_scored = -1
    unscored: set[tuple[int, int]] = set()
    for m in root.iter("ENTITY_MENTION"):
        anchors = [index[a] for a in _anchors(file, m, index)]
        if not anchors:
            continue
        first, last = min(anchors), max(anchors)
        if m.get("syntactic_type") is not None:  # the document-level layer
            last_scored = max(last_scored, last)
        if m.get("syntactic_type") not in MEANTIME_NAMES:
            continue
        if extent == "name":
            first = _name_part(words, first, last)
        start, end = doc.tokens[first][0], doc.tokens[last][1]
        kind = type_of.get(str(m.get("m_id")))
        if kind is None:
            unscored.add((start, end))
        elif kind in MEANTIME_TYPES:
            doc.gold.append(Span(start, end, MEANTIME_TYPES[kind]))
    if last_scored >= 0:
        after = bisect_right(starts, last_scored)  # the first sentence after the scored ones
        if after < len(sentences):
            doc.scored_end = doc.anchors[after][0]
    doc.unscored = frozenset(unscored)
    return doc


def _anchors(file: Path, mention: ET.Element, index: dict[str, int]) -> list[str]:
    ids = [str(a.get("t_id")) for a in mention.findall("token_anchor")]
    for t_id in ids:
        if t_id not in index:
            raise ValueError(f"{file}: mention {mention.get('m_id')} anchors to unknown "
                             f"token {t_id}")
    return ids


def detect_format(path: Path) -> str:
    """conll, re3d or meantime, from what is at ``path``."""
    if path.is_dir():
        if any(path.rglob("entities.json")):
            return "re3d"
        if any(path.rglob("*.xml")):
            return "meantime"
        raise ValueError(f"{path}: no entities.json or .xml files (expected re3d or MEANTIME)")
    if path.suffix.lower() == ".xml":
        return "meantime"
    if path.name in ("documents.json", "entities.json"):
        return "re3d"
    with path.open("rb") as fh:
        head = fh.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return "meantime"
    if head.startswith(b"{"):
        return "re3d"
    return "conll"


def read_gold(path: Path, input_format: str = "auto", extent: str = "full"
              ) -> tuple[str, list[Document]]:
    """The documents at ``path`` and the format they were read as."""
    if input_format not in INPUT_FORMATS:
        raise ValueError(f"input format must be one of {', '.join(INPUT_FORMATS)}, "
                         f"not {input_format!r}")
    if not path.exists():
        raise ValueError(f"{path}: no such file or folder")
    fmt = detect_format(path) if input_format == "auto" else input_format
    if fmt == "conll":
        if path.is_dir():
            raise ValueError(f"{path}: a folder; the CoNLL reader takes one file")
        return fmt, read_conll(path)
    if fmt == "re3d":
        return fmt, read_re3d(path if path.is_dir() else path.parent)
    return fmt, read_meantime(path, extent)


# --- the system and the scorer -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Run:
    """What the system found, and how fast."""

    spans: list[list[Span]]
    #: spaCy tokens processed (whitespace tokens included).
    tokens: int
    #: Wall time over the documents, after ``setup`` (loading, first call).
    seconds: float
    setup: float
    pipeline: str


def predict(documents: Sequence[Document], lang: str = "en") -> Run:
    """System spans per document, with timing.

    One spaCy doc per document (not per sentence) so that document-level rules can work;
    ``nlp.pipe`` batches them. Loading the pipeline and the recogniser's first call (its
    gazetteers) are timed apart, so that tokens/s measures throughput.
    """
    from storyline.extract.entities import find_mentions
    from storyline.extract.nlp import pipeline

    begin = time.perf_counter()
    nlp = pipeline(lang)
    find_mentions(nlp("Warm-up: Ana Silva of Harbor Freight flew to Lisbon."))
    setup = time.perf_counter() - begin
    for d in documents:
        if len(d.text) > nlp.max_length:
            raise ValueError(f"{d.origin}: {len(d.text)} characters, more than the pipeline "
                             f"takes ({nlp.max_length})")
    out: list[list[Span]] = []
    tokens = 0
    start = time.perf_counter()
    for doc in nlp.pipe(d.text for d in documents):
        tokens += len(doc)
        out.append(sorted({Span(m.start, m.end, SYSTEM_TYPES[m.kind])
                           for m in find_mentions(doc) if m.kind in SYSTEM_TYPES}))
    seconds = time.perf_counter() - start
    name = f"{nlp.meta.get('lang', lang)}_{nlp.meta.get('name', '')}"
    return Run(out, tokens, seconds, setup, name)


def score(documents: Sequence[Document], predictions: Sequence[Sequence[Span]]
          ) -> tuple[dict[str, Counts], Counts]:
    """Exact-match counts per type and overall (micro)."""
    by_type = {t: Counts() for t in TYPES}
    for doc, predicted in zip(documents, predictions, strict=True):
        gold = set(doc.gold)
        system = {s for s in predicted if doc.scored(s)}
        for s in gold:
            by_type[s.type].gold += 1
        for s in system:
            by_type[s.type].predicted += 1
            if s in gold:
                by_type[s.type].correct += 1
    total = Counts()
    for c in by_type.values():
        total.add(c)
    return by_type, total


def mistakes(doc: Document, predicted: Sequence[Span]) -> list[Mistake]:
    """The errors in one document, each system span paired with at most one gold span.

    Same span, other type: ``type``; overlapping, same type: ``boundary``; overlapping,
    other type: ``boundary+type``; the rest are ``missed`` (gold) and ``spurious`` (system).
    """
    gold_set, system_set = set(doc.gold), {s for s in predicted if doc.scored(s)}
    system, gold = sorted(system_set - gold_set), sorted(gold_set - system_set)
    out: list[Mistake] = []
    used: set[Span] = set()
    by_range: dict[tuple[int, int], list[Span]] = defaultdict(list)
    for g in gold:
        by_range[g.start, g.end].append(g)
    pairs: list[tuple[Span, Span]] = []
    rest: list[Span] = []
    for s in system:
        same = [g for g in by_range.get((s.start, s.end), []) if g not in used]
        if same:
            used.add(same[0])
            pairs.append((same[0], s))
        else:
            rest.append(s)
    unpaired: list[Span] = []
    for s in rest:
        overlapping = [g for g in gold if g not in used and g.start < s.end and s.start < g.end]
        if overlapping:
            g = max(overlapping, key=lambda g: (min(g.end, s.end) - max(g.start, s.start),
                                                g.type == s.type))
            used.add(g)
            pairs.append((g, s))
        else:
            unpaired.append(s)
    for g, s in pairs:
        same_span = (g.start, g.end) == (s.start, s.end)
        kind = "type" if same_span else "boundary" if g.type == s.type else "boundary+type"
        out.append(_mistake(doc, kind, g, s))
    out.extend(_mistake(doc, "spurious", None, s) for s in unpaired)
    out.extend(_mistake(doc, "missed", g, None) for g in gold if g not in used)
    out.sort(key=lambda m: min(x.start for x in (m.gold, m.system) if x is not None))
    return out


def _mistake(doc: Document, kind: str, gold: Span | None, system: Span | None) -> Mistake:
    spans = [x for x in (gold, system) if x is not None]
    start, end = min(x.start for x in spans), max(x.end for x in spans)
    note = ""
    if system is not None and not doc.on_tokens(system.start, system.end):
        note = "system span cuts a token"
    return Mistake(
        kind=kind, where=doc.where(start), gold=gold, system=system,
        gold_text=doc.text[gold.start:gold.end] if gold else "",
        system_text=doc.text[system.start:system.end] if system else "",
        sentence=_marked(doc.text, start, end, gold, system), note=note,
    )


#: Characters of context either side of a mistake (re3d "lines" are whole paragraphs).
CONTEXT = 100


def _marked(text: str, start: int, end: int, gold: Span | None, system: Span | None) -> str:
    """The line(s) holding ``start:end``, gold span in [brackets] and system span in {braces}."""
    left = max(text.rfind("\n", 0, start) + 1, start - CONTEXT)
    right = text.find("\n", end)
    right = min(len(text) if right < 0 else right, end + CONTEXT)
    # Opening marks: the longer span first; closing marks: the later-opened span first.
    marks: list[tuple[int, int, int, int, str]] = []
    for span, first, opening, closing in ((gold, 0, "[", "]"), (system, 1, "{", "}")):
        if span is not None:
            marks.append((span.start, 1, -span.end, first, opening))
            marks.append((span.end, 0, -span.start, 1 - first, closing))
    out, at = [], left
    for offset, *_, mark in sorted(marks):
        out += [text[at:offset], mark]
        at = offset
    out.append(text[at:right])
    cut_left = left > 0 and text[left - 1] != "\n"
    cut_right = right < len(text) and text[right] != "\n"
    return "…" * cut_left + "".join(out) + "…" * cut_right


#: Halves of a set by document position (0-based, file order): tune on one, report the other.
DOC_PARTS = ("all", "even", "odd")


def evaluate_entities(path: Path, input_format: str = "auto", limit: int | None = None,
                      lang: str = "en", extent: str = "full", docs: str = "all"
                      ) -> EntityReport:
    if docs not in DOC_PARTS:
        raise ValueError(f"docs must be one of {', '.join(DOC_PARTS)}, not {docs!r}")
    fmt, documents = read_gold(path, input_format, extent)
    if docs != "all":
        documents = [d for i, d in enumerate(documents) if i % 2 == (docs == "odd")]
    documents = documents[:limit]
    run = predict(documents, lang)
    by_type, total = score(documents, run.spans)
    found = [m for d, p in zip(documents, run.spans, strict=True) for m in mistakes(d, p)]
    return EntityReport(str(path), fmt, run.pipeline, len(documents), run.tokens, run.seconds,
                        run.setup, by_type, total, found)
