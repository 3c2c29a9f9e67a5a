"""Who runs a batch, so that a later run can tell a dead process's ``running`` batch from a
live one (several processes may write one store at once).

A pid alone is not enough: pids are reused, and they only mean something on the machine,
boot and pid namespace that recorded them. On Linux the owner also records the boot id, the
pid namespace and the process's start time; elsewhere only the pid and host name, and a
batch whose pid is still taken counts as live.
"""

from __future__ import annotations

import os
import socket
import sys
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True, slots=True)
class Owner:
    pid: int
    host: str
    #: "<boot id> <pid namespace>" on Linux: where ``pid`` and ``start`` are meaningful.
    scope: str | None
    #: The process's start time (clock ticks after boot) on Linux: tells a reused pid apart.
    start: str | None


def current() -> Owner:
    pid = os.getpid()
    scope = _scope()
    return Owner(pid, socket.gethostname(), scope, _start_time(pid) if scope else None)


def is_dead(owner: Owner) -> bool:
    """True only when ``owner`` surely no longer runs; unknown (another host, another pid
    namespace, no pid recorded) counts as alive, so a live batch is never taken for dead."""
    here = current()
    if owner.host != here.host:
        return False
    if owner.scope is not None and here.scope is not None:
        boot, _, namespace = owner.scope.partition(" ")
        here_boot, _, here_namespace = here.scope.partition(" ")
        if boot != here_boot:
            return True  # the machine has restarted since
        if namespace != here_namespace:
            return False  # another container's pids: not ours to look up
        start = _start_time(owner.pid)
        return start is None or (owner.start is not None and start != owner.start)
    if owner.scope is not None or here.scope is not None or sys.platform == "win32":
        return False  # os.kill(pid, 0) would end the process on Windows
    try:
        os.kill(owner.pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # exists, owned by someone else
        return False
    return False


@cache
def _scope() -> str | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as f:
            boot = f.read().strip()
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        return None
    return f"{boot} {namespace}"


def _start_time(pid: int) -> str | None:
    """The start time of a running process (None when there is none: a zombie counts as
    gone, since a killed process may wait a while for its parent to reap it)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            stat = f.read()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()  # the name may hold spaces and parens
    if fields[0] in ("Z", "X"):
        return None
    return fields[19]  # field 22 of proc(5), counted from the state (field 3)
