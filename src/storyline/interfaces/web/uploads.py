"""Ingest over HTTP: uploads land in the store's upload area and are ingested one batch at a
time in a background thread, so the server keeps answering while they run.

Off unless the server is started with ``--allow-ingest``. An upload is the raw request body
(one file: text, HTML, a feed, a WARC or JSON Lines), named by the ``filename`` query
parameter; the name is reduced to a safe base name, so nothing is ever written outside
``<store>-uploads/<job>/``, and deleted once ingested. Bodies over the size limit, and a bad
``published`` or ``lang``, are refused before anything is stored;
bad inputs inside an accepted upload become rejects with reasons, as with the CLI, and never
touch what is stored.
"""

from __future__ import annotations

import re
import secrets
import shutil
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from storyline.api import Storyline
from storyline.ingest.metadata import check_lang, check_published
from storyline.models import INPUT_FORMATS

#: Default largest upload: a big WARC is better ingested from the command line.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
#: Jobs remembered for status queries (oldest forgotten first).
KEEP_JOBS = 200
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str) -> str:
    """A base name that cannot leave its folder or hide: "../../etc/passwd" → "passwd"."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).lstrip("._")[:100]
    return base or "upload.txt"


@dataclass(slots=True)
class Job:
    """One upload and what its ingest did (mutable while it runs)."""

    id: str
    filename: str
    bytes: int
    submitted: str
    status: str = "queued"  # queued, running, done, failed
    finished: str | None = None
    summary: str | None = None
    ingested: list[str] = field(default_factory=list)
    already_stored: list[str] = field(default_factory=list)
    rejected: list[dict[str, str]] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)
    error: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "filename": self.filename, "bytes": self.bytes,
                "submitted": self.submitted, "status": self.status, "finished": self.finished,
                "summary": self.summary, "ingested": list(self.ingested),
                "already_stored": list(self.already_stored), "rejected": list(self.rejected),
                "warnings": list(self.warnings), "error": self.error}


class Uploads:
    """The upload area of one store and its queue of ingest jobs (one at a time)."""

    def __init__(self, db: str | Path, max_bytes: int = MAX_UPLOAD_BYTES) -> None:
        self.db = db
        self.root = uploads_folder(db)
        self.max_bytes = max_bytes
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._runner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="storyline-ingest")

    def submit(self, filename: str, body: bytes, *, format: str = "auto",
               source: str | None = None, published: str | None = None,
               lang: str | None = None) -> Job:
        """Store the body in a new job folder and queue its ingest. Raises ValueError for
        a bad argument (nothing is written then)."""
        if format != "auto" and format not in INPUT_FORMATS:
            raise ValueError(f"format must be auto or one of {', '.join(INPUT_FORMATS)}, "
                             f"not {format!r}")
        if len(body) > self.max_bytes:
            raise ValueError(f"upload of {len(body):,} bytes is over the limit of "
                             f"{self.max_bytes:,}")
        # Checked now, so a bad value is a 422 at once rather than a job that fails later.
        published = check_published(published) if published else None
        lang = check_lang(lang) if lang else None
        now = _now()
        job = Job(f"{now[:10].replace('-', '')}-{secrets.token_hex(6)}", safe_name(filename),
                  len(body), now)
        folder = self.root / job.id
        folder.mkdir(parents=True, exist_ok=False)
        path = folder / job.filename
        path.write_bytes(body)
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > KEEP_JOBS:
                self._jobs.popitem(last=False)
        self._runner.submit(self._run, job, path, format, source, published, lang)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def _run(self, job: Job, path: Path, fmt: str, source: str | None,
             published: str | None, lang: str | None) -> None:
        job.status = "running"
        try:
            with Storyline(self.db) as sl:  # its own connection: readers are not blocked
                report = sl.ingest([path], format=fmt, source=source, published=published,
                                   lang=lang, workers=1)
            job.ingested = list(report.ingested)
            job.already_stored = list(report.already_stored)
            job.rejected = [{"origin": r.origin.rsplit("/", 1)[-1], "reason": r.reason}
                            for r in report.rejected]
            job.warnings = [{"origin": w.origin.rsplit("/", 1)[-1], "message": w.message}
                            for w in report.warnings]
            job.summary = report.summary()
            job.status = "done"
        except Exception as exc:  # a bad argument or a store error: said, never raised
            job.error = f"{type(exc).__name__}: {exc}"
            job.status = "failed"
        finally:
            # The store has what it needs; the file would only pile up (its name stays
            # in the job and in any reject).
            shutil.rmtree(path.parent, ignore_errors=True)
            job.finished = _now()

    def close(self) -> None:
        self._runner.shutdown(wait=True)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def uploads_folder(db: str | Path) -> Path:
    """Where uploads to a store are kept: beside a SQLite file, or for a server database
    in the user's data folder under a name derived from its (password-free) URL."""
    from storyline.store import is_url

    if is_url(db):
        import hashlib

        from platformdirs import user_data_dir

        from storyline.store.postgres import redacted

        name = hashlib.sha256(redacted(str(db)).encode()).hexdigest()[:12]
        return Path(user_data_dir("storyline", appauthor=False)) / f"uploads-{name}"
    path = Path(db)
    return path.with_name(f"{path.stem}-uploads")
