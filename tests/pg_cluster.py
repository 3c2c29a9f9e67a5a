"""A throwaway PostgreSQL server for the tests.

``ensure_server()`` is the policy: the server named by ``STORYLINE_TEST_PG`` if that is set,
otherwise a fresh cluster (``initdb`` + ``pg_ctl start``) in a temporary folder, listening on
a free port on 127.0.0.1 and tuned for speed, not durability (fsync off). PostgreSQL refuses to
run as root, so under root the server runs as the ``postgres`` system user that Debian's
``postgresql`` package creates. Every failure is a ``RuntimeError`` whose message says why.

``create_database``/``drop_database`` make and remove one empty database per test.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

ENV_URL = "STORYLINE_TEST_PG"
DB_USER = "storyline"
SERVER_USER = "postgres"  # the system user Debian's postgresql package creates
PG_LIB = Path("/usr/lib/postgresql")
TIMEOUT = 120  # seconds, for any one initdb / pg_ctl call
SERVER_OPTIONS = ("-c", "listen_addresses=127.0.0.1", "-c", "max_connections=100",
                  "-c", "fsync=off", "-c", "synchronous_commit=off",
                  "-c", "full_page_writes=off")


def find_bin(name: str) -> Path | None:
    """``name`` on PATH, else in the newest ``/usr/lib/postgresql/<version>/bin/``."""
    found = shutil.which(name)
    if found:
        return Path(found)
    versions: list[tuple[tuple[int, ...], Path]] = []
    with contextlib.suppress(OSError):
        for bindir in PG_LIB.glob("*/bin"):
            try:
                version = tuple(int(part) for part in bindir.parent.name.split("."))
            except ValueError:
                continue
            versions.append((version, bindir))
    for _, bindir in sorted(versions, reverse=True):
        candidate = bindir / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


@dataclass
class Cluster:
    """A running server; ``stop()`` shuts it down and deletes its folder (idempotent)."""

    url: str
    root: Path = field(repr=False)
    pg_ctl: Path = field(repr=False)
    run_as: str | None = field(default=None, repr=False)
    stopped: bool = field(default=False, init=False, repr=False)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        pid = _postmaster_pid(self.data)
        try:
            stopped = _run([str(self.pg_ctl), "stop", "-D", str(self.data), "-m", "immediate",
                            "-w", "-t", "30"], self.run_as, self.root).returncode == 0
        except RuntimeError:
            stopped = False
        if not stopped and pid is not None:
            # pg_ctl could not do it: SIGQUIT is the postmaster's own "immediate shutdown".
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGQUIT)
            time.sleep(0.5)
        shutil.rmtree(self.root, ignore_errors=True)


def start_cluster(base: Path) -> Cluster:
    """initdb a fresh cluster in a new folder under ``base`` and start it (see module doc)."""
    initdb = find_bin("initdb")
    if initdb is None:
        raise RuntimeError(f"no initdb on PATH or in {PG_LIB}/*/bin")
    sibling = initdb.resolve().parent / "pg_ctl"  # pg_ctl of the same version as initdb
    pg_ctl = sibling if os.access(sibling, os.X_OK) else find_bin("pg_ctl")
    if pg_ctl is None:
        raise RuntimeError(f"initdb found at {initdb} but no pg_ctl")

    user = _server_user()
    root = _make_root(base, user)
    cluster = Cluster(url="", root=root, pg_ctl=pg_ctl, run_as=user.pw_name if user else None)
    try:
        result = _run([str(initdb), "-D", str(cluster.data), "--auth=trust",
                       f"--username={DB_USER}", "--encoding=UTF8", "--locale=C", "-N"],
                      cluster.run_as, root)
        if result.returncode != 0:
            raise RuntimeError(f"initdb failed (exit {result.returncode}): "
                               f"{_tail(result.stdout + result.stderr)}")
        for _attempt in range(3):  # the free port can be taken between bind(0) and the start
            port = _free_port()
            options = ["-p", str(port), "-k", str(root), *SERVER_OPTIONS]
            result = _run([str(pg_ctl), "start", "-w", "-t", "60", "-D", str(cluster.data),
                           "-l", str(cluster.log), "-o", shlex.join(options)],
                          cluster.run_as, root)
            if result.returncode == 0:
                cluster.url = f"postgresql://{DB_USER}@127.0.0.1:{port}/postgres"
                atexit.register(cluster.stop)  # if the session dies before its teardown
                return cluster
            if "could not bind" not in _read(cluster.log):
                break
        raise RuntimeError(f"pg_ctl start failed (exit {result.returncode}): "
                           f"{_tail(result.stdout + result.stderr)}\n"
                           f"end of the server log:\n{_tail(_read(cluster.log))}")
    except BaseException:
        cluster.stop()
        raise


def ensure_server(base: Path | None = None) -> tuple[str, Callable[[], None] | None]:
    """The test server's URL and how to stop it: ``$STORYLINE_TEST_PG`` as is (nothing to
    stop), else a throwaway cluster under ``base`` (default: the temp folder)."""
    url = os.environ.get(ENV_URL, "").strip()
    if url:
        return url, None
    cluster = start_cluster(base or Path(tempfile.gettempdir()))
    return cluster.url, cluster.stop


def database_url(server_url: str, dbname: str) -> str:
    """``server_url`` pointing at database ``dbname``, always as a ``postgresql://`` URL
    (``server_url`` may also be a ``key=value`` conninfo string)."""
    if server_url.startswith(("postgresql://", "postgres://")):
        parts = urlsplit(server_url)
        return urlunsplit(parts._replace(scheme="postgresql", path="/" + quote(dbname)))
    from psycopg.conninfo import conninfo_to_dict

    params = {k: str(v) for k, v in conninfo_to_dict(server_url).items() if k != "dbname"}
    query = f"?{urlencode(params)}" if params else ""
    return f"postgresql:///{quote(dbname)}{query}"


def create_database(server_url: str, dbname: str) -> str:
    """Create an empty UTF-8, C-collated database on the server; return its URL."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(server_url, autocommit=True) as con:
        con.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' "
                            "LC_COLLATE 'C' LC_CTYPE 'C'").format(sql.Identifier(dbname)))
    return database_url(server_url, dbname)


def drop_database(server_url: str, dbname: str) -> None:
    """Drop the database, closing any connection still open to it."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(server_url, autocommit=True) as con:
        con.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                    .format(sql.Identifier(dbname)))


def _server_user() -> pwd.struct_passwd | None:
    """Who runs initdb/pg_ctl: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SERVER_USER)
    except KeyError:
        raise RuntimeError(f"running as root, which PostgreSQL refuses, and there is no "
                           f"{SERVER_USER!r} system user to run it as (Debian's postgresql "
                           f"package creates one)") from None


def _make_root(base: Path, user: pwd.struct_passwd | None) -> Path:
    """A new empty folder for one cluster, owned by the user who runs the server.

    The socket lives in it too, and a unix socket path must stay under ~107 bytes, so a long
    ``base`` (or one the server user cannot reach) is replaced by the temp folder."""
    parent: Path | None = base
    if len(str(base)) > 60 or (user is not None and not _reachable(base, user)):
        parent = None
    if parent is not None:
        parent.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="storyline-pg-", dir=parent))
    if user is not None:
        root.chmod(0o755)
        os.chown(root, user.pw_uid, user.pw_gid)
        if not _reachable(root, user):
            shutil.rmtree(root, ignore_errors=True)
            raise RuntimeError(f"user {user.pw_name!r} cannot reach {root}: every folder "
                               f"above it must be searchable by that user")
    return root


def _reachable(path: Path, user: pwd.struct_passwd) -> bool:
    """Can ``user`` traverse every folder from / down to ``path`` (which may not exist yet)?"""
    path = path.resolve()
    while not path.exists():
        path = path.parent
    groups = set(os.getgrouplist(user.pw_name, user.pw_gid))
    for folder in (path, *path.parents):
        st = folder.stat()
        if st.st_uid == user.pw_uid:
            bit = stat.S_IXUSR
        elif st.st_gid in groups:
            bit = stat.S_IXGRP
        else:
            bit = stat.S_IXOTH
        if not st.st_mode & bit:
            return False
    return True


def _run(cmd: Sequence[str], run_as: str | None, cwd: Path) -> subprocess.CompletedProcess[str]:
    if run_as is not None:
        runuser = shutil.which("runuser") or next(
            (p for p in ("/usr/sbin/runuser", "/sbin/runuser") if os.access(p, os.X_OK)), None)
        if runuser is None:
            raise RuntimeError(f"running as root but no runuser to switch to {run_as!r}")
        cmd = [runuser, "-u", run_as, "--", *cmd]
    try:
        return subprocess.run(list(cmd), cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RuntimeError(f"{shlex.join(cmd)}: {exc}") from exc


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _postmaster_pid(data: Path) -> int | None:
    try:
        return int(_read(data / "postmaster.pid").split("\n", 1)[0])
    except ValueError:
        return None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _tail(text: str, lines: int = 20) -> str:
    return "\n".join(text.strip().splitlines()[-lines:]) or "(no output)"
