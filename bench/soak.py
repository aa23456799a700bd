"""`make soak`: two app instances behind nginx on one machine, sharing PostgreSQL and Redis,
under a bounded comment load while a worker is killed, an instance is stopped and started and
the database restarts. Fails if an acknowledged comment is missing, a counter disagrees with
the comments, a request got a bare 500, or a rate limit is counted per instance."""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa

from bench.webclient import csrf_token, session_from

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PG_URL = os.environ.get("SOAK_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("SOAK_REDIS_URL", "redis://127.0.0.1:6379/5")
SECONDS = int(os.environ.get("SOAK_SECONDS", "120"))
USERS = int(os.environ.get("SOAK_USERS", "30"))
# 1: restart the PostgreSQL cluster (pg_ctlcluster), as on a machine of its own (CI).
# database: on a server others use, do to the soak's database only what a restart does to its
#   clients: drop every connection and refuse new ones for a few seconds. 0: skip the step.
RESTART_DB = os.environ.get("SOAK_RESTART_DB", "1")
REFUSE_SECONDS = 3.0
TAIL_SECONDS = 8.0  # load after the last step
PASSWORD = "soak-password-123"
COMMENT_ID = re.compile(r"#comment-(\d+)")
SERVER_ERROR_MARK = b"Try again"  # the 503 page says so; a bare 500 does not


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Tally:
    acknowledged: list[int] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, comment_id: int | None = None) -> None:
        with self.lock:
            self.kinds[kind] += 1
            self.latencies.append(seconds)
            if comment_id is not None:
                self.acknowledged.append(comment_id)


class Browser:
    """One person: a session cookie and a client address (nginx passes it on)."""

    def __init__(self, port: int, address: str) -> None:
        self.port = port
        self.address = address
        self.session: str | None = None

    def send(self, method: str, path: str, form: dict[str, str] | None = None) -> Any:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"X-Forwarded-For": self.address}
        if self.session:
            headers["Cookie"] = f"session={self.session}"
        body = urlencode(form) if form is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            new = session_from(response.headers.get_all("Set-Cookie") or [])
            if new is not None:
                self.session = new or None
            return response.status, response.headers, data
        finally:
            connection.close()


class Instance:
    """One host: a gunicorn master with its workers."""

    def __init__(self, name: str, env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.env = env
        self.port = free_port()
        self.log = log_dir / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [gunicorn, "--workers", "2", "--graceful-timeout", "10", "--timeout", "60",
                 "--bind", f"127.0.0.1:{self.port}", "wsgi:app"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        wait_healthy(self.port)

    def stop(self) -> None:
        if self.process is not None:
            end(self.process, 30)

    def kill_one_worker(self) -> int:
        assert self.process is not None
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                pid = int(stat.parent.name)
                os.kill(pid, signal.SIGKILL)
                return pid
        raise RuntimeError(f"{self.name} has no worker to kill")


def end(process: subprocess.Popen[bytes], grace: float) -> None:
    """Stop a process we started: politely, then for sure."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _exit_on_sigterm(signum: int, _frame: Any) -> None:
    # `timeout` in CI sends SIGTERM: leave through `finally`, which stops every process we
    # started and drops the soak's database.
    raise SystemExit(128 + signum)


def wait_healthy(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"nothing healthy on port {port}")


def nginx_config(folder: Path, port: int, upstreams: list[int]) -> Path:
    servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;" for p in upstreams)
    config = folder / "nginx.conf"
    config.write_text(f"""
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log;
worker_processes 1;
events {{ worker_connections 512; }}
http {{
  access_log off;
  client_body_temp_path {folder}/body;
  proxy_temp_path {folder}/proxy;
  fastcgi_temp_path {folder}/fastcgi;
  uwsgi_temp_path {folder}/uwsgi;
  scgi_temp_path {folder}/scgi;
  upstream consult {{
{servers}
  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://consult;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_next_upstream error timeout http_502;
      proxy_read_timeout 60s;
    }}
  }}
}}
""")
    return config


def flask(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, check=True,
        capture_output=True, timeout=900,
    )  # fmt: skip


def prepare_accounts(url: str) -> tuple[list[str], str]:
    """USERS verified stakeholders, and the provision of an open consultation they comment on."""
    from consult import create_app
    from consult.accounts.models import Organisation, User
    from consult.accounts.services import hash_password
    from consult.db import utcnow
    from consult.drafts.models import Document, Section, Version
    from consult.extensions import db

    app = create_app("development", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        now = utcnow()
        organisation = db.session.scalars(sa.select(Organisation).order_by(Organisation.id)).first()
        hashed = hash_password(PASSWORD)
        emails = [f"soak{n}@soak.example" for n in range(USERS)]
        for n, email in enumerate(emails):
            db.session.add(
                User(email=email, display_name=f"Soak user {n}", password_hash=hashed,
                     organisation=organisation, email_verified_at=now)
            )  # fmt: skip
        row = db.session.execute(
            sa.select(Document.slug, Version.number, Section.provision_id)
            .join(Version, Version.document_id == Document.id)
            .join(Section, Section.version_id == Version.id)
            .where(Version.status == "published", Version.opens_at <= now, Version.closes_at > now,
                   Document.visibility == "public")
            .order_by(Section.position)
        ).first()  # fmt: skip
        assert row is not None, "the demo has no open consultation"
        from consult.drafts.models import Provision

        key = db.session.get(Provision, row.provision_id).key  # type: ignore[union-attr]
        db.session.commit()
        db.engine.dispose()
    return emails, f"/docs/{row.slug}/v{row.number}/{key}/"


def person(
    port: int, index: int, email: str, path: str, tally: Tally, stop: threading.Event
) -> None:
    browser = Browser(port, f"10.77.{index // 250}.{index % 250 + 1}")
    rng = random.Random(index)
    signed_in = False
    replies_to: list[int] = []
    while not stop.is_set():
        started = time.monotonic()
        try:
            if not signed_in:
                status, _h, page = browser.send("GET", "/login")
                form = {"csrf_token": csrf_token(page.decode()), "email": email,
                        "password": PASSWORD}  # fmt: skip
                status, _h, body = browser.send("POST", "/login", form)
                signed_in = status in (302, 303)
                kind = "sign_in" if signed_in else classify(status, body)
                tally.record(kind, time.monotonic() - started)
                continue
            status, _h, page = browser.send("GET", path)
            if status != 200:
                tally.record(classify(status, page), time.monotonic() - started)
                time.sleep(0.5)
                continue
            text = f"Soak comment {uuid.uuid4().hex}: the measure needs a date."
            form = {"csrf_token": csrf_token(page.decode()), "kind": "general", "body": text}
            target = path
            if replies_to and rng.random() < 0.4:
                target = f"/comments/{rng.choice(replies_to)}/reply"
                form["body"] = "A reply: " + form["body"]
            started = time.monotonic()
            status, headers, body = browser.send("POST", target, form)
            found = COMMENT_ID.search(headers.get("Location") or "")
            if status in (201, 302, 303) and found:
                comment_id = int(found.group(1))
                tally.record("acknowledged", time.monotonic() - started, comment_id)
                if len(replies_to) < 5:
                    replies_to.append(comment_id)
            else:
                tally.record(classify(status, body), time.monotonic() - started)
                if status == 400:
                    signed_in = False  # a worker lost the session? sign in again
        except (OSError, http.client.HTTPException, ValueError):
            tally.record("connection_error", time.monotonic() - started)
            time.sleep(0.5)
        time.sleep(rng.uniform(0.5, 1.5))


def classify(status: int, body: bytes) -> str:
    if status == 500:
        return "bare_500"
    if status in (502, 504):
        return f"gateway_{status}"
    return {503: "unavailable_503", 429: "rate_limited"}.get(status, f"http_{status}")


def shared_limit_holds(ports: list[int]) -> dict[str, Any]:
    """Failed sign-ins from one address, alternating between the instances: the per-address
    limit (10 a minute) must refuse the 11th whichever instance counts it."""
    answers = []
    for attempt in range(12):
        browser = Browser(ports[attempt % 2], "10.99.99.99")
        _status, _h, page = browser.send("GET", "/login")
        form = {"csrf_token": csrf_token(page.decode()), "email": "nobody@soak.example",
                "password": "wrong-password-000"}  # fmt: skip
        answers.append(browser.send("POST", "/login", form)[0])
    first_refusal = answers.index(429) + 1 if 429 in answers else None
    return {"answers": answers, "first_429_at": first_refusal, "holds": first_refusal == 11}


Cell = tuple[Any, Any, Any, bool]  # version, section, category (None for staff), staff


def counter_mismatches(expected_rows: Any, counter_rows: Any) -> list[str]:
    """The cells where the counters disagree with a recount of the comments.

    A cell is (version, section, category, staff): staff are counted apart with no category,
    as the app does. Counter rows of one cell are summed, as every reader of them sums them
    (two first comments of a cell committed at once may each have inserted a row).
    """
    expected: dict[Cell, tuple[int, int]] = {}
    for version, section, category, staff, public, total in expected_rows:
        expected[(version, section, category, bool(staff))] = (int(public), int(total))
    counters: dict[Cell, tuple[int, int]] = {}
    for row in counter_rows:
        cell = (row.version_id, row.section_id, row.category_id, bool(row.is_staff))
        public, total = counters.get(cell, (0, 0))
        counters[cell] = (public + row.public_count, total + row.all_count)
    expected = {k: v for k, v in expected.items() if v != (0, 0)}
    counters = {k: v for k, v in counters.items() if v != (0, 0)}
    return sorted(
        f"{k}: counted {counters.get(k, (0, 0))}, recount {expected.get(k, (0, 0))}"
        for k in set(expected) | set(counters)
        if expected.get(k) != counters.get(k)
    )


def check_database(url: str, acknowledged: list[int]) -> dict[str, Any]:
    from consult.comments.counts import recount_statement
    from consult.comments.models import CommentCount

    engine = sa.create_engine(url, pool_pre_ping=True)
    with engine.connect() as conn:
        stored = set(conn.scalars(sa.text("SELECT id FROM comments")).all())
        wrong = counter_mismatches(
            conn.execute(recount_statement()).all(),
            conn.execute(sa.select(CommentCount.__table__)).all(),
        )
    engine.dispose()
    missing = sorted(set(acknowledged) - stored)
    return {"stored": len(stored), "missing": missing, "counter_mismatches": wrong}


def restart_database(name: str, admin: sa.Engine) -> str:
    """The chaos step on the database; returns what was done."""
    if RESTART_DB == "database":
        quoted = f'"{name}"'
        with admin.connect() as conn:
            conn.execute(sa.text(f"ALTER DATABASE {quoted} ALLOW_CONNECTIONS false"))
            dropped = conn.scalar(
                sa.text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"),
                {"name": name},
            )  # fmt: skip
            time.sleep(REFUSE_SECONDS)
            conn.execute(sa.text(f"ALTER DATABASE {quoted} ALLOW_CONNECTIONS true"))
        return f" (this database only: {dropped} connections dropped, new ones refused 3s)"
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return " (pg_ctlcluster restart)"


def print_tracebacks(folder: Path) -> None:
    """The instances' logs go with their folder: show any error the app logged first."""
    for log in sorted(folder.glob("*.log")):
        text = log.read_text(errors="replace")
        if "Traceback" in text or "Exception on" in text:
            print(f"== errors logged by {log.name}:", file=sys.stderr)
            for block in re.split(r"\n(?=\[\d{4}-)", text):
                if "Traceback" in block or "Exception on" in block:
                    print(block[-4000:], file=sys.stderr)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def drop_database(admin: sa.Engine, name: str) -> None:
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def main() -> int:
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        print("nginx is not installed (make soak installs Debian's package)", file=sys.stderr)
        return 2
    name = f"soak_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    folder = Path(tempfile.mkdtemp(prefix="consult-soak-"))
    env = {
        **os.environ, "DATABASE_URL": url, "FLASK_APP": "wsgi.py", "CONSULT_ENV": "development",
        "SECRET_KEY": uuid.uuid4().hex * 2, "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_ENABLED": "true", "PROXY_COUNT": "2",
    }  # fmt: skip
    instances: list[Instance] = []
    nginx = None
    result: dict[str, Any] = {}
    try:
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()  # DB 5 holds only the soak's counts
        print(f"== database {name}: migrations and demo")
        flask(env, "db", "upgrade")
        flask(env, "consult", "demo")
        emails, path = prepare_accounts(url)
        instances = [Instance("a", env, folder), Instance("b", env, folder)]
        for instance in instances:
            instance.start()
        port = free_port()
        config = nginx_config(folder, port, [i.port for i in instances])
        nginx = subprocess.Popen(
            [shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(config), "-p", str(folder),
             "-g", "daemon off;"],
        )  # fmt: skip
        wait_healthy(port)
        limit = shared_limit_holds([i.port for i in instances])
        print(f"== shared rate limit: {limit}")
        print(f"== load: {USERS} users for {SECONDS}s on {path} through nginx :{port}")
        tally = Tally()
        stop = threading.Event()
        threads = [
            threading.Thread(target=person, args=(port, n, email, path, tally, stop), daemon=True)
            for n, email in enumerate(emails)
        ]
        for thread in threads:
            thread.start()
        events = []
        plan = [(0.2, "kill a worker of instance a"), (0.35, "stop instance b"),
                (0.5, "start instance b"), (0.7, "restart the database")]  # fmt: skip
        began = time.monotonic()
        for share, what in plan:
            time.sleep(max(0.0, began + share * SECONDS - time.monotonic()))
            if what.startswith("kill"):
                what += f" (pid {instances[0].kill_one_worker()})"
            elif what == "stop instance b":
                instances[1].stop()
            elif what == "start instance b":
                instances[1].start()
            elif RESTART_DB in ("1", "database"):
                what += restart_database(name, admin)
            else:
                what += " (skipped: SOAK_RESTART_DB=0)"
            events.append({"at_s": round(time.monotonic() - began, 1), "event": what})
            print(f"   {events[-1]['at_s']:>6.1f}s {what}")
        # On a busy machine a step can take longer than planned (an instance's start waits for
        # it to answer): the load goes on until every step is done and a while after it, so
        # every step happens under load and the recovery from the last one is measured too.
        time.sleep(max(began + SECONDS - time.monotonic(), TAIL_SECONDS))
        stop.set()
        load_seconds = round(time.monotonic() - began, 1)
        for thread in threads:
            thread.join(timeout=90)  # a request in flight ends within its 60 s timeout
        checked = check_database(url, tally.acknowledged)
        result = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "seconds": SECONDS, "load_seconds": load_seconds, "users": USERS, "events": events,
            "acknowledged": len(set(tally.acknowledged)), "stored_comments": checked["stored"],
            "missing": checked["missing"], "counter_mismatches": checked["counter_mismatches"],
            "by_kind": dict(sorted(tally.kinds.items())),
            "p95_ms": round(percentile(tally.latencies, 0.95) * 1000),
            "p50_ms": round(percentile(tally.latencies, 0.5) * 1000),
            "shared_rate_limit": limit,
        }  # fmt: skip
    finally:
        cleanup = [instance.stop for instance in instances]
        if nginx is not None:
            cleanup.insert(0, partial(end, nginx, 10))
        cleanup.append(lambda: drop_database(admin, name))
        for step in cleanup:
            try:
                step()
            except Exception as error:  # clean up the rest whatever one step does
                print(f"clean-up step failed: {error!r}", file=sys.stderr)
        admin.dispose()
        print_tracebacks(folder)
        shutil.rmtree(folder, ignore_errors=True)
    return report(result)


def report(result: dict[str, Any]) -> int:
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"soak-{result['date'][:10]}-{result['seconds']}s.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    failures = []
    if result["missing"]:
        failures.append(f"{len(result['missing'])} acknowledged comments missing")
    if result["counter_mismatches"]:
        failures.append(f"counters disagree with the comments: {result['counter_mismatches'][:5]}")
    if result["by_kind"].get("bare_500"):
        failures.append(f"{result['by_kind']['bare_500']} bare 500s")
    if not result["shared_rate_limit"]["holds"]:
        failures.append(f"rate limit not shared: {result['shared_rate_limit']['answers']}")
    if not result["acknowledged"]:
        failures.append("no comment was acknowledged")
    print(json.dumps({k: v for k, v in result.items() if k != "missing"}, indent=2))
    print(f"== written to {out.relative_to(ROOT)}")
    for failure in failures:
        print(f"SOAK FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
