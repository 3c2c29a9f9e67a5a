"""The story summary and headline against AllSides' neutral roundups (NeuS, Lee et al.,
NAACL 2022): ROUGE F1 of Storyline's and baseline systems' outputs, with bootstrap
confidence intervals.

Input: the ``allsides-roundups-neus`` folder (or its ``naacl2022_probe`` folder):
``articles_flat.jsonl`` (``story_id`` = ``<split>-<line>``, ``member``, ``title``, ``lead``)
and ``<split>.target``, whose line ``n`` (0-based) is ``TITLE=> … ARTICLE=> …`` of story
``<split>-n``: an AllSides editor's neutral title and summary of the story.

Each story becomes ``StoryInputs`` as the store would give it after ingesting the three
articles as JSON Lines with ``title`` and ``text`` (the lead): the title apart from the
text, which goes through the real extraction (``extract(lead, "en", None)``: sentences,
mentions, quotes, dates, events); sources ``member-0`` … ``member-2``; no dates, no copy
links, language ``en``. Storyline's ``summarise`` (default 5 sentences) and ``headline``
run on it.

Systems, all measured on the same stories in the same run; ``k`` is the number of sentences
in Storyline's summary of the story and ``w`` its length in whitespace-separated words:

* summary: ``storyline``; ``member 0 lead, first k sentences`` (all of it when it has
  fewer; member 0 is whichever outlet the dataset put first, its order is random);
  ``three leads, first w words``: the three leads in member order, joined and cut after
  ``w`` words; ``k random lead sentences``: drawn (seeded per story) from all sentences of
  the three leads, in article order; ``oracle: k lead sentences``: up to ``k`` sentences
  of the leads chosen greedily to maximise ROUGE-1 + ROUGE-2 F1 against the target,
  stopping when no sentence adds: it reads the target, a greedy estimate of the ceiling
  for extracting whole lead sentences, not a system. When Storyline's summary is empty
  (no lead sentence is usable), the baselines take one sentence and the first sentence's
  words.
* headline: ``storyline``; ``member 0 title``; ``random member title`` (seeded per story);
  ``oracle title``: the member title with the best ROUGE-1 + ROUGE-2 F1 (a ceiling for
  picking one of the titles).

Scores: ROUGE-1, -2, -L F1 (``storyline.evaluation.rouge``: unstemmed, no stop-word
removal) of each summary against the target's ARTICLE part and of each headline against
its TITLE part, averaged over stories, with a 95% percentile bootstrap interval (the same
seeded story resamples for every system).
"""

from __future__ import annotations

import random
import re
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from storyline.analyse.inputs import ArticleInput, StoryInputs
from storyline.evaluation.records import json_lines
from storyline.evaluation.rouge import rouge_f1, rouge_n
from storyline.semantic.vectors import Encoder

SPLITS = ("train", "val", "test")
ARTICLES = "articles_flat.jsonl"
PROBE = "naacl2022_probe"
RESAMPLES = 1000
LEAD = "member 0 lead, first k sentences"
EVERYTHING = "three leads, first w words"
RANDOM = "k random lead sentences"
ORACLE = "oracle: k lead sentences (reads target)"
_TARGET = re.compile(r"^TITLE=>\s*(.*?)\s*ARTICLE=>\s*(.*?)\s*$")
_STORY_ID = re.compile(r"^(train|val|test)-(\d+)$")
TOKENS_NOTE = ("ROUGE F1 on lowercased alphanumeric tokens, no stemming, no stop-word removal: "
               "not comparable with published (Porter-stemmed) ROUGE")


@dataclass(frozen=True, slots=True)
class Member:
    title: str
    lead: str


@dataclass(frozen=True, slots=True)
class RoundupStory:
    story_id: str
    members: tuple[Member, ...]
    #: The target: AllSides' neutral title and summary.
    title: str
    summary: str


@dataclass(frozen=True, slots=True)
class Interval:
    mean: float
    low: float
    high: float

    def __str__(self) -> str:
        return f"{self.mean:.4f} [{self.low:.4f}, {self.high:.4f}]"

    def as_dict(self) -> dict[str, float]:
        return {"mean": round(self.mean, 4), "ci_low": round(self.low, 4),
                "ci_high": round(self.high, 4)}


@dataclass(frozen=True, slots=True)
class SystemScore:
    task: str  # "summary" | "headline"
    system: str
    words: float
    sentences: float | None
    rouge1: Interval
    rouge2: Interval
    rougel: Interval


@dataclass(frozen=True, slots=True)
class Difference:
    """Storyline's F1 minus another system's, per story, over the same resamples."""

    task: str
    system: str
    rouge1: Interval
    rouge2: Interval
    rougel: Interval

    def __str__(self) -> str:
        def signed(i: Interval) -> str:
            return f"{i.mean:+.4f} [{i.low:+.4f}, {i.high:+.4f}]"
        return (f"{self.task}: storyline − {self.system}: R1 {signed(self.rouge1)}, "
                f"R2 {signed(self.rouge2)}, RL {signed(self.rougel)}")


@dataclass
class SummaryReport:
    data: str
    split: str
    stories: int
    seed: int
    resamples: int
    scores: list[SystemScore] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    #: Stories whose Storyline summary is empty (no usable lead sentence).
    empty_summaries: int = 0
    seconds: float = 0.0

    def rows(self) -> list[dict[str, Any]]:
        return [{"task": s.task, "system": s.system, "words": f"{s.words:.1f}",
                 "sentences": "" if s.sentences is None else f"{s.sentences:.2f}",
                 "ROUGE-1 F1 [95% CI]": str(s.rouge1), "ROUGE-2 F1 [95% CI]": str(s.rouge2),
                 "ROUGE-L F1 [95% CI]": str(s.rougel)} for s in self.scores]

    def as_dict(self) -> dict[str, Any]:
        return {
            "data": self.data, "split": self.split, "stories": self.stories,
            "seed": self.seed, "resamples": self.resamples,
            "empty_summaries": self.empty_summaries, "seconds": round(self.seconds, 2),
            "scoring": TOKENS_NOTE,
            "systems": [{"task": s.task, "system": s.system, "words": round(s.words, 2),
                         "sentences": None if s.sentences is None else round(s.sentences, 3),
                         "rouge1_f1": s.rouge1.as_dict(), "rouge2_f1": s.rouge2.as_dict(),
                         "rougeL_f1": s.rougel.as_dict()} for s in self.scores],
            "storyline_minus": [{"task": d.task, "system": d.system,
                                 "rouge1_f1": d.rouge1.as_dict(),
                                 "rouge2_f1": d.rouge2.as_dict(),
                                 "rougeL_f1": d.rougel.as_dict()} for d in self.differences],
        }


# --- reading ---------------------------------------------------------------------------


def default_data() -> Path:
    """``../shared/eval/allsides-roundups-neus`` from the working directory (the README's
    commands run from the checkout), else beside the checkout this package is installed
    from; the former when neither exists, so the error names it."""
    relative = Path("..") / "shared" / "eval" / "allsides-roundups-neus"
    beside = Path(__file__).resolve().parents[3].parent / "shared" / "eval" / relative.name
    return next((p for p in (relative, beside) if p.is_dir()), relative)


def probe_folder(data: Path) -> Path:
    """The folder holding ``articles_flat.jsonl``: ``data`` or its ``naacl2022_probe``."""
    if (data / ARTICLES).is_file():
        return data
    if (data / PROBE / ARTICLES).is_file():
        return data / PROBE
    raise ValueError(f"{data}: no {ARTICLES} here or in {PROBE}/ (expected the "
                     "allsides-roundups-neus folder)")


def read_targets(path: Path) -> list[tuple[str, str]]:
    """(title, summary) per line of a ``.target`` file."""
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise ValueError(f"{path}: not found") from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    out = []
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        m = _TARGET.match(line)
        if not m or not m[2]:
            raise ValueError(f"{path}:{n}: expected 'TITLE=> … ARTICLE=> …'")
        out.append((m[1], m[2]))
    return out


def load_stories(data: Path, split: str = "val", limit: int | None = None
                 ) -> list[RoundupStory]:
    """The split's stories in line order, each with its members and its target; the first
    ``limit`` only when given. Raises ValueError naming the file on missing or malformed
    data."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, not {split!r}")
    folder = probe_folder(data)
    articles = folder / ARTICLES
    members: dict[int, dict[int, Member]] = defaultdict(dict)
    for n, record in json_lines(articles):
        sid, member = record.get("story_id"), record.get("member")
        title, lead = record.get("title"), record.get("lead")
        m = _STORY_ID.match(sid) if isinstance(sid, str) else None
        if m is None or not isinstance(member, int) or not isinstance(title, str) \
                or not isinstance(lead, str):
            raise ValueError(f"{articles}:{n}: expected story_id '<split>-<line>', member "
                             "(integer), title and lead (strings)")
        if m[1] != split:
            continue
        if member in members[int(m[2])]:
            raise ValueError(f"{articles}:{n}: member {member} of {sid} given twice")
        members[int(m[2])][member] = Member(title, lead)
    target = folder / f"{split}.target"
    targets = read_targets(target)
    if set(members) != set(range(len(targets))):
        raise ValueError(f"{target}: {len(targets)} summaries, but {articles} holds "
                         f"{len(members)} {split} stories not numbered 0–{len(targets) - 1}")
    if not targets:
        raise ValueError(f"{target}: no summaries")
    count = len(targets) if limit is None else min(max(limit, 0), len(targets))
    return [RoundupStory(f"{split}-{i}", tuple(found[k] for k in sorted(found)), *targets[i])
            for i in range(count) for found in [members[i]]]


# --- the systems -----------------------------------------------------------------------


def story_inputs(story: RoundupStory) -> StoryInputs:
    """The story as the analysis reads it after ingest: titles apart, leads extracted."""
    from storyline.extract.run import extract

    articles = []
    for i, m in enumerate(story.members):
        x = extract(m.lead, "en", None)
        articles.append(ArticleInput(
            id=f"{story.story_id}-{i}", title=m.title, text=m.lead, source=f"member-{i}",
            published=None, lang="en", sentences=x.sentences, mentions=x.mentions,
            timexes=x.timexes, quotes=x.quotes, events=x.events))
    return StoryInputs(story.story_id, "", tuple(articles))


def sentences_of(article: ArticleInput) -> list[str]:
    """The article's sentences as the splitter gives them, whitespace folded, empty ones
    left out."""
    out = []
    for s, e in article.sentences:
        text = " ".join(article.text[s:e].split())
        if text:
            out.append(text)
    return out


def cut_words(text: str, words: int) -> str:
    return " ".join(text.split()[:words])


def greedy_oracle(sentences: Sequence[str], reference: str, k: int) -> list[int]:
    """Indices (in order) of up to ``k`` sentences chosen greedily for ROUGE-1 + ROUGE-2
    F1 against ``reference``; stops when no sentence raises it."""
    chosen: list[int] = []
    best = 0.0
    while len(chosen) < k:
        pick, pick_score = -1, best
        for i in range(len(sentences)):
            if i in chosen:
                continue
            text = " ".join(sentences[j] for j in sorted([*chosen, i]))
            score = rouge_n(text, reference, 1).f1 + rouge_n(text, reference, 2).f1
            if score > pick_score:
                pick, pick_score = i, score
        if pick < 0:
            break
        chosen.append(pick)
        best = pick_score
    return sorted(chosen)


def _rng(seed: int, story_id: str, what: str) -> random.Random:
    return random.Random(f"{seed}:{story_id}:{what}")  # str seeds are stable across runs


def system_outputs(story: RoundupStory, inputs: StoryInputs, seed: int = 0,
                   encoder: Encoder | None = None
                   ) -> tuple[dict[str, list[str]], dict[str, str]]:
    """The summaries (as lists of sentences) and headlines of every system for one
    story, in reporting order."""
    from storyline.analyse.report import fact_spans
    from storyline.analyse.summary import headline, summarise

    ours = [s.text for s in summarise(inputs, facts=fact_spans(inputs, encoder))]
    per_article = [sentences_of(a) for a in inputs.articles]
    pool = [s for found in per_article for s in found]
    # An empty summary (no usable sentence) still gives the baselines one sentence.
    k = len(ours) or 1
    words = len(" ".join(ours).split()) or (len(pool[0].split()) if pool else 0)
    rng = _rng(seed, story.story_id, "sentences")
    drawn = sorted(rng.sample(range(len(pool)), min(k, len(pool))))
    summaries = {
        "storyline": ours,
        LEAD: per_article[0][:k] if per_article else [],
        EVERYTHING: [cut_words(" ".join(m.lead for m in story.members),
                                              words)],
        RANDOM: [pool[i] for i in drawn],
        ORACLE: [
            pool[i] for i in greedy_oracle(pool, story.summary, k)],
    }
    titles = [m.title for m in story.members]
    pick = _rng(seed, story.story_id, "title").randrange(len(titles)) if titles else 0

    def title_score(t: str) -> float:
        return rouge_n(t, story.title, 1).f1 + rouge_n(t, story.title, 2).f1

    headlines = {
        "storyline": headline(inputs),
        "member 0 title": titles[0] if titles else "",
        "random member title": titles[pick] if titles else "",
        "oracle title (reads target)": max(titles, key=title_score, default=""),
    }
    return summaries, headlines


# --- scoring ---------------------------------------------------------------------------


def bootstrap(values: np.ndarray, samples: np.ndarray) -> Interval:
    """Mean of ``values`` and the 2.5–97.5 percentiles of its means over ``samples``
    (a resamples × stories array of story indices)."""
    if not len(values):
        return Interval(0.0, 0.0, 0.0)
    means = values[samples].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return Interval(float(values.mean()), float(low), float(high))


def evaluate_summary(data: Path, split: str = "val", limit: int | None = None, *,
                     seed: int = 0, resamples: int = RESAMPLES,
                     encoder: Encoder | None = None) -> SummaryReport:
    """Every system's mean ROUGE F1 with 95% bootstrap intervals on the split's stories.
    With ``encoder`` (as the report uses), the summary knows the story's facts."""
    stories = load_stories(data, split, limit)
    start = time.perf_counter()
    # (task, system) → per story: (words, sentences, R1, R2, RL)
    found: dict[tuple[str, str], list[tuple[float, ...]]] = defaultdict(list)
    empty = 0
    for story in stories:
        summaries, headlines = system_outputs(story, story_inputs(story), seed, encoder)
        empty += not summaries["storyline"]
        for name, chosen in summaries.items():
            text = " ".join(chosen)
            sentences = len(chosen) if name != EVERYTHING else float("nan")
            found["summary", name].append(
                (len(text.split()), sentences, *rouge_f1(text, story.summary)))
        for name, title in headlines.items():
            found["headline", name].append(
                (len(title.split()), float("nan"), *rouge_f1(title, story.title)))
    rng = np.random.default_rng(seed)
    samples = rng.integers(0, len(stories), size=(resamples, len(stories))) if stories \
        else np.zeros((resamples, 0), dtype=int)
    report = SummaryReport(str(data), split, len(stories), seed, resamples,
                           empty_summaries=empty)
    tables = {key: np.array(per_story, dtype=float).reshape(-1, 5)
              for key, per_story in found.items()}
    for (task, system), table in tables.items():
        counted = table[:, 1][~np.isnan(table[:, 1])]
        report.scores.append(SystemScore(
            task, system, float(table[:, 0].mean()) if len(table) else 0.0,
            float(counted.mean()) if len(counted) else None,
            *(bootstrap(table[:, c], samples) for c in (2, 3, 4))))
        if system != "storyline":
            ours = tables[task, "storyline"]
            report.differences.append(Difference(
                task, system, *(bootstrap(ours[:, c] - table[:, c], samples)
                                for c in (2, 3, 4))))
    report.seconds = time.perf_counter() - start
    return report
