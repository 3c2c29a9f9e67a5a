"""WARC and WARC.gz archives (e.g. Common Crawl news): HTML responses become articles.

Archives are streamed record by record, so a 1 GB crawl never sits in memory, and a
truncated archive keeps every record read before the damage.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from storyline.ingest.units import MAX_DOCUMENT_BYTES, Unit, too_large
from storyline.models import Reject


def iter_warc(path: Path, origin: str) -> Iterator[Unit | Reject]:
    """Yield a unit per HTML response; other records (requests, metadata, images) are skipped."""
    count = 0
    try:
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type != "response":
                    continue
                uri = record.rec_headers.get_header("WARC-Target-URI") or f"record-{count + 1}"
                date = record.rec_headers.get_header("WARC-Date")
                http = record.http_headers
                if http is not None:
                    status = http.get_statuscode() or ""
                    ctype = (http.get_header("Content-Type") or "").lower()
                    if not status.startswith("2") or ("html" not in ctype and ctype):
                        continue
                payload = record.content_stream().read(MAX_DOCUMENT_BYTES + 1)
                rec_origin = f"{origin}#{uri}"
                if len(payload) > MAX_DOCUMENT_BYTES:
                    yield too_large(rec_origin)
                    continue
                if getattr(record.raw_stream, "limit", 0) > 0:
                    # warcio hands out a cut-off last record without complaint: the bytes the
                    # record header promised never came.
                    raise EOFError(f"record {uri} ends early")
                count += 1
                yield Unit(
                    origin=rec_origin,
                    format="warc",
                    data=payload,
                    url=uri if uri.startswith(("http://", "https://")) else None,
                    published=date[:10] if date else None,
                    published_from="crawl" if date else None,
                )
    except (ArchiveLoadFailed, EOFError, OSError, ValueError) as exc:
        where = f"after {count} records" if count else "before any record"
        yield Reject(origin, f"archive truncated or corrupt {where} ({_short(exc)})")


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0][:160] if text else type(exc).__name__) or type(exc).__name__
