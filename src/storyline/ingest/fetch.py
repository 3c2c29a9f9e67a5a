"""Fetching http(s) inputs (feeds, pages) when the network allows.

Storyline never needs the network; a URL given on the command line is the one place it is
used, and a failure is a reject like any other bad input, with the reason.
"""

from __future__ import annotations

import urllib.error
import urllib.request

from storyline.models import Reject

MAX_FETCH_BYTES = 50 * 1024 * 1024
TIMEOUT_SECONDS = 20
USER_AGENT = "Storyline/0.1 (+offline news analysis; one request per URL given by the user)"


def is_url(spec: str) -> bool:
    return spec.lower().startswith(("http://", "https://"))


def fetch(url: str) -> bytes | Reject:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            data: bytes = response.read(MAX_FETCH_BYTES + 1)
    except urllib.error.HTTPError as exc:
        return Reject(url, f"cannot fetch: HTTP {exc.code} {exc.reason}")
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return Reject(url, f"cannot fetch: {reason} (is the network available?)")
    if len(data) > MAX_FETCH_BYTES:
        return Reject(url, "cannot fetch: response larger than 50 MB")
    return data
