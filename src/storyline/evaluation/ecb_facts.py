"""Fact-alignment labels from ECB+'s cross-document event coreference: real news, other
outlets' wording, and labels nobody on the team wrote.

ECB+ marks, in selected sentences of each document, the events (actions) and their
participants, and links mentions of one real-world event or participant across documents to
one instance. Two sentences of different documents of one event cluster that mention the
same event *occurrence* are taken to state the same fact (a positive pair); two that mention
the same participants (people, places, things) but no common action are a negative pair:
they share names only. Reporting verbs ("said", "told") and states are not occurrences, so
"her rep told People" does not make two sentences one fact.

It is a proxy, and a strict one for the aligner: a sentence that mentions the event in
passing ("after her stint in rehab, …") still counts as stating it. Pair recall on it is
therefore lower than on hand-picked paraphrases; it serves to compare aligners and to tune
them on one half of the development topics and check them on the other.

Splits follow the set's hold-out: even topics are held out (``test``). The odd topics are
development data, halved into ``tune`` (topics 1, 5, 9, … ) and ``check`` (3, 7, 11, …);
``dev`` is both.
"""

from __future__ import annotations

import csv
import gzip
import itertools
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SPLITS = ("tune", "check", "dev", "test")
#: Action kinds that are things happening (not saying, being or starting).
OCCURRENCES = ("ACTION_OCCURRENCE", "NEG_ACTION_OCCURRENCE", "ACTION_CAUSATIVE",
               "ACTION_PERCEPTION", "ACTION_GENERIC", "NEG_ACTION_CAUSATIVE")
#: Participant kinds whose shared instance makes a "names only" pair.
PARTICIPANTS = ("HUMAN_PART", "LOC_", "NON_HUMAN_PART")
_SPACE = re.compile(r"\s+")


def in_split(topic: int, split: str) -> bool:
    if split not in SPLITS:
        raise ValueError(f"unknown ECB+ facts split {split!r}; one of {', '.join(SPLITS)}")
    if split == "test":
        return topic % 2 == 0
    if split == "dev":
        return topic % 2 == 1
    return topic % 4 == (1 if split == "tune" else 3)


@dataclass
class _Sentence:
    doc: str
    number: int
    text: str = ""
    occurrences: set[str] = field(default_factory=set)
    actions: set[str] = field(default_factory=set)
    participants: set[str] = field(default_factory=set)


def _annotated(folder: Path) -> set[tuple[str, int]]:
    """(document name without extension, sentence number) of exhaustively annotated
    sentences."""
    out = set()
    with (folder / "ECBplus_coreference_sentences.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out.add((f"{row['Topic']}_{row['File']}", int(row["Sentence Number"])))
    return out


def _sentences(path: Path, annotated: set[tuple[str, int]]) -> list[_Sentence]:
    """The annotated sentences of one document with the instances their mentions refer to."""
    try:
        root = ET.fromstring(gzip.decompress(path.read_bytes()))
    except (OSError, EOFError, ET.ParseError) as exc:
        raise ValueError(f"{path}: not a gzipped ECB+ XML document ({exc})") from None
    doc = path.name.removesuffix(".xml.gz")
    sentence_of: dict[str, int] = {}
    words: dict[int, list[str]] = {}
    for tok in root.iter("token"):
        n = int(tok.get("sentence", "0"))
        sentence_of[tok.get("t_id", "")] = n
        words.setdefault(n, []).append(tok.text or "")
    kind_of: dict[str, str] = {}
    where: dict[str, int] = {}
    markables = root.find("Markables")
    for m in markables if markables is not None else []:
        anchors = [a.get("t_id", "") for a in m.findall("token_anchor")]
        if anchors and anchors[0] in sentence_of:
            kind_of[m.get("m_id", "")] = m.tag
            where[m.get("m_id", "")] = sentence_of[anchors[0]]
    out = {n: _Sentence(doc, n, " ".join(w)) for n, w in words.items()
           if (doc, n) in annotated}
    relations = root.find("Relations")
    for rel in relations if relations is not None else []:
        if rel.tag != "CROSS_DOC_COREF":
            continue
        instance = rel.get("note", "")
        for src in rel.findall("source"):
            mid = src.get("m_id", "")
            s = out.get(where.get(mid, -1))
            if s is None:
                continue
            kind = kind_of[mid]
            if kind in OCCURRENCES:
                s.occurrences.add(instance)
            if "ACTION" in kind:
                s.actions.add(instance)
            elif kind.startswith(PARTICIPANTS):
                s.participants.add(instance)
    return sorted(out.values(), key=lambda s: s.number)


def _squash(text: str) -> str:
    return _SPACE.sub("", text).replace("``", '"').replace("''", '"')


def _line_of(doc_text: str, sentence: _Sentence) -> str | None:
    """The article's own line for a tokenised sentence (the text is detokenised)."""
    want = _squash(sentence.text)
    for line in doc_text.splitlines():
        if _squash(line) == want:
            return line.strip()
    return None


def build(folder: Path, split: str) -> dict[str, Any]:
    """Articles, story labels and fact labels for ``evaluate_facts``, as one dict:
    ``{"articles": [records], "labels": {...}, "facts": {...}}``."""
    annotated = _annotated(folder)
    docs = [json.loads(line) for line in
            (folder / "docs.jsonl").read_text("utf-8").splitlines() if line.strip()]
    docs = [d for d in docs if in_split(int(d["topic"]), split)]
    records: list[dict[str, str]] = []
    label_rows: list[dict[str, str]] = []
    facts: list[dict[str, Any]] = []
    negatives: list[dict[str, Any]] = []
    by_story: dict[str, list[tuple[str, _Sentence]]] = {}
    for n, d in enumerate(docs, start=1):
        key = f"docs.jsonl#L{n}"
        records.append({"text": d["text"], "lang": "en"})
        label_rows.append({"key": key, "story": d["event_cluster"]})
        path = folder / "xml" / str(d["topic"]) / f"{d['doc_name']}.gz"
        for s in _sentences(path, annotated):
            line = _line_of(d["text"], s)
            if line is not None and (s.occurrences or s.participants):
                s.text = line
                by_story.setdefault(d["event_cluster"], []).append((key, s))
    for story, sentences in sorted(by_story.items()):
        facts.extend(_facts(story, sentences))
        negatives.extend(_negatives(story, sentences))
    return {"articles": records, "labels": {"articles": label_rows},
            "facts": {"about": __doc__, "facts": facts, "negatives": negatives}}


def _facts(story: str, sentences: list[tuple[str, _Sentence]]) -> Iterable[dict[str, Any]]:
    """One fact per event instance: each document's first sentence that mentions it."""
    instances = sorted({i for _, s in sentences for i in s.occurrences})
    for instance in instances:
        first: dict[str, _Sentence] = {}
        for key, s in sentences:
            if instance in s.occurrences:
                first.setdefault(key, s)
        if len(first) >= 2:
            yield {"story": story, "note": f"ECB+ event {instance}",
                   "statements": [{"article": k, "text": s.text} for k, s in first.items()]}


def _negatives(story: str, sentences: list[tuple[str, _Sentence]]
               ) -> Iterable[dict[str, Any]]:
    """Sentence pairs of different documents that share a participant and no action."""
    for (ka, a), (kb, b) in itertools.combinations(sentences, 2):
        if ka == kb or not (a.occurrences and b.occurrences):
            continue
        if a.participants & b.participants and not a.actions & b.actions:
            yield {"story": story, "note": "ECB+: same participants, no common action",
                   "statements": [{"article": ka, "text": a.text},
                                  {"article": kb, "text": b.text}]}


def write(folder: Path, split: str, out: Path) -> Path:
    """Write the labels where ``evaluate_facts`` reads them; returns the facts file."""
    built = build(folder, split)
    (out / "articles").mkdir(parents=True, exist_ok=True)
    with (out / "articles" / "docs.jsonl").open("w", encoding="utf-8") as fh:
        for r in built["articles"]:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    (out / "labels.json").write_text(json.dumps(built["labels"]), "utf-8")
    path = out / "facts.json"
    path.write_text(json.dumps(built["facts"], ensure_ascii=False), "utf-8")
    return path
