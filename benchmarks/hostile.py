"""The hostile suite: every probe a hostile tester ran against Storyline, on generated inputs.

Each probe feeds the real command line (or a real server, ``storyline serve``) something
bad — loops, pipes that never end, huge feed items, hostile metadata, cross-origin uploads,
killed ingests — and checks what a careful user would: a clear one-line reason, a batch that
goes on, bounded memory, no process left behind, a store that stays valid and loses nothing.
The table gives each probe's outcome (``held`` or what went wrong) and the rerun command.
Nothing large is committed: inputs are generated in a temporary folder and deleted.

    python benchmarks/hostile.py              # all probes, about 2-3 minutes on 2 cores
    python benchmarks/hostile.py -k web       # only probes whose name contains "web"
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx

CLI = [sys.executable, "-m", "storyline.interfaces.cli"]
#: Runs a command and writes the largest resident size of any process it waited for (KB).
MEASURE = ("import resource, subprocess, sys\n"
           "code = subprocess.run(sys.argv[2:], stdin=sys.stdin).returncode\n"
           "open(sys.argv[1], 'w').write(str(resource.getrusage("
           "resource.RUSAGE_CHILDREN).ru_maxrss))\n"
           "sys.exit(code)\n")
#: Memory any single process of a probe may reach (MB): the pipeline's own working set
#: (spaCy, gazetteers) is about 300-500 MB; a probe that holds its input shows far more.
MEMORY_BOUND_MB = 900

PARAGRAPHS = [
    "VALLETTA – Port authorities in Malta said on Thursday that a cargo ship carrying grain "
    "ran aground near the entrance to the Grand Harbour after losing engine power.",
    "No one was injured, and divers found no sign of fuel leaking from the hull, according "
    "to a statement from the transport ministry released in the afternoon.",
    "Tugboats were expected to refloat the vessel at high tide on Friday, the harbour master "
    "told reporters, adding that traffic in the channel would resume within two days.",
    "Shipping agents said about a dozen vessels were waiting offshore for the channel to "
    "reopen, and that the delay would cost the port several million euros.",
]


def article(n: int) -> str:
    body = [p.replace("a dozen", f"{n + 12}") for p in PARAGRAPHS]
    return f"Grain ship runs aground off Malta, report {n}\n\n" + "\n\n".join(body) + "\n"


@dataclass
class Context:
    tmp: Path
    db: Path

    def cli(self, *args: str, stdin: bytes | None = None, db: Path | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*CLI, *args, "--db", str(db or self.db)], input=(
            stdin.decode("latin-1") if stdin is not None else None), capture_output=True,
            text=True, timeout=timeout)

    def measured(self, shell: str) -> tuple[int, str, float]:
        """(exit code, stderr, peak MB of the largest process) of a shell pipeline whose
        last command is the CLI (``$SL`` stands for it)."""
        out = self.tmp / f"rss-{time.monotonic_ns()}"
        cli = " ".join([*(f"'{c}'" for c in CLI)])
        wrapped = f"'{sys.executable}' -c \"$MEASURE\" '{out}' {cli}"
        env = {**os.environ, "MEASURE": MEASURE}
        done = subprocess.run(["bash", "-c", "set -o pipefail; " + shell.replace(
            "$SL", wrapped)], capture_output=True, text=True, env=env, timeout=300)
        peak = int(out.read_text()) / 1024 if out.exists() else float("nan")
        return done.returncode, done.stderr, peak

    def count(self, db: Path | None = None) -> int:
        """Articles stored (0 while the store is still being created)."""
        try:
            con = sqlite3.connect(db or self.db, timeout=10)
            try:
                return int(con.execute("SELECT count(*) FROM articles").fetchone()[0])
            finally:
                con.close()
        except sqlite3.Error:
            return 0

    def write(self, name: str, data: str | bytes) -> Path:
        path = self.tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
        return path


class Failed(AssertionError):
    """A probe found a defect."""


def expect(ok: bool, what: str) -> None:
    if not ok:
        raise Failed(what)


def rejected(done: subprocess.CompletedProcess[str], reason: str, *,
             ingested: int | None = None) -> str:
    """Checks the CLI said ``rejected …: reason`` on one line and went on."""
    lines = [ln for ln in done.stderr.splitlines() if ln.startswith("rejected ")]
    expect(any(reason in ln for ln in lines),
           f"no 'rejected … {reason}' line; stderr: {done.stderr.strip()[-300:]!r}")
    expect("Traceback" not in done.stderr, "a traceback on stderr")
    if ingested is not None:
        expect(f"{ingested} ingested" in done.stdout, f"expected {ingested} ingested: "
               f"{done.stdout.strip()!r}")
    return next(ln for ln in lines if reason in ln)


PROBES: list[tuple[str, Callable[[Context], str]]] = []


def probe(name: str) -> Callable[[Callable[[Context], str]], Callable[[Context], str]]:
    def register(fn: Callable[[Context], str]) -> Callable[[Context], str]:
        PROBES.append((name, fn))
        return fn
    return register


# -- inputs ----------------------------------------------------------------------------------
@probe("ingest: empty file, binary named .txt, PDF named .html")
def _binaries(c: Context) -> str:
    files = [c.write("bin/empty.txt", b""), c.write("bin/zeros.txt", bytes(5000)),
             c.write("bin/doc.html", b"%PDF-1.4\n" + os.urandom(3000)),
             c.write("bin/good.txt", article(1))]
    done = c.cli("ingest", *map(str, files))
    for reason in ("empty file", "binary", "PDF"):
        rejected(done, reason)
    return rejected(done, "PDF", ingested=1)


@probe("ingest: an 11 MB text file")
def _big_text(c: Context) -> str:
    big = c.write("big/big.txt", ("All work and no play. " * 40 + "\n\n") * 12_500)
    return rejected(c.cli("ingest", str(big)), "too large for one article")


@probe("ingest: invalid UTF-8 and mixed encodings")
def _encodings(c: Context) -> str:
    text = article(2).encode("utf-8") + "Café à côté".encode("latin-1") + b"\xff\xfe\xfa"
    done = c.cli("ingest", str(c.write("enc/mixed.txt", text)))
    expect(done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-300:])
    return done.stdout.strip()


@probe("ingest: a JSON document and broken JSON Lines")
def _json(c: Context) -> str:
    doc = c.write("json/doc.json", json.dumps([{"text": article(3)}]))
    lines = c.write("json/lines.jsonl", json.dumps({"text": article(4)}) + "\n{broken\n"
                    + json.dumps({"text": 5}) + "\n" + json.dumps({"text": article(6)}) + "\n")
    done = c.cli("ingest", str(doc), str(lines))
    rejected(done, "not JSON Lines")
    rejected(done, "#L2: invalid JSON")
    return rejected(done, "#L3", ingested=2)


@probe("ingest: JSON Lines metadata with markup in published and lang")
def _metadata(c: Context) -> str:
    f = c.write("meta/m.jsonl", json.dumps({
        "text": article(7), "published": "2024-03-05<script>alert(1)</script>",
        "lang": 'en"><script>alert(1)</script>'}) + "\n")
    db = c.tmp / "meta.db"
    done = c.cli("ingest", str(f), db=db)
    expect("1 ingested" in done.stdout, done.stdout + done.stderr)
    warnings = [ln for ln in done.stderr.splitlines() if ln.startswith("warning ")]
    expect(len(warnings) == 2 and all("#L1" in w for w in warnings), done.stderr[-400:])
    con = sqlite3.connect(db)
    published, lang = con.execute("SELECT published, lang FROM articles").fetchone()
    con.close()
    expect(published is None and lang == "en", f"stored published={published!r} lang={lang!r}")
    return f"stored published=None, lang='en'; {len(warnings)} warnings"


@probe("ingest: a truncated WARC keeps the records before the damage")
def _warc(c: Context) -> str:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for i in range(3):
        page = (f"<html><head><title>Ship {i}</title></head><body><article>"
                + "".join(f"<p>{p}</p>" for p in article(10 + i).split("\n\n")[1:])
                + "</article></body></html>")
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            f"https://port.example/{i}", "response", payload=io.BytesIO(page.encode()),
            http_headers=headers))
    data = buf.getvalue()
    done = c.cli("ingest", str(c.write("warc/cut.warc.gz", data[: len(data) - 200])))
    return rejected(done, "truncated or corrupt", ingested=2)


@probe("ingest: a gzip bomb named .warc.gz (1 GB of zeros)")
def _bomb(c: Context) -> str:
    bomb = c.tmp / "bomb" / "bomb.warc.gz"
    bomb.parent.mkdir()
    with gzip.open(bomb, "wb", compresslevel=9) as fh:
        block = bytes(1024 * 1024)
        for _ in range(1024):
            fh.write(block)
    _, err, peak = c.measured(f"$SL ingest '{bomb}' --db '{c.db}'")
    expect("rejected" in err and "Traceback" not in err, err[-300:])
    expect(peak < MEMORY_BOUND_MB, f"peak {peak:.0f} MB")
    return f"rejected; peak {peak:.0f} MB"


@probe("ingest: an RSS feed with one 30 MB item")
def _feed_item(c: Context) -> str:
    body = "<p>" + "Ships wait offshore. " * (30 * 1024 * 1024 // 21) + "</p>"
    feed = c.write("feed/big.rss", '<?xml version="1.0"?><rss version="2.0"><channel>'
                   "<title>Wire</title><item><title>Huge</title><link>https://w.example/1"
                   f"</link><description><![CDATA[{body}]]></description></item>"
                   "</channel></rss>")
    _, err, peak = c.measured(f"$SL ingest '{feed}' --db '{c.db}'")
    expect("too large for one article" in err, err[-300:])
    expect(peak < MEMORY_BOUND_MB, f"peak {peak:.0f} MB")
    return f"rejected (too large); peak {peak:.0f} MB"


@probe("ingest: a feed with nested entities (billion laughs)")
def _laughs(c: Context) -> str:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10))
    feed = c.write("feed/laughs.rss", f'<?xml version="1.0"?><!DOCTYPE rss [{entities}]>'
                   '<rss version="2.0"><channel><title>Wire</title><item><title>&lol9;</title>'
                   "<description>x</description></item></channel></rss>")
    code, err, peak = c.measured(f"timeout 120 $SL ingest '{feed}' --db '{c.db}'")
    expect(code in (0, 1) and "Traceback" not in err, f"exit {code}: {err[-300:]}")
    expect(peak < MEMORY_BOUND_MB, f"peak {peak:.0f} MB")
    return f"exit {code}; peak {peak:.0f} MB"


@probe("ingest: HTML nested 300 and 5,000 levels deep")
def _deep(c: Context) -> str:
    paragraph = "<p>" + " ".join(article(20).split("\n\n")[1:]) + "</p>"

    def page(depth: int) -> str:
        return (f"<html><head><title>Deep {depth}</title></head><body>" + "<div>" * depth
                + paragraph + "</div>" * depth + "</body></html>")

    done = c.cli("ingest", str(c.write("deep/d300.html", page(300))),
                 str(c.write("deep/d5000.html", page(5000))))
    expect("Traceback" not in done.stderr, done.stderr[-300:])
    expect(not any("d300" in ln for ln in done.stderr.splitlines()
                   if ln.startswith("rejected")), f"300 levels rejected: {done.stderr}")
    return rejected(done, "nested", ingested=1)


@probe("ingest: a Japanese news page (no spaces between words)")
def _japanese(c: Context) -> str:
    sentences = [
        "気象庁は十五日、九州南部で記録的な大雨が続いているとして、住民に警戒を呼びかけた。",
        "鹿児島県では川の水位が上がり、一部の地域で避難指示が出されている。",
        "県によると、これまでにけが人の報告はないが、道路の通行止めが相次いでいる。",
        "気象庁の担当者は記者会見で、土砂災害の危険性が非常に高まっていると述べた。",
        "鉄道各社は運転の見合わせを決め、空の便にも欠航が出ている。",
        "雨は十六日の朝まで続く見込みで、気象庁は引き続き最新の情報に注意するよう求めている。",
    ]
    page = ('<html lang="ja"><head><meta charset="utf-8"><title>九州南部で記録的な大雨'
            "</title></head><body><article><h1>九州南部で記録的な大雨</h1>"
            + "".join(f"<p>{s}</p>" for s in sentences) + "</article></body></html>")
    done = c.cli("ingest", str(c.write("ja/ame.html", page)))
    expect("1 ingested" in done.stdout, done.stdout + done.stderr[-300:])
    return done.stdout.strip()


@probe("ingest: a one-line article and a 10-character body")
def _short(c: Context) -> str:
    done = c.cli("ingest", str(c.write("short/one.txt", "Ship aground off Malta, no one hurt.\n")),
                 str(c.write("short/ten.txt", "Ship stuck")), str(c.write("short/ok.txt",
                                                                         article(21))))
    rejected(done, "ten.txt")
    return rejected(done, "one.txt", ingested=1)


@probe("ingest: a symbolic link loop inside a folder, and given directly")
def _loop(c: Context) -> str:
    d = c.tmp / "loop"
    d.mkdir()
    (d / "b").symlink_to("a")
    (d / "a").symlink_to("b")
    c.write("loop/good.txt", article(22))
    done = c.cli("ingest", str(d), str(d / "a"))
    line = rejected(done, "symbolic link loop", ingested=1)
    expect("no such file" not in done.stderr, "a loop reported as 'no such file'")
    con = sqlite3.connect(c.db)
    status = con.execute("SELECT status FROM batches ORDER BY id DESC").fetchone()[0]
    con.close()
    expect(status == "done", f"batch status {status}")
    return line


@probe("ingest: an unreadable subfolder, a FIFO and /dev/zero as inputs")
def _special(c: Context) -> str:
    d = c.tmp / "special"
    (d / "locked").mkdir(parents=True)
    c.write("special/locked/x.txt", article(23))
    c.write("special/good.txt", article(24))
    os.mkfifo(d / "pipe.txt")
    (d / "locked").chmod(0)
    try:
        done = c.cli("ingest", str(d), "/dev/zero", timeout=120)
    finally:
        (d / "locked").chmod(0o755)
    rejected(done, "/dev/zero: not a regular file")
    rejected(done, "pipe.txt: not a regular file")
    if os.geteuid() == 0:
        return "FIFO and /dev/zero rejected; the folder check needs a non-root user (root " \
               "reads any folder; tests/test_hardening_ingest.py covers it)"
    return rejected(done, "cannot read folder", ingested=1)


@probe("ingest: 2 GB of zeros on standard input")
def _stdin_zeros(c: Context) -> str:
    _, err, peak = c.measured(f"head -c 2G /dev/zero | $SL ingest - --db '{c.db}'")
    expect("rejected <stdin>: unsupported input: binary" in err, err[-300:])
    expect(peak < MEMORY_BOUND_MB, f"peak {peak:.0f} MB")
    return f"rejected; peak {peak:.0f} MB"


@probe("ingest: 200 MB of text on standard input")
def _stdin_text(c: Context) -> str:
    _, err, peak = c.measured(f"yes 'Ships wait offshore for the channel.' | head -c 200M"
                                 f" | $SL ingest - --db '{c.db}'")
    expect("rejected <stdin>: too large for one article" in err, err[-300:])
    expect(peak < MEMORY_BOUND_MB, f"peak {peak:.0f} MB")
    return f"rejected; peak {peak:.0f} MB"


@probe("ingest: file names with a newline and terminal escapes")
def _names(c: Context) -> str:
    path = c.write("names/bad\nname\x1b[31m.txt", b"")
    done = c.cli("ingest", str(path))
    lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
    expect(len(lines) == 1 and "\x1b" not in done.stderr, f"stderr: {done.stderr!r}")
    return lines[0]


@probe("ingest: a store file that is not a database")
def _not_a_store(c: Context) -> str:
    fake = c.write("fake/store.db", b"not a database, but precious" * 100)
    before = fake.read_bytes()
    done = c.cli("ingest", str(c.write("fake/a.txt", article(25))), db=fake)
    lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
    expect(done.returncode != 0 and len(lines) == 1, f"stderr: {done.stderr[-300:]!r}")
    expect(fake.read_bytes() == before, "the file was changed")
    return lines[0]


# -- killed ingests --------------------------------------------------------------------------
def _descendants(pid: int) -> set[int]:
    """Processes whose chain of parents leads to ``pid`` (or whose parent died: adopted by
    init, they are matched by session instead)."""
    parents: dict[int, int] = {}
    sessions: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        sessions[int(entry.name)] = int(fields[3])
    out = {p for p, s in sessions.items() if s == pid and p != pid}
    changed = True
    while changed:
        changed = False
        for p, parent in parents.items():
            if parent in out | {pid} and p not in out and p != pid:
                out.add(p)
                changed = True
    return out


def _killed(c: Context, sig: signal.Signals) -> str:
    corpus = c.tmp / f"kill-{sig.name}"
    corpus.mkdir()
    for i in range(3000):
        (corpus / f"{i:05}.txt").write_text(article(1000 + i))
    db = c.tmp / f"kill-{sig.name}.db"
    proc = subprocess.Popen([*CLI, "ingest", str(corpus), "--db", str(db), "--workers", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists() and c.count(db) > 0:
            break
        time.sleep(0.1)
    children = _descendants(proc.pid)
    proc.send_signal(sig)
    proc.wait(timeout=60)
    deadline = time.monotonic() + 30
    left = children
    while time.monotonic() < deadline:
        left = {p for p in children | _descendants(proc.pid) if Path(f"/proc/{p}").exists()
                and "zombie" not in _state(p)}
        if not left:
            break
        time.sleep(0.2)
    for p in left:
        with suppress(OSError):
            os.kill(p, signal.SIGKILL)
    expect(not left, f"{len(left)} processes still alive 30 s after the kill")
    con = sqlite3.connect(db)
    ok = con.execute("PRAGMA integrity_check").fetchone()[0]
    status = con.execute("SELECT status FROM batches ORDER BY id DESC").fetchone()[0]
    stored = c.count(db)
    con.close()
    expect(ok == "ok", f"integrity_check: {ok}")
    if sig == signal.SIGTERM:
        expect(status == "interrupted", f"batch status {status!r} after SIGTERM")
    else:
        again = c.cli("ingest", str(c.write("kill-next.txt", article(9999))), db=db)
        expect(again.returncode == 0, again.stderr[-300:])
        con = sqlite3.connect(db)
        status = con.execute("SELECT status FROM batches ORDER BY id LIMIT 1").fetchone()[0]
        con.close()
        expect(status == "interrupted", f"stale batch still {status!r} after a later run")
    return f"{len(children)} child processes gone; {stored} articles kept; batch {status}"


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:", 1)[1].split("\n")[0]
    except (OSError, IndexError):
        return "gone"


@probe("process: kill -TERM in the middle of a pooled ingest")
def _term(c: Context) -> str:
    return _killed(c, signal.SIGTERM)


@probe("process: kill -9 in the middle of a pooled ingest")
def _kill(c: Context) -> str:
    return _killed(c, signal.SIGKILL)


# -- the web server --------------------------------------------------------------------------
@contextmanager
def server(c: Context, *extra: str) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([*CLI, "serve", "--port", str(port), "--db", str(c.db), *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/api/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _secure(r: httpx.Response) -> None:
    expect("default-src 'self'" in r.headers.get("content-security-policy", "")
           and r.headers.get("x-content-type-options") == "nosniff",
           f"{r.request.url.path}: {r.status_code} without the security headers")


@probe("web: hostile requests (origins, hosts, NULs, long ids, uploads, markup)")
def _web(c: Context) -> str:
    evil = c.write("web/evil.txt", "Ship <script>alert(1)</script> aground\n\n"
                   + "\n\n".join(PARAGRAPHS) + "\n")
    c.cli("ingest", str(evil), "--source", "Evil <b>Gazette</b>")
    held: list[str] = []
    with server(c, "--allow-ingest", "--max-upload-mb", "1") as base, httpx.Client(
            base_url=base, timeout=60) as http:
        def check(name: str, r: httpx.Response, status: int) -> None:
            expect(r.status_code == status, f"{name}: {r.status_code} (want {status}): "
                   f"{r.text[:200]}")
            _secure(r)
            held.append(name)

        body = article(30).encode()
        check("cross-origin upload", http.post(
            "/api/ingest", params={"filename": "f.txt"}, content=body,
            headers={"Origin": "http://attacker.example", "Content-Type": "text/plain"}), 403)
        check("foreign Host", http.get("/api/stories", headers={"Host": "attacker.example"}),
              403)
        check("NUL in q", http.get("/api/stories?q=a%00b"), 422)
        check("NUL in entity", http.get("/?entity=x%00"), 422)
        check("60,000-char story id", http.get("/api/stories/" + "a" * 60_000), 404)
        check("60,000-char article page", http.get("/articles/" + "a" * 60_000), 404)
        check("FTS syntax in q", http.get("/api/stories", params={"q": '"NEAR( * OR'}), 200)
        check("negative offset", http.get("/api/stories", params={"offset": -1}), 422)
        check("upload over the limit", http.post(
            "/api/ingest", params={"filename": "big.txt"}, content=b"x" * 2_000_000), 413)
        check("upload with a bad date", http.post(
            "/api/ingest", params={"filename": "a.txt", "published": "2024-03-05<x>"},
            content=body), 422)
        up = http.post("/api/ingest", params={"filename": "../../etc/passwd"}, content=body)
        check("path traversal in the file name", up, 202)
        expect(up.json()["filename"] == "passwd", f"stored as {up.json()['filename']!r}")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and http.get(
                f"/api/ingest/{up.json()['id']}").json()["status"] not in ("done", "failed"):
            time.sleep(0.1)
        leftovers = list(c.db.parent.glob(f"{c.db.stem}-uploads/*/*"))
        expect(not leftovers, f"upload files kept: {leftovers}")
        held.append("uploads deleted once ingested")
        page = http.get("/")
        expect("<script>alert(1)</script>" not in page.text and "<b>Gazette" not in page.text,
               "markup from an article reached the page unescaped")
        _secure(page)
        held.append("markup escaped")
    return f"{len(held)} checks held"


# -- the run ---------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-k", dest="keyword", default="", help="only probes naming this")
    args = parser.parse_args()
    chosen = [(n, f) for n, f in PROBES if args.keyword.lower() in n.lower()]
    tmp = Path(tempfile.mkdtemp(prefix="storyline-hostile-"))
    rows: list[tuple[str, str, str, float]] = []
    start = time.monotonic()
    try:
        c = Context(tmp, tmp / "store.db")
        c.cli("ingest", str(c.write("seed/seed.txt", article(0))))
        for name, fn in chosen:
            t = time.monotonic()
            try:
                outcome, detail = "held", fn(c)
            except Failed as exc:
                outcome, detail = "FAILED", str(exc)
            except Exception as exc:  # a probe that breaks is a failure to look at
                outcome, detail = "FAILED", f"probe crashed: {type(exc).__name__}: {exc}"
            rows.append((name, outcome, " ".join(detail.split())[:150], time.monotonic() - t))
            print(f"{outcome:6} {name}", file=sys.stderr, flush=True)
        con = sqlite3.connect(c.db)
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
        con.close()
        rows.append(("store: integrity after all probes", "held" if integrity == "ok"
                     else "FAILED", integrity, 0.0))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("\n| probe | outcome | detail | s |\n|---|---|---|---|")
    for name, outcome, detail, seconds in rows:
        print(f"| {name} | {outcome} | {detail.replace('|', '/')} | {seconds:.1f} |")
    failed = sum(1 for r in rows if r[1] != "held")
    print(f"\n{len(rows) - failed} of {len(rows)} held in {time.monotonic() - start:.0f} s")
    print("rerun: python benchmarks/hostile.py" + (f" -k '{args.keyword}'" if args.keyword
                                                    else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
