"""Domain records passed between pipeline stages.

Each stage takes and returns these plain, immutable records, so stages stay pure functions
and can run in worker processes (everything here pickles).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

InputFormat = Literal["text", "html", "feed", "warc", "jsonl"]
INPUT_FORMATS: tuple[str, ...] = ("text", "html", "feed", "warc", "jsonl")

#: Where a publication date came from, strongest first: an explicit flag, the document's own
#: metadata, a date inferred from the text or the crawl, or nothing at all.
DateOrigin = Literal["flag", "metadata", "inferred", "crawl"]


@dataclass(frozen=True, slots=True)
class Overrides:
    """Metadata given by the user; it beats anything found in the document."""

    source: str | None = None
    published: str | None = None
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One article as read from its input, before cleaning.

    ``text`` keeps paragraphs separated by blank lines; nothing has been removed yet except
    what the format itself marks as not-content (HTML chrome, feed envelopes).
    """

    origin: str
    format: InputFormat
    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None
    published_from: DateOrigin | None = None
    lang: str | None = None
    byline: str | None = None
    partial: bool = False


@dataclass(frozen=True, slots=True)
class RemovedLine:
    """A line the cleaner took out, kept so users can see (and argue with) every removal."""

    line: int
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class CleanDocument:
    """A document after cleaning: body text without boilerplate, title found, language known."""

    raw: RawDocument
    title: str
    text: str
    removed: tuple[RemovedLine, ...]
    title_inferred: bool
    published: str | None
    published_from: DateOrigin | None
    lang: str | None
    lang_score: float | None
    byline: str | None
    source: str | None


@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned article, ready to store. ``id`` is stable across runs and machines."""

    id: str
    title: str
    text: str
    origin: str
    format: InputFormat
    content_hash: str
    source: str | None = None
    url: str | None = None
    published: str | None = None
    published_from: DateOrigin | None = None
    lang: str | None = None
    lang_score: float | None = None
    byline: str | None = None
    partial: bool = False
    title_inferred: bool = False
    removed: tuple[RemovedLine, ...] = ()
    story_id: str | None = None
    ingested_at: str | None = None

    def to_dict(self, *, with_text: bool = True) -> dict[str, Any]:
        """The documented JSON shape of an article (see README, "Machine interface")."""
        data = asdict(self)
        data["removed"] = [asdict(r) for r in self.removed]
        if not with_text:
            data.pop("text")
            data.pop("removed")
        return data


@dataclass(frozen=True, slots=True)
class Reject:
    """An input that could not become an article, with a reason a person can act on."""

    origin: str
    reason: str

    def message(self) -> str:
        return f"{self.origin}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Notice:
    """Something wrong in an input that did not stop it becoming an article (a bad date in
    its metadata, dropped), said once to the person who ingested it."""

    origin: str
    message: str

    def text(self) -> str:
        return f"{self.origin}: {self.message}"


@dataclass(slots=True)
class IngestReport:
    """What one ingest batch did. Mutable because it is filled in as the batch streams."""

    batch_id: int | None = None
    ingested: list[str] = field(default_factory=list)
    already_stored: list[str] = field(default_factory=list)
    rejected: list[Reject] = field(default_factory=list)
    #: Inputs kept, with something dropped from them (see ``Notice``).
    warnings: list[Notice] = field(default_factory=list)
    interrupted: bool = False
    #: origin → article id, for everything ingested or found already stored.
    origins: dict[str, str] = field(default_factory=dict)
    #: The sentence model the articles were placed with (its recorded name); None when
    #: they were placed on the sparse score alone.
    embeddings: str | None = None

    def summary(self) -> str:
        text = (
            f"{len(self.ingested)} ingested, {len(self.already_stored)} already stored, "
            f"{len(self.rejected)} rejected"
        )
        if self.warnings:
            text += f" ({len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''})"
        return text + (" (interrupted: the rest was not read)" if self.interrupted else "")
