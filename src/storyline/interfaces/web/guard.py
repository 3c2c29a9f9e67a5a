"""Who may talk to the server: the Host and Origin checks that keep other web sites out.

A page on any site can make a visitor's browser send a "simple" POST (``text/plain``, no
preflight) to ``127.0.0.1``, and a site whose name is re-pointed at ``127.0.0.1`` (DNS
rebinding) can read the answers. So every request must name this server in ``Host``, and a
state-changing request that a browser marks as coming from another origin is refused. Tools
such as curl send no ``Origin``; they are allowed, as they cannot be driven by a web page.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

#: Names a server bound to loopback always answers to.
LOCAL_NAMES = ("127.0.0.1", "localhost", "::1")
#: Methods that change what is stored (the rest only read).
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: ``--allowed-host '*'``: answer any Host (behind a proxy that checks it already).
ANY_HOST = "*"


def host_name(value: str) -> str:
    """The host part of a ``Host`` header or netloc, lower-cased: "[::1]:8000" → "::1"."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:].split("]", 1)[0]
    if value.count(":") == 1:
        return value.split(":", 1)[0]
    return value  # a bare IPv6 address or a name without a port


def default_hosts(bind: str) -> tuple[str, ...]:
    """The names a server bound to ``bind`` can rightly be reached by.

    Loopback answers to its local names. A named interface answers to that name too; a
    wildcard (``0.0.0.0``, ``::``) also to this machine's own names. Anything else (a
    public name, a proxy's) has to be allowed explicitly.
    """
    names = {*LOCAL_NAMES, host_name(bind)}
    try:
        wildcard = ipaddress.ip_address(host_name(bind)).is_unspecified
    except ValueError:
        wildcard = False
    if wildcard:
        own = socket.gethostname()
        names |= {own.lower(), socket.getfqdn(own).lower()}
    return tuple(sorted(n for n in names if n))


@dataclass(frozen=True, slots=True)
class Guard:
    """The host names this server answers to (``"*"``: any)."""

    allowed: frozenset[str]

    @classmethod
    def of(cls, hosts: Iterable[str]) -> Guard:
        return cls(frozenset(host_name(h) if h != ANY_HOST else h for h in hosts if h.strip()))

    def host_ok(self, host: str | None) -> bool:
        if ANY_HOST in self.allowed:
            return True
        return bool(host) and host_name(host or "") in self.allowed

    def refusal(self, method: str, headers: Mapping[str, str]) -> str | None:
        """Why this request is refused (403), or None when it may go on."""
        host = headers.get("host")
        if not self.host_ok(host):
            return (f"host {host!r} is not one this server answers to; start it with "
                    f"--allowed-host {host_name(host or '') or 'NAME'} to allow it")
        if method.upper() not in UNSAFE_METHODS:
            return None
        origin = headers.get("origin")
        if origin is not None:
            if self._same_site(origin, host or ""):
                return None
            return (f"cross-origin request refused: origin {origin!r} is not this server")
        # No Origin: a browser would still say where a request comes from.
        if headers.get("sec-fetch-site", "").lower() in ("cross-site", "same-site"):
            return "cross-origin request refused (Sec-Fetch-Site)"
        return None

    def _same_site(self, origin: str, host: str) -> bool:
        """The origin is this server as the request names it, or an allowed host."""
        if origin.strip().lower() == "null":  # sandboxed frames, file: pages
            return False
        parts = urlsplit(origin.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return False
        if parts.netloc.lower() == host.strip().lower():
            return True
        return host_name(parts.netloc) in self.allowed - set(LOCAL_NAMES)
