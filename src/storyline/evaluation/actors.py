"""Who did it to whom: the sides of events scored against the project's gold actors.

``data/models/event_actors.jsonl`` gives, for 2,283 real events found by the rules in ECB+
articles (odd topics) and NGEC synthetic stories, the words that name their doer and the
one it was done to, written by the team's annotators from the sentence alone
(``event_judgements.md``). An event is found again by its id (``<doc>:<trigger start>``),
so the figures compare any version of the rules and the parser on the same events.

Parts, as the judgements: ``tune`` is ECB+ topics 1, 5, 9, … and NGEC even rows (develop on
it), ``check`` is topics 3, 7, 11, … and odd rows (report on it). The even ECB+ topics are
held out and never read.

Per side: *accuracy* (the side is right: the named actor, or none when the sentence names
none or only a pronoun), *precision* of the sides given (a wrong side is the error an
analyst minds), and *recall* of the named sides.
"""

from __future__ import annotations

import csv
import json
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from storyline.extract.types import Actor, Event

PARTS = ("tune", "check", "all")
ROLES = ("source", "target")


def gold_path() -> Path:
    return Path(str(resources.files("storyline") / "data" / "models" / "event_actors.jsonl"))


@dataclass(frozen=True, slots=True)
class GoldSides:
    """The words naming an event's doer and target (with equally right alternatives);
    empty when the sentence names no one for that side."""

    id: str
    source: tuple[str, ...]
    target: tuple[str, ...]


def read_gold(path: Path | None = None) -> dict[str, GoldSides]:
    out = {}
    for n, line in enumerate((path or gold_path()).read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            sides = {r: tuple(s for s in [row.get(r), *(row.get(f"{r}_alt") or [])] if s)
                     for r in ROLES}
            out[row["id"]] = GoldSides(row["id"], sides["source"], sides["target"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path or gold_path()}:{n}: not a gold actor line ({exc})") from exc
    return out


#: re3d sources whose licence lets the judgements be trained on and shipped (public domain,
#: OGL v3, CC BY 3.0 AU, CC BY-SA 3.0); BBC Online (NC) and the EU Delegation are not read.
RE3D_SOURCES = ("CENTCOM", "US_State_Department", "UK_Government",
                "Australian_Department_of_Foreign_Affairs", "Wikipedia")


def part_of(doc_id: str) -> str:
    """``tune`` or ``check`` for an ECB+ document ("<topic>_<n>ecb…"), NGEC row
    ("ngec<row>") or re3d document ("re3d-<id>": by a checksum of its id)."""
    if doc_id.startswith("re3d-"):
        return "tune" if zlib.crc32(doc_id.encode()) % 2 == 0 else "check"
    if doc_id.startswith("ngec"):
        return "tune" if int(doc_id[4:]) % 2 == 0 else "check"
    return "tune" if int(doc_id.split("_", 1)[0]) % 4 == 1 else "check"


def judged_texts(eval_root: Path, wanted: set[str]) -> list[tuple[str, str, str]]:
    """(doc id, text, part) of the judged ECB+ articles, NGEC stories and re3d documents
    in ``wanted``,
    read where they live in ``eval_root``. Even ECB+ topics are held out: never read."""
    texts: list[tuple[str, str, str]] = []
    docs = eval_root / "ecbplus-event-clusters" / "docs.jsonl"
    for line in docs.read_text("utf-8").splitlines():
        d = json.loads(line)
        if d["doc_id"] in wanted and int(d["topic"]) % 2 == 1:
            texts.append((d["doc_id"], d["text"], part_of(d["doc_id"])))
    stories = eval_root / "events-ngec-synthetic-plover" / "gpt_synthetic_events_2023-10-19.csv"
    with stories.open(encoding="utf-8", newline="") as f:
        for i, row in enumerate(csv.DictReader(f)):
            if f"ngec{i}" in wanted:
                texts.append((f"ngec{i}", row["text"], part_of(f"ngec{i}")))
    for source in RE3D_SOURCES:
        found = eval_root / "ner-re3d" / source / "documents.json"
        if not found.is_file():
            continue
        for line in found.read_text("utf-8-sig").splitlines():  # JSON Lines, with a BOM
            if line.strip() and (d := json.loads(line)) and f"re3d-{d['_id']}" in wanted:
                ident = f"re3d-{d['_id']}"
                texts.append((ident, d["text"], part_of(ident)))
    return texts


def matches(actor: Actor, gold: Sequence[str], text: str, start: int, end: int) -> bool:
    """The actor's words overlap a gold phrase where it stands in the sentence
    ``text[start:end]`` (the gold phrase's first occurrence there)."""
    for g in gold:
        at = text.find(g, start, end)
        if at >= 0 and actor.start < at + len(g) and at < actor.end:
            return True
    return False


@dataclass
class SideCounts:
    n: int = 0
    right: int = 0  # the named actor, or none where none is named
    given: int = 0  # sides the system named
    given_right: int = 0
    named: int = 0  # sides the gold names

    def add(self, actor: Actor | None, gold: Sequence[str], text: str, e: Event) -> str:
        self.n += 1
        self.named += bool(gold)
        if actor is None:
            ok = not gold
            self.right += ok
            return "ok" if ok else "missing"
        self.given += 1
        ok = bool(gold) and matches(actor, gold, text, e.start, e.end)
        self.right += ok
        self.given_right += ok
        return "ok" if ok else "wrong"

    def figures(self) -> dict[str, float]:
        return {"accuracy": self.right / self.n if self.n else 0.0,
                "precision": self.given_right / self.given if self.given else 0.0,
                "recall": self.given_right / self.named if self.named else 0.0,
                "n": float(self.n)}


@dataclass
class ActorReport:
    part: str
    events: int = 0
    not_found: int = 0  # gold events the system no longer reports
    sides: dict[str, SideCounts] = field(default_factory=lambda: {r: SideCounts() for r in ROLES})
    mistakes: list[dict[str, object]] = field(default_factory=list)

    def figures(self) -> dict[str, object]:
        return {"part": self.part, "events": self.events, "not_found": self.not_found,
                **{f"{r}_{k}": round(v, 4) for r in ROLES
                   for k, v in self.sides[r].figures().items()}}


def evaluate(eval_root: Path, extract: Callable[[str], Iterable[Event]], part: str = "tune",
             gold: dict[str, GoldSides] | None = None) -> ActorReport:
    """Re-extract the judged texts of ``part`` and score each gold event's sides."""
    if part not in PARTS:
        raise ValueError(f"part must be one of {', '.join(PARTS)}, not {part!r}")
    gold = gold if gold is not None else read_gold()
    by_doc: dict[str, list[GoldSides]] = {}
    for g in gold.values():
        by_doc.setdefault(g.id.rsplit(":", 1)[0], []).append(g)
    report = ActorReport(part)
    for doc_id, text, doc_part in judged_texts(eval_root, set(by_doc)):
        if part != "all" and doc_part != part:
            continue
        found = {f"{doc_id}:{e.trigger_start}": e for e in extract(text)}
        for g in by_doc[doc_id]:
            ident = g.id
            e = found.get(ident)
            if e is None:
                report.not_found += 1
                continue
            report.events += 1
            verdict = {r: report.sides[r].add(getattr(e, r), getattr(g, r), text, e)
                       for r in ROLES}
            if "wrong" in verdict.values() or "missing" in verdict.values():
                report.mistakes.append({
                    "id": ident, "sentence": text[e.start:e.end], "trigger": e.trigger,
                    **{r: getattr(e, r).text if getattr(e, r) else None for r in ROLES},
                    **{f"gold_{r}": list(getattr(g, r)) for r in ROLES}, **verdict})
    return report
