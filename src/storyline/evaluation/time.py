"""Time expressions against TimeML gold: detection, type and value, TempEval-3 style.

Scoring, per document, micro-averaged over the documents:

- **Relaxed detection**: a system expression matches a gold one when their character spans
  overlap at all. Matching is one-to-one: gold expressions are taken in text order and each
  takes the unmatched overlapping system expression that shares the most characters with it
  (ties: the earlier one). Precision = matches / system expressions, recall = matches / gold
  expressions, F1 their harmonic mean.
- **Strict detection**: the spans must be equal, character for character, with nothing
  trimmed (TempEval-3's strict match; "the third quarter" against gold "third quarter" is a
  relaxed match only).
- **Type accuracy** and **value accuracy**: over the relaxed matches, the share whose type
  (DATE, TIME, DURATION, SET) or value equals the gold one. Values are compared after
  upper-casing and trimming, and a trailing X of a decade or century is dropped (TimeML
  writes the 1990s both "199" and "199X"); a system value None is wrong.
- **Value F1**: matches with the right value, against the gold count (recall) and the system
  count (precision): TempEval-3's "value F1".
- Per-type rows count gold expressions by gold type and system expressions by system type;
  their matches are the matches whose gold type (recall, accuracies) or system type
  (precision) is that type.

The document creation time (the TIMEX3 with ``functionInDocument="CREATION_TIME"``) is the
publication date given to the system. It is gold only when it is part of the text scored:
never in TimeML (it sits in ``<DCT>``, outside ``<TEXT>``), always in MEANTIME (its tokens
are the article's dateline sentence).

Inputs (``read_gold`` picks the reader from the path; ``input_format`` overrides):

- ``timeml``: ``.tml`` files (a file, or a folder searched recursively). The text is the
  ``<TEXT>`` element's text content with every tag stripped, so TIMEX3 offsets are exact.
- ``meantime``: NewsReader CAT XML. Tokens are joined by single spaces and sentences by
  newlines; a TIMEX3 spans its first to its last anchored token. TIMEX3s without tokens
  (non-textual, e.g. an event's implied date) are not gold. MEANTIME marks time expressions
  only in the first six sentences (title, dateline and the article's opening: no TIMEX3 in
  the corpus lies further on), so only system expressions that start in those sentences
  are scored; the whole text is still given to the system.

``docs`` splits the documents by their position (0-based) in sorted file-name order: tune on
``odd``, report ``even``.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

TYPES = ("DATE", "TIME", "DURATION", "SET")
INPUT_FORMATS = ("auto", "timeml", "meantime")
DOC_PARTS = ("all", "even", "odd")
#: MEANTIME annotates time expressions in this many sentences from the start (title first).
MEANTIME_SCORED_SENTENCES = 6


@dataclass(frozen=True, slots=True)
class GoldTimex:
    start: int
    end: int
    text: str
    type: str
    value: str | None
    mod: str | None = None


@dataclass(frozen=True, slots=True)
class TimeDocument:
    """One article: its text, its creation date (the system's anchor) and its gold."""

    name: str
    text: str
    dct: date | None
    gold: list[GoldTimex]
    #: Where the annotated part of the text ends (MEANTIME); system expressions from here
    #: on are not scored. None: all of it.
    scored_until: int | None = None


# --- readers -------------------------------------------------------------------------------


def _parse_xml(path: Path) -> ET.Element:
    try:
        return ET.parse(path).getroot()
    except ET.ParseError as exc:
        line, column = exc.position
        raise ValueError(f"{path}:{line}: invalid XML (column {column})") from None
    except OSError as exc:
        raise ValueError(f"{path}: cannot read ({exc.strerror})") from None


def _dct(path: Path, value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        pass
    try:
        if value[:8].isdigit():
            return date(int(value[:4]), int(value[4:6]), int(value[6:8]))
        month, day, year = (int(x) for x in value[:10].split("-"))  # MEANTIME's "03-02-2009"
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{path}: creation time {value!r} is not a date") from None


def read_timeml(path: Path) -> list[TimeDocument]:
    """TimeML ``.tml`` files: TIMEX3s inside ``<TEXT>``, the DCT from CREATION_TIME."""
    files = [path] if path.is_file() else sorted(path.rglob("*.tml"), key=lambda p: p.name)
    if not files:
        raise ValueError(f"{path}: no .tml files")
    return [_timeml_document(file) for file in files]


def _timeml_document(file: Path) -> TimeDocument:
    root = _parse_xml(file)
    body = root.find(".//TEXT")
    if body is None:
        raise ValueError(f"{file}: no <TEXT> element")
    dct_value = None
    for timex in root.iter("TIMEX3"):
        if timex.get("functionInDocument") == "CREATION_TIME":
            dct_value = timex.get("value")
            break
    parts: list[str] = []
    gold: list[GoldTimex] = []
    length = 0

    def walk(elem: ET.Element) -> None:
        nonlocal length
        start = length
        if elem.text:
            parts.append(elem.text)
            length += len(elem.text)
        for child in elem:
            walk(child)
            if child.tail:
                parts.append(child.tail)
                length += len(child.tail)
        if elem.tag == "TIMEX3" and length > start:
            gold.append(GoldTimex(start, length, "", elem.get("type", ""),
                                  elem.get("value"), elem.get("mod") or None))

    walk(body)
    text = "".join(parts)
    gold = sorted((GoldTimex(g.start, g.end, text[g.start:g.end], g.type, g.value, g.mod)
                   for g in gold), key=lambda g: (g.start, g.end))
    return TimeDocument(file.stem, text, _dct(file, dct_value), gold)


def _meantime_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    found = []
    for file in sorted(path.rglob("*.xml"), key=lambda p: p.name):
        with file.open("rb") as fh:
            if b"<Document" in fh.read(1024):
                found.append(file)
    return found


def read_meantime(path: Path) -> list[TimeDocument]:
    """MEANTIME CAT XML: token-anchored TIMEX3s, text rebuilt from the tokens."""
    files = _meantime_files(path)
    if not files:
        raise ValueError(f"{path}: no CAT <Document> XML files")
    return [_meantime_document(file) for file in files]


def _meantime_document(file: Path) -> TimeDocument:
    root = _parse_xml(file)
    if root.tag != "Document":
        raise ValueError(f"{file}:1: not a CAT document (root <{root.tag}>)")
    spans: dict[str, tuple[int, int]] = {}
    parts: list[str] = []
    length = 0
    sentence = None
    sentences = 0
    scored_until = None
    for token in root.iter("token"):
        tid, sent = token.get("t_id"), token.get("sentence")
        if tid is None:
            raise ValueError(f"{file}: a <token> without t_id")
        if parts:
            sep = "\n" if sent != sentence else " "
            if sep == "\n":
                sentences += 1
                if sentences == MEANTIME_SCORED_SENTENCES and scored_until is None:
                    scored_until = length
            parts.append(sep)
            length += 1
        sentence = sent
        word = token.text or ""
        spans[tid] = (length, length + len(word))
        parts.append(word)
        length += len(word)
    text = "".join(parts)
    gold: list[GoldTimex] = []
    dct_value = None
    for timex in root.iter("TIMEX3"):
        if timex.get("functionInDocument") == "CREATION_TIME":
            dct_value = timex.get("value")
        anchors = [a.get("t_id") for a in timex.iter("token_anchor")]
        if not anchors:
            continue
        try:
            offsets = [spans[a] for a in anchors if a is not None]
        except KeyError as exc:
            raise ValueError(f"{file}: TIMEX3 {timex.get('m_id')} points to unknown token "
                             f"{exc.args[0]}") from None
        start, end = min(o[0] for o in offsets), max(o[1] for o in offsets)
        gold.append(GoldTimex(start, end, text[start:end], timex.get("type", ""),
                              timex.get("value"), timex.get("mod") or None))
    gold.sort(key=lambda g: (g.start, g.end))
    name = root.get("doc_name") or file.stem
    return TimeDocument(name, text, _dct(file, dct_value), gold, scored_until)


def detect_format(path: Path) -> str:
    """timeml or meantime, from what is at ``path``."""
    if path.is_dir():
        if any(path.rglob("*.tml")):
            return "timeml"
        if any(path.rglob("*.xml")):
            return "meantime"
        raise ValueError(f"{path}: no .tml or .xml files (expected TimeML or MEANTIME)")
    if path.suffix.lower() == ".tml":
        return "timeml"
    with path.open("rb") as fh:
        head = fh.read(2048)
    return "meantime" if b"<Document" in head else "timeml"


def read_gold(path: Path, input_format: str = "auto") -> tuple[str, list[TimeDocument]]:
    """The documents at ``path`` and the format they were read as."""
    if input_format not in INPUT_FORMATS:
        raise ValueError(f"input format must be one of {', '.join(INPUT_FORMATS)}, "
                         f"not {input_format!r}")
    if not path.exists():
        raise ValueError(f"{path}: no such file or folder")
    fmt = detect_format(path) if input_format == "auto" else input_format
    return fmt, (read_timeml(path) if fmt == "timeml" else read_meantime(path))


# --- scoring -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SystemTimex:
    start: int
    end: int
    text: str
    type: str
    value: str | None


@dataclass(slots=True)
class Counts:
    gold: int = 0
    system: int = 0
    relaxed: int = 0
    #: Relaxed matches counted by the system's type (for per-type precision).
    relaxed_system: int = 0
    strict: int = 0
    strict_system: int = 0
    type_ok: int = 0
    value_ok: int = 0
    value_ok_system: int = 0

    def row(self, name: str) -> dict[str, Any]:
        def ratio(a: int, b: int) -> float:
            return round(a / b, 4) if b else 0.0

        def f1(p: float, r: float) -> float:
            return round(2 * p * r / (p + r), 4) if p + r else 0.0

        p, r = ratio(self.relaxed_system, self.system), ratio(self.relaxed, self.gold)
        sp, sr = ratio(self.strict_system, self.system), ratio(self.strict, self.gold)
        vp, vr = ratio(self.value_ok_system, self.system), ratio(self.value_ok, self.gold)
        return {"type": name, "gold": self.gold, "system": self.system,
                "precision": p, "recall": r, "f1": f1(p, r),
                "strict_precision": sp, "strict_recall": sr, "strict_f1": f1(sp, sr),
                "type_accuracy": ratio(self.type_ok, self.relaxed),
                "value_accuracy": ratio(self.value_ok, self.relaxed),
                "value_precision": vp, "value_recall": vr, "value_f1": f1(vp, vr)}


@dataclass(frozen=True, slots=True)
class Mistake:
    kind: str  # missed | spurious | wrong-value | wrong-type
    document: str
    gold: GoldTimex | None
    system: SystemTimex | None
    context: str

    def as_dict(self) -> dict[str, Any]:
        def one(t: GoldTimex | SystemTimex | None) -> dict[str, Any] | None:
            if t is None:
                return None
            return {"start": t.start, "end": t.end, "text": t.text, "type": t.type,
                    "value": t.value}
        return {"kind": self.kind, "document": self.document, "gold": one(self.gold),
                "system": one(self.system), "context": self.context}


def _canonical(value: str) -> str:
    """TimeML spells a decade "199" or "199X", a century "19" or "19XX": one spelling."""
    value = value.strip().upper()
    return value.rstrip("X") if value.isalnum() and value[:2].isdigit() and len(value) <= 4 \
        else value


def _same_value(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and _canonical(a) == _canonical(b)


def match(gold: Sequence[GoldTimex], system: Sequence[SystemTimex]
          ) -> list[tuple[GoldTimex, SystemTimex]]:
    """One-to-one relaxed matching: each gold takes the free system span overlapping most."""
    used: set[int] = set()
    pairs = []
    for g in gold:
        best, best_overlap = -1, 0
        for i, s in enumerate(system):
            if i in used:
                continue
            overlap = min(g.end, s.end) - max(g.start, s.start)
            if overlap > best_overlap:
                best, best_overlap = i, overlap
        if best >= 0:
            used.add(best)
            pairs.append((g, system[best]))
    return pairs


def _context(text: str, start: int, end: int, width: int = 70) -> str:
    left = text[max(0, start - width):start].replace("\n", " ")
    right = text[end:end + width].replace("\n", " ")
    return f"…{left}[{text[start:end]}]{right}…"


def score_document(doc: TimeDocument, system: Sequence[SystemTimex],
                   by_type: dict[str, Counts], total: Counts) -> list[Mistake]:
    """Add one document's counts to ``by_type`` and ``total``; its mistakes."""
    if doc.scored_until is not None:
        system = [s for s in system if s.start < doc.scored_until]
    for g in doc.gold:
        for c in (total, by_type.setdefault(g.type, Counts())):
            c.gold += 1
    for s in system:
        for c in (total, by_type.setdefault(s.type, Counts())):
            c.system += 1
    pairs = match(doc.gold, system)
    found: list[Mistake] = []
    matched_gold = {id(g) for g, _ in pairs}
    matched_sys = {id(s) for _, s in pairs}
    for g, s in pairs:
        strict = g.start == s.start and g.end == s.end
        value_ok = _same_value(g.value, s.value)
        for c in (total, by_type.setdefault(g.type, Counts())):
            c.relaxed += 1
            c.strict += strict
            c.type_ok += g.type == s.type
            c.value_ok += value_ok
        for c in (total, by_type.setdefault(s.type, Counts())):
            c.relaxed_system += 1
            c.strict_system += strict
            c.value_ok_system += value_ok
        if not value_ok:
            found.append(Mistake("wrong-value", doc.name, g, s,
                                 _context(doc.text, s.start, s.end)))
        elif g.type != s.type:
            found.append(Mistake("wrong-type", doc.name, g, s,
                                 _context(doc.text, s.start, s.end)))
    for g in doc.gold:
        if id(g) not in matched_gold:
            found.append(Mistake("missed", doc.name, g, None,
                                 _context(doc.text, g.start, g.end)))
    for s in system:
        if id(s) not in matched_sys:
            found.append(Mistake("spurious", doc.name, None, s,
                                 _context(doc.text, s.start, s.end)))
    return found


@dataclass(slots=True)
class TimeReport:
    path: str
    format: str
    documents: int
    by_type: dict[str, Counts]
    total: Counts
    mistakes: list[Mistake] = field(default_factory=list)
    seconds: float = 0.0

    def rows(self) -> list[dict[str, Any]]:
        rows = [self.total.row("all")]
        rows += [self.by_type.get(t, Counts()).row(t) for t in TYPES]
        return rows

    def as_dict(self, mistakes: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "format": self.format,
                               "documents": self.documents, "seconds": round(self.seconds, 3),
                               "rows": self.rows()}
        if mistakes:
            out["mistakes"] = [m.as_dict() for m in self.mistakes]
        return out


def predict(doc: TimeDocument, lang: str = "en") -> list[SystemTimex]:
    """The system's expressions for one document, anchored to its creation date."""
    from storyline.extract.nlp import pipeline
    from storyline.extract.timex import find_timexes

    parsed = pipeline(lang)(doc.text)
    return [SystemTimex(t.start, t.end, t.text, t.type, t.value)
            for t in find_timexes(parsed, doc.dct)]


def evaluate_time(path: Path, input_format: str = "auto", limit: int | None = None,
                  docs: str = "all", lang: str = "en") -> TimeReport:
    """Read the gold at ``path``, run the system on each document, score it."""
    if docs not in DOC_PARTS:
        raise ValueError(f"docs must be one of {', '.join(DOC_PARTS)}, not {docs!r}")
    fmt, documents = read_gold(path, input_format)
    if docs != "all":
        documents = [d for i, d in enumerate(documents) if i % 2 == (docs == "odd")]
    documents = documents[:limit]
    by_type: dict[str, Counts] = {}
    total = Counts()
    found: list[Mistake] = []
    began = time.perf_counter()
    for doc in documents:
        found += score_document(doc, predict(doc, lang), by_type, total)
    return TimeReport(str(path), fmt, len(documents), by_type, total, found,
                      time.perf_counter() - began)
