"""Event extraction scored against labelled sentences: PLOVER type, actors, CAMEO roots, ACLED.

Every record runs through the default path: ``pipeline("en")`` → ``find_mentions`` (with
roles) → ``find_events``. The system's *main event* for a record is its first event in
text order, typed by ``events.coded_type`` (a promised cooperative act is AGREE, a promised
or conditional hostile one THREATEN, a refused cooperative one REJECT; a denied or
cancelled hostile act is skipped: a denial is not the act); an AGREE trigger of intent
right before a planned hostile act ("vowed to fight") is THREATEN. A record with no event
is predicted "NONE", which is always wrong where the gold has an event.

Formats (``detect_format`` picks by name and content):

- ``plover-gsr``: ``PLOVER_GSR_CAMEO.json`` (PLOVER 0.5b1 gold). Types are remapped to the
  POLECAT set first: FIGHT→ASSAULT, DEMAND→REQUEST, DISAPPROVE→ACCUSE, INVESTIGATE→ACCUSE.
  Scores: event-type accuracy; source and target accuracy, each two ways: *code* (the
  system actor's country equals a gold actor's ``code``; a gold code "IGO" matches any
  system actor of sector IGO) and *text* (the system actor's words overlap a gold
  ``actorText`` in the sentence). Source accuracy is over records with a gold source,
  target accuracy over records with a non-empty gold target; a missing system event or
  actor counts as wrong.
- ``petrarch``: ``PETR.UnitTest.records.jsonl``. Gold CAMEO codes map to PLOVER through
  ``CAMEO2PLOVER-2021.txt`` (read at run time from the folder beside the GSR, or the path
  given): the code itself, else its shorter prefixes ("0231" → "023"). The record is right
  when the main event's type is the type of any of its mapped gold events. Records whose
  gold codes all lack a PLOVER type (CAMEO 01/02 statements and appeals, legacy codes) are
  left out of that figure and counted. CAMEO root accuracy: the main event's PLOVER type
  stands for every CAMEO root with a code mapped to that type (the inverse table), and is
  right when a gold event's root (its first two digits, 01–20) is among them; over records
  with at least one gold event with a valid root. Records expecting no event or an error
  are left out of both and reported apart (how many got an event anyway).
- ``case2021``: CASE 2021 task 2 TSV (ACLED sub-types). Both sides go to six classes:
  VIOLENCE (system ASSAULT; gold ARMED_CLASH, AIR_STRIKE, ATTACK, ART_MISS_ATTACK,
  CHEM_WEAP, GRENADE, REM_EXPLOS, SUIC_BOMB, SEX_VIOL, ABDUCT_DISSAP, MOB_VIOL,
  GOV_REGAINS_TERIT, NON_STATE_ACTOR_OVERTAKES_TER, FORCE_AGAINST_PROTEST,
  PROPERTY_DISTRUCT), PROTEST (PROTEST; PEACE_PROTEST, PROTEST_WITH_INTER, VIOL_DEMONSTR),
  ARREST (COERCE; ARREST), AGREEMENT (AGREE; AGREEMENT), DIPLOMACY (CONSULT, SUPPORT,
  COOPERATE, AID, CONCEDE, REQUEST, ACCUSE, REJECT, THREATEN, SANCTION; DIPLO) and NONE
  (RETREAT, MOBILIZE, no event; every other label: strategic developments, crime,
  disasters, ATTRIB, OTHER). Scores: accuracy and per-class precision, recall and F1.

- ``no-event``: a ``../shared/eval`` folder; sentences that report no political event
  (MEANTIME's Wikinews business sentences and UCI News Aggregator headlines, see
  ``event_sentences.py``), split by document and row. Accuracy is the share that gets no
  shown event.

Events under ``min_confidence`` are not shown (``extract/event_confidence.py``): the
figures at the default threshold are what a user sees; at 0 every rule event counts.
``shown_precision`` is the accuracy over records with a shown event.

``part`` splits every set by record position (0-based): ``tune`` the even records,
``held-out`` the odd ones; develop on ``tune`` and report ``held-out``.
"""

from __future__ import annotations

import csv
import json
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storyline.extract.events import HOSTILE, coded_type
from storyline.extract.types import Actor, Event

#: PLOVER 0.5b1 types that are not in the POLECAT set, and what they become.
GSR_REMAP = {"FIGHT": "ASSAULT", "DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE",
             "INVESTIGATE": "ACCUSE"}
#: ACLED (CASE 2021) sub-type → the class it is scored as.
ACLED_CLASSES: dict[str, str] = {
    **dict.fromkeys(("ARMED_CLASH", "AIR_STRIKE", "ATTACK", "ART_MISS_ATTACK", "CHEM_WEAP",
                     "GRENADE", "REM_EXPLOS", "SUIC_BOMB", "SEX_VIOL", "ABDUCT_DISSAP",
                     "MOB_VIOL", "GOV_REGAINS_TERIT", "NON_STATE_ACTOR_OVERTAKES_TER",
                     "FORCE_AGAINST_PROTEST", "PROPERTY_DISTRUCT"), "VIOLENCE"),
    **dict.fromkeys(("PEACE_PROTEST", "PROTEST_WITH_INTER", "VIOL_DEMONSTR"), "PROTEST"),
    "ARREST": "ARREST", "AGREEMENT": "AGREEMENT", "DIPLO": "DIPLOMACY"}
#: PLOVER type → the ACLED class it is scored as (anything else: NONE).
PLOVER_TO_ACLED: dict[str, str] = {
    "ASSAULT": "VIOLENCE", "PROTEST": "PROTEST", "COERCE": "ARREST", "AGREE": "AGREEMENT",
    **dict.fromkeys(("CONSULT", "SUPPORT", "COOPERATE", "AID", "CONCEDE", "REQUEST", "ACCUSE",
                     "REJECT", "THREATEN", "SANCTION"), "DIPLOMACY")}
FORMATS = ("plover-gsr", "petrarch", "case2021", "no-event")
PARTS = ("all", "tune", "held-out")
NONE = "NONE"


@dataclass(frozen=True, slots=True)
class GoldActor:
    text: str
    code: str | None


@dataclass(frozen=True, slots=True)
class Record:
    """One labelled text. ``labels``: the gold labels any of which is right (PLOVER types,
    or ACLED classes); ``label``: the one shown and used for per-type counts."""

    id: str
    text: str
    label: str
    labels: frozenset[str]
    original: str = ""
    sources: tuple[GoldActor, ...] = ()
    targets: tuple[GoldActor, ...] = ()
    #: CAMEO roots of the gold events (petrarch).
    roots: frozenset[str] = frozenset()
    #: Left out of the type score (petrarch: no PLOVER type for the gold codes).
    unscored: bool = False
    expect_none: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    record: Record
    predicted: str
    event: Event | None

    @property
    def correct(self) -> bool:
        return self.predicted in self.record.labels


@dataclass
class EventReport:
    format: str
    part: str
    records: int
    outcomes: list[Outcome]
    seconds: float
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def scored(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.record.unscored and not o.record.expect_none]

    @property
    def accuracy(self) -> float:
        s = self.scored()
        return sum(o.correct for o in s) / len(s) if s else 0.0

    def per_type(self) -> dict[str, tuple[float, float, float, int]]:
        """Label → (precision, recall, F1, gold support); a right answer counts as its
        predicted label, a wrong one as the record's shown label."""
        tp: Counter[str] = Counter()
        pred: Counter[str] = Counter()
        gold: Counter[str] = Counter()
        for o in self.scored():
            g = o.predicted if o.correct else o.record.label
            gold[g] += 1
            pred[o.predicted] += 1
            if o.correct:
                tp[g] += 1
        out = {}
        for label in sorted(set(gold) | set(pred)):
            if label == NONE and self.format not in ("case2021", "no-event"):
                continue
            p = tp[label] / pred[label] if pred[label] else 0.0
            r = tp[label] / gold[label] if gold[label] else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            out[label] = (p, r, f, gold[label])
        return out

    def confusions(self, n: int = 15) -> list[tuple[str, str, int]]:
        c = Counter((o.record.label, o.predicted) for o in self.scored() if not o.correct)
        return [(g, p, k) for (g, p), k in c.most_common(n)]

    def actor_scores(self) -> dict[str, float]:
        """Source and target accuracy by code and by text (plover-gsr)."""
        out: dict[str, float] = {}
        for role in ("source", "target"):
            recs = [o for o in self.scored() if getattr(o.record, f"{role}s")]
            if not recs:
                continue
            code = text = 0
            for o in recs:
                actor = getattr(o.event, role) if o.event else None
                gold = getattr(o.record, f"{role}s")
                code += code_match(actor, gold)
                text += text_match(actor, gold, o.record.text)
            out[f"{role}_code"] = code / len(recs)
            out[f"{role}_text"] = text / len(recs)
            out[f"{role}_n"] = len(recs)
        return out

    def macro_f1(self) -> float:
        rows = self.per_type()
        return sum(r[2] for r in rows.values()) / len(rows) if rows else 0.0

    def summary(self) -> dict[str, Any]:
        s = self.scored()
        out: dict[str, Any] = {
            "format": self.format, "part": self.part, "records": self.records,
            "scored": len(s), "correct": sum(o.correct for o in s),
            "accuracy": round(self.accuracy, 4), "macro_f1": round(self.macro_f1(), 4),
            "no_event": sum(o.event is None for o in s),
            "seconds": round(self.seconds, 2)}
        out.update({k: round(v, 4) if isinstance(v, float) else v
                    for k, v in self.actor_scores().items()})
        out.update(self.extra)
        return out

    def as_dict(self, mistakes: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "summary": self.summary(), "notes": self.notes,
            "per_type": {k: {"precision": round(p, 4), "recall": round(r, 4),
                             "f1": round(f, 4), "support": n}
                         for k, (p, r, f, n) in self.per_type().items()},
            "confusions": [{"gold": g, "system": p, "count": k}
                           for g, p, k in self.confusions()]}
        if mistakes:
            out["mistakes"] = [mistake_row(o) for o in self.scored() if not o.correct]
        return out


def mistake_row(o: Outcome) -> dict[str, Any]:
    e = o.event
    return {"id": o.record.id, "gold": o.record.label, "original": o.record.original,
            "system": o.predicted, "trigger": e.trigger if e else None,
            "source": e.source.code if e and e.source else None,
            "target": e.target.code if e and e.target else None,
            "text": o.record.text}


def code_match(actor: Actor | None, gold: Sequence[GoldActor]) -> bool:
    if actor is None:
        return False
    for g in gold:
        if not g.code:
            continue
        if g.code == "IGO" and actor.sector == "IGO":
            return True
        if actor.country and actor.country == g.code:
            return True
    return False


def text_match(actor: Actor | None, gold: Sequence[GoldActor], text: str) -> bool:
    """The actor's words overlap a gold actor's words where they stand in the text (or,
    for gold text with elisions, share a word of three letters or more)."""
    if actor is None:
        return False
    for g in gold:
        at = text.find(g.text) if g.text else -1
        if at >= 0:
            if actor.start < at + len(g.text) and at < actor.end:
                return True
            continue
        words = {w.casefold() for w in g.text.replace("...", " ").split() if len(w) >= 3}
        if words & {w.casefold() for w in actor.text.split()}:
            return True
    return False


# ----------------------------------------------------------------------- readers


def _actors(value: Any) -> tuple[GoldActor, ...]:
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        return ()
    return tuple(GoldActor(str(a.get("actorText", "")), a.get("code") or None)
                 for a in value if isinstance(a, dict))


def read_plover_gsr(path: Path) -> list[Record]:
    data = json.loads(path.read_text("utf-8"))
    out: list[Record] = []
    for r in data:
        if not isinstance(r, dict) or r.get("event") in (None, "DOCUMENT") or not r.get("text"):
            continue
        original = str(r["event"])
        label = GSR_REMAP.get(original, original)
        out.append(Record(str(r.get("id", len(out))), str(r["text"]), label,
                          frozenset({label}), original, _actors(r.get("source")),
                          _actors(r.get("target"))))
    return out


def read_cameo_table(path: Path) -> dict[str, str]:
    """CAMEO code → PLOVER type from ``CAMEO2PLOVER-2021.txt`` ("0231: AGREE, …")."""
    table: dict[str, str] = {}
    for line in path.read_text("utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        code, rest = line.split(":", 1)
        kind = rest.split(",", 1)[0].strip().upper()
        if code.strip().isdigit() and kind:
            table[code.strip()] = GSR_REMAP.get(kind, kind)
    return table


def cameo_to_plover(code: str, table: dict[str, str]) -> str | None:
    c = code.strip()
    while c:
        if c in table:
            return table[c]
        c = c[:-1]
        if len(c) < 2:
            break
    return None


def roots_of(table: dict[str, str]) -> dict[str, frozenset[str]]:
    """PLOVER type → the CAMEO roots with at least one code mapped to it."""
    out: dict[str, set[str]] = {}
    for code, kind in table.items():
        out.setdefault(kind, set()).add(code[:2])
    return {k: frozenset(v) for k, v in out.items()}


def _root(code: str) -> str | None:
    c = code.strip()
    return c[:2] if len(c) >= 2 and c[:2].isdigit() and 1 <= int(c[:2]) <= 20 else None


def read_petrarch(path: Path, table: dict[str, str]) -> list[Record]:
    out: list[Record] = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        if r.get("expected_error"):
            continue
        codes = [str(e.get("event", "")) for e in r.get("expected_events", [])]
        types = [t for t in (cameo_to_plover(c, table) for c in codes) if t]
        roots = frozenset(x for x in (_root(c) for c in codes) if x)
        none = bool(r.get("expect_no_events")) or not codes
        label = types[0] if types else NONE
        out.append(Record(str(r.get("id", len(out))), str(r.get("text", "")), label,
                          frozenset(types) or frozenset({NONE}), ",".join(codes),
                          roots=roots, unscored=not types, expect_none=none))
    return out


def read_case2021(path: Path) -> list[Record]:
    out: list[Record] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            text = row.get("EventSnippet") or ""
            sub = (row.get("SubType") or "").strip()
            if not text or not sub:
                continue
            label = ACLED_CLASSES.get(sub, NONE)
            out.append(Record(str(row.get("id", len(out))), text, label,
                              frozenset({label}), sub))
    return out


def read_no_event(root: Path, part: str) -> list[Record]:
    """Sentences that report no political event (``event_sentences``: MEANTIME and UCI
    headlines) from the ``../shared/eval`` folder ``root``; ``part`` as everywhere."""
    from storyline.evaluation.event_sentences import read

    return [Record(f"{s.corpus}:{s.id}", s.text, NONE, frozenset({NONE}), s.corpus)
            for s in read(root, ("meantime", "uci"), part)]


def detect_format(path: Path) -> str:
    if path.is_dir():
        return "no-event"
    name = path.name.lower()
    if name.endswith(".jsonl"):
        return "petrarch"
    if name.endswith((".tsv", ".csv")):
        return "case2021"
    if name.endswith((".json", ".txt")):
        return "plover-gsr"
    raise ValueError(f"cannot tell the format of {path}; pass --input-format")


def select_part(records: Sequence[Record], part: str) -> list[Record]:
    if part not in PARTS:
        raise ValueError(f"part must be one of {', '.join(PARTS)}, not {part!r}")
    if part == "all":
        return list(records)
    keep = 0 if part == "tune" else 1
    return [r for i, r in enumerate(records) if i % 2 == keep]


# ----------------------------------------------------------------------- running


def main_event(events: Sequence[Event], text: str = "", min_confidence: float = 0.0
               ) -> tuple[Event | None, str]:
    """The record's main event and its PLOVER type: the first event in text order, among
    those shown (``confidence`` at least ``min_confidence``), that ``coded_type`` gives a
    type (a denied hostile act gives none), after an intent trigger ("vowed to", "offered
    to") the act it announces when that is hostile."""
    events = [e for e in events if e.confidence is None or e.confidence >= min_confidence]
    for i, e in enumerate(events):
        kind = coded_type(e, text[e.start:e.end])
        if kind is None:
            continue
        nxt = events[i + 1] if i + 1 < len(events) else None
        if (kind == "AGREE" and nxt is not None and nxt.sentence == e.sentence
                and nxt.status == "planned" and nxt.type in HOSTILE
                and nxt.trigger_start - e.trigger_end < 12):
            return e, "THREATEN"  # "vowed to fight": a threat, not a promise
        return e, kind
    return None, NONE


def default_extractor() -> Callable[[str], list[Event]]:
    """pipeline("en") → find_mentions (with roles) → find_events, scored by the event
    confidence model (with the quotes it needs), as in ``extract.run``."""
    from storyline.extract.entities import find_mentions, with_roles
    from storyline.extract.event_confidence import score_events
    from storyline.extract.events import find_events
    from storyline.extract.nlp import pipeline
    from storyline.extract.quotes import find_quotes

    nlp = pipeline("en")

    def run(text: str) -> list[Event]:
        doc = nlp(text)
        mentions = with_roles(find_mentions(doc))
        return score_events(find_events(doc, mentions, (), find_quotes(doc, mentions)), text)
    return run


def evaluate_events(path: Path, input_format: str = "auto", part: str = "all",
                    limit: int | None = None, cameo_table: Path | None = None,
                    extractor: Callable[[str], list[Event]] | None = None,
                    min_confidence: float = 0.0) -> EventReport:
    """Score the main event of each record; events under ``min_confidence`` are not
    shown, so a record whose events all fall under it is predicted "no event"."""
    fmt = detect_format(path) if input_format == "auto" else input_format
    if fmt not in FORMATS:
        raise ValueError(f"input format must be auto or one of {', '.join(FORMATS)}")
    notes: list[str] = []
    table: dict[str, str] = {}
    if fmt == "no-event":
        records = read_no_event(path, part)
        part = "all"  # read_no_event took the part
        notes.append("no-event sentences: MEANTIME Wikinews sentences and UCI News "
                     "Aggregator headlines (evaluation/event_sentences.py); right = no event "
                     "shown")
    elif fmt == "plover-gsr":
        records = read_plover_gsr(path)
        notes.append("gold types remapped: " + ", ".join(f"{k}→{v}"
                                                          for k, v in GSR_REMAP.items()))
    elif fmt == "petrarch":
        table_path = cameo_table or _default_table(path)
        table = read_cameo_table(table_path)
        records = read_petrarch(path, table)
        notes.append(f"CAMEO→PLOVER from {table_path} ({len(table)} codes); "
                     "FIGHT/DEMAND/DISAPPROVE/INVESTIGATE remapped as for the GSR")
    else:
        records = read_case2021(path)
        notes.append("ACLED→class: " + "; ".join(
            f"{c}: {', '.join(sorted(k for k, v in ACLED_CLASSES.items() if v == c))}"
            for c in sorted(set(ACLED_CLASSES.values()))) + "; everything else: NONE")
        notes.append("PLOVER→class: " + ", ".join(f"{k}→{v}"
                                                  for k, v in PLOVER_TO_ACLED.items())
                     + "; RETREAT, MOBILIZE, no event → NONE")
    records = select_part(records, part)
    if limit is not None:
        records = records[:limit]
    run = extractor or default_extractor()
    t0 = time.perf_counter()
    outcomes = []
    for r in records:
        event, predicted = main_event(run(r.text), r.text, min_confidence)
        if fmt == "case2021":
            predicted = PLOVER_TO_ACLED.get(predicted, NONE)
        outcomes.append(Outcome(r, predicted, event))
    seconds = time.perf_counter() - t0
    report = EventReport(fmt, part, len(records), outcomes, seconds, notes)
    report.extra["min_confidence"] = min_confidence
    shown = [o for o in report.scored() if o.event is not None]
    if shown and fmt != "no-event":
        report.extra["shown_precision"] = round(sum(o.correct for o in shown) / len(shown), 4)
        report.extra["shown"] = len(shown)
    if fmt == "petrarch":
        inverse = roots_of(table)
        rooted = [o for o in outcomes if o.record.roots and not o.record.expect_none]
        right = sum(bool(inverse.get(o.predicted, frozenset()) & o.record.roots)
                    for o in rooted)
        none = [o for o in outcomes if o.record.expect_none]
        report.extra.update({
            "cameo_root_accuracy": round(right / len(rooted), 4) if rooted else 0.0,
            "cameo_root_scored": len(rooted),
            "unmapped_records": sum(o.record.unscored and not o.record.expect_none
                                    for o in outcomes),
            "expect_no_event": len(none),
            "expect_no_event_but_coded": sum(o.event is not None for o in none)})
    return report


def _default_table(path: Path) -> Path:
    """CAMEO2PLOVER-2021.txt in ``events-plover-gsr`` next to the PETRARCH folder."""
    for base in (path.parent, *path.parents):
        cand = base / "events-plover-gsr" / "CAMEO2PLOVER-2021.txt"
        if cand.is_file():
            return cand
        if (base / "CAMEO2PLOVER-2021.txt").is_file():
            return base / "CAMEO2PLOVER-2021.txt"
    raise ValueError("CAMEO2PLOVER-2021.txt not found next to the data; pass its path")


def rows(report: EventReport) -> list[dict[str, Any]]:
    """Per-type table rows for the CLI."""
    out = [{"type": k, "precision": f"{p:.3f}", "recall": f"{r:.3f}", "f1": f"{f:.3f}",
            "support": n} for k, (p, r, f, n) in report.per_type().items()]
    out.append({"type": "accuracy", "precision": "", "recall": "",
                "f1": f"{report.accuracy:.3f}", "support": len(report.scored())})
    return out
