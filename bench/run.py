"""`make bench`: the large scale served by gunicorn as in production, driven by Locust.

Environment:
  BENCH_DB=sqlite|postgresql|both   databases to measure (default both)
  BENCH_QUICK=1                     small scale, short runs, no growth step (a smoke run)
  BENCH_PG_URL                      server to create the `bench` database on
                                    (default postgresql+psycopg://postgres@127.0.0.1:5432/bench)
  BENCH_SECONDS / BENCH_GROWTH_SECONDS / BENCH_USERS   length of each run and concurrency
Writes bench/results/<date>-<db>.json and .md.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench import similarity_bench, upload_bench
from bench.webclient import Client

logger = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/bench"
GROWTH_POINTS = (5_000, 50_000, 200_000)
# Targets of the issue, server-side p95 in milliseconds.
TARGETS_MS = {"version": 150, "thread": 250, "compare": 300, "post": 50, "search": 150}
CSV_MAX_SECONDS = 5.0
CSV_MAX_GROWTH_MB = 100.0
GROWTH_MAX = 0.20
EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Conflict)\b.*: ")


@dataclass
class Endpoint:
    name: str
    label: str
    path: str
    method: str = "GET"
    accounts: list[str] = field(default_factory=list)
    form_path: str = ""
    seconds: float = 15.0


def log(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", flush=True)


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (no interpolation), None when there is no sample."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- databases -------------------------------------------------------------------------------


@contextmanager
def fresh_database(kind: str, workdir: Path, label: str) -> Iterator[str]:
    """A new empty database: a SQLite file, or `<name>` created (and dropped) on the server."""
    if kind == "sqlite":
        path = workdir / f"{label}.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        yield f"sqlite:///{path}"
        return
    url = sa.engine.make_url(os.environ.get("BENCH_PG_URL", DEFAULT_PG))
    name = url.database or "bench"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def app_env(database_url: str) -> dict[str, str]:
    """Production configuration, as gunicorn runs it (see README: Production)."""
    return {
        **os.environ,
        "FLASK_APP": "wsgi.py",
        "CONSULT_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": database_url,
        # Sign-in is limited to 10 per minute per address; Locust signs in from one address.
        "RATELIMIT_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


CREATE_FROM_MODELS = """
from consult import create_app
from consult.accounts.models import DEFAULT_CATEGORIES, StakeholderCategory
from consult.extensions import db
app = create_app()
with app.app_context():
    db.create_all()
    for slug, name, position in DEFAULT_CATEGORIES:
        db.session.add(StakeholderCategory(slug=slug, name=name, position=position))
    db.session.commit()
"""


def create_schema(env: dict[str, str]) -> None:
    """`flask db upgrade`, or with BENCH_SCHEMA=models the tables of the models themselves
    (a development aid for when the models are ahead of the migrations)."""
    if os.environ.get("BENCH_SCHEMA", "migrations") == "models":
        command = [sys.executable, "-c", CREATE_FROM_MODELS]
    else:
        command = [str(BIN / "flask"), "db", "upgrade"]
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"creating the schema failed:\n{result.stderr[-4000:]}")


def schema_drift(database_url: str) -> str | None:
    """What `flask db check` says when the migrations lag behind the models, else None."""
    result = subprocess.run(
        [str(BIN / "flask"), "db", "check"], cwd=ROOT, env=app_env(database_url),
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    if result.returncode == 0:
        return None
    return (result.stderr.strip().splitlines() or ["flask db check failed"])[-1][:500]


def prepare(database_url: str, scale: str, comments: int | None, workdir: Path) -> dict[str, Any]:
    """The schema on the empty database, then the generator; returns the generator's summary."""
    env = app_env(database_url)
    started = time.perf_counter()
    create_schema(env)
    upgrade = time.perf_counter() - started
    summary_path = workdir / "summary.json"
    command = [
        sys.executable,
        "-m",
        "bench.generate",
        "--scale",
        scale,
        "--summary",
        str(summary_path),
    ]
    if comments is not None:
        command += ["--comments", str(comments)]
    started = time.perf_counter()
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"generation failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    wall = time.perf_counter() - started
    summary: dict[str, Any] = json.loads(summary_path.read_text())
    summary["wall_seconds"] = round(wall, 1)
    summary["upgrade_seconds"] = round(upgrade, 1)
    log(
        f"generated {summary['counts'].get('comments')} comments in {summary['elapsed_seconds']}s "
        f"({wall:.1f}s with start-up; schema {upgrade:.1f}s)"
    )
    return summary


# -- the server ------------------------------------------------------------------------------


class Server:
    """gunicorn with 2 sync workers, an access log with each request's duration (microseconds)."""

    def __init__(self, database_url: str, workdir: Path, workers: int = 2) -> None:
        self.port = free_port()
        self.access_log = workdir / f"access-{self.port}.log"
        self.error_log = workdir / f"error-{self.port}.log"
        command = [
            str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}",
            "--access-logfile", str(self.access_log), "--error-logfile", str(self.error_log),
            "--access-logformat", "%(m)s %(U)s %(s)s %(B)s %(D)s", "--timeout", "120", "wsgi:app",
        ]  # fmt: skip
        # The application logs (tracebacks of 500s) go to the workers' stderr: keep them.
        self.server_log = workdir / f"server-{self.port}.log"
        self._log_handle = self.server_log.open("ab")
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=app_env(database_url), stdout=self._log_handle,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.client().get("/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"gunicorn did not start:\n{self.error_log.read_text()[-3000:]}")
            time.sleep(0.2)

    def client(self) -> Client:
        return Client("127.0.0.1", self.port)

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            import psutil

            return [child.pid for child in psutil.Process(self.process.pid).children()]

    def log_offset(self) -> int:
        return self.access_log.stat().st_size if self.access_log.exists() else 0

    def durations_ms(self, offset: int, method: str, path: str) -> list[float]:
        """Server-side durations of the requests to `path` logged since `offset`."""
        return [ms for _status, ms in self.requests(offset, method, path)]

    def requests(self, offset: int, method: str, path: str) -> list[tuple[str, float]]:
        """(status, milliseconds) of the requests to `path` logged since `offset`."""
        time.sleep(0.2)  # let the workers flush their last lines
        with self.access_log.open("rb") as handle:
            handle.seek(offset)
            lines = handle.read().decode(errors="replace").splitlines()
        found = []
        logged_path = path.split("?", 1)[0]  # the access log has the path without its query
        for line in lines:
            parts = line.split()
            if len(parts) == 5 and parts[0] == method and parts[1] == logged_path:
                found.append((parts[2], int(parts[4]) / 1000))
        return found

    def errors_since(self, offset: int, limit: int = 3) -> list[str]:
        """The distinct exception lines the application logged since `offset`."""
        with self.server_log.open("rb") as handle:
            handle.seek(offset)
            text = handle.read().decode(errors="replace")
        found: list[str] = []
        for line in text.splitlines():
            if EXCEPTION_LINE.match(line) and line[:300] not in found:
                found.append(line[:300])
        return found[:limit]

    def server_log_offset(self) -> int:
        return self.server_log.stat().st_size

    def stop(self) -> None:
        self._log_handle.close()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# -- measuring -------------------------------------------------------------------------------


def probe(server: Server, endpoint: Endpoint, password: str) -> dict[str, Any]:
    """One request as the benchmark user: does the page exist, what does it return."""
    client = server.client()
    if endpoint.accounts:
        client.sign_in(endpoint.accounts[0], password)
    path = endpoint.form_path if endpoint.method == "POST" else endpoint.path
    status, headers, body = client.get(path)
    info: dict[str, Any] = {"status": status, "bytes": len(body)}
    if status == 200 and "html" in headers.get("Content-Type", ""):
        info["articles"] = body.count(b"<article")
    for _ in range(3):  # warm both workers: templates compiled, caches filled
        client.get(path)
    return info


def run_locust(
    server: Server, endpoint: Endpoint, users: int, password: str, workdir: Path
) -> dict:
    prefix = workdir / f"locust-{endpoint.name}"
    target = {
        "name": endpoint.name, "method": endpoint.method, "path": endpoint.path,
        "accounts": endpoint.accounts, "password": password, "form_path": endpoint.form_path,
        "max_requests": int(os.environ.get("BENCH_MAX_REQUESTS", "20000")),
    }  # fmt: skip
    env = {**os.environ, "BENCH_TARGET": json.dumps(target), "PYTHONPATH": str(ROOT)}
    offset = server.log_offset()
    started = time.perf_counter()
    subprocess.run(
        [
            str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
            "-u", str(users), "-r", str(users), "--run-time", f"{endpoint.seconds:.0f}s",
            "--host", f"http://127.0.0.1:{server.port}", "--csv", str(prefix), "--only-summary",
            "--loglevel", "WARNING", "--stop-timeout", "10", "--exit-code-on-error", "0",
        ],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        timeout=endpoint.seconds + 120,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    client = _locust_row(Path(f"{prefix}_stats.csv"), endpoint.name)
    failures = _locust_failures(Path(f"{prefix}_failures.csv"))
    logged = server.requests(offset, endpoint.method, endpoint.path)
    server_ms = [ms for _status, ms in logged]
    return {
        "client": client,
        "failures": failures,
        "server": {
            "count": len(server_ms),
            "p50_ms": _round(percentile(server_ms, 0.50)),
            "p95_ms": _round(percentile(server_ms, 0.95)),
            "p99_ms": _round(percentile(server_ms, 0.99)),
            "max_ms": _round(max(server_ms) if server_ms else None),
            "statuses": dict(Counter(status for status, _ms in logged)),
        },
        "seconds": round(elapsed, 1),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _locust_row(path: Path, name: str) -> dict[str, Any]:
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == name:
                return {
                    "count": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "rps": round(float(row["Requests/s"]), 1),
                    "p50_ms": float(row["50%"]),
                    "p95_ms": float(row["95%"]),
                    "p99_ms": float(row["99%"]),
                    "avg_bytes": round(float(row["Average Content Size"])),
                }
    return {"count": 0, "failures": 0, "rps": 0.0, "p50_ms": None, "p95_ms": None, "p99_ms": None}


def _locust_failures(path: Path) -> list[dict[str, Any]]:
    """What went wrong, most frequent first (e.g. sign-in errors, 500s)."""
    if not path.exists():
        return []
    with path.open(newline="") as handle:
        rows = [
            {"name": r["Name"], "error": r["Error"][:300], "count": int(r["Occurrences"])}
            for r in csv.DictReader(handle)
        ]
    return sorted(rows, key=lambda r: -int(r["count"]))[:5]


def _memory_kb(pid: int) -> dict[str, int]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values


def _reset_peak(pid: int) -> bool:
    """Reset the worker's peak RSS (VmHWM) to its current RSS (Linux 4.0+, our own process)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def measure_csv(
    server: Server, path: str, downloads: int, count_rows: bool = True
) -> dict[str, Any]:
    """Time to last byte of a download (the report CSV, an export), and the serving worker's
    peak memory growth."""
    client = server.client()
    status, _headers, body = client.get(path)
    if status == 404:
        return {"available": False, "status": status}
    times: list[float] = []
    growth: list[float] = []
    rows = (
        sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8-sig")))) - 1 if count_rows else 0
    )
    for _ in range(downloads):
        pids = server.workers()
        before = {pid: _memory_kb(pid) for pid in pids}
        reset = {pid: _reset_peak(pid) for pid in pids}
        offset = server.log_offset()
        started = time.perf_counter()
        status, _headers, body = client.get(path)
        times.append(time.perf_counter() - started)
        after = {pid: _memory_kb(pid) for pid in pids}
        growth.append(
            max(
                (after[p]["VmHWM"] - (before[p]["VmRSS"] if reset[p] else before[p]["VmHWM"]))
                / 1024
                for p in pids
            )
        )
        server_ms = server.durations_ms(offset, "GET", path)
    return {
        "available": status == 200,
        "status": status,
        "rows": rows,
        "bytes": len(body),
        "seconds": [round(t, 2) for t in times],
        "max_seconds": round(max(times), 2),
        "server_last_ms": _round(server_ms[-1] if server_ms else None),
        "memory_growth_mb": [round(g, 1) for g in growth],
        "max_memory_growth_mb": round(max(growth), 1),
        "peak_reset": all(reset.values()),
    }


# -- one database ----------------------------------------------------------------------------


def endpoints(summary: dict[str, Any], seconds: float) -> list[Endpoint]:
    urls = summary["urls"]
    moderators = [summary["accounts"]["moderator"], summary["accounts"]["chair"]]
    stakeholders = [f"stakeholder{n:04d}@bench.example" for n in range(1, 5)]
    thread_label = f"provision thread ({summary['thread_comments']:,} comments)"
    return [
        Endpoint("healthz", "/healthz (ceiling)", "/healthz", seconds=max(5.0, seconds / 2)),
        Endpoint("version", "version page (~300 provisions)", urls["version"], seconds=seconds),
        Endpoint("thread", thread_label, urls["thread"], seconds=seconds),
        Endpoint("compare", "comparison v4...v5", urls["compare"], seconds=seconds),
        Endpoint("search", "search 'training data' (facets, 20 hits)", urls["search"],
                 seconds=seconds),
        Endpoint("triage", "triage queue (moderator)", urls["triage"], accounts=moderators,
                 seconds=seconds),
        Endpoint("post", "posting a comment", urls["post"], method="POST",
                 accounts=stakeholders, form_path=urls["post"], seconds=seconds),
        Endpoint("api_provisions", "API: provisions of a version", urls["api_provisions"],
                 seconds=seconds),
        Endpoint("api_comments", "API: comments on a provision (50 a page)",
                 urls["api_comments"], seconds=seconds),
        Endpoint("api_compare", "API: comparison", urls["api_compare"], seconds=seconds),
        Endpoint("api_report", "API: report (50 rows a page)", urls["api_report"],
                 seconds=seconds),
        *([Endpoint("event", "event page (a plenary: registrations, questions, support)",
                    urls["event"], seconds=seconds),
           Endpoint("api_event", "API: an event with its questions", urls["api_event"],
                    seconds=seconds)] if "event" in urls else []),
    ]  # fmt: skip


def measure_endpoints(
    server: Server, points: list[Endpoint], users: int, password: str, workdir: Path
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for endpoint in points:
        entry: dict[str, Any] = {
            "label": endpoint.label, "url": endpoint.path, "method": endpoint.method,
            "target_p95_ms": TARGETS_MS.get(endpoint.name),
        }  # fmt: skip
        try:
            entry["probe"] = probe(server, endpoint, password)
        except (OSError, RuntimeError, ValueError) as error:
            entry["probe"] = {"error": str(error)}
        status = entry["probe"].get("status")
        entry["available"] = status == 200
        if not entry["available"]:
            log(f"{endpoint.name}: not available ({entry['probe']})")
            results[endpoint.name] = entry
            continue
        log_offset = server.server_log_offset()
        entry.update(run_locust(server, endpoint, users, password, workdir))
        if any(status.startswith("5") for status in entry["server"]["statuses"]):
            entry["server_errors"] = server.errors_since(log_offset)
        entry["verdict"] = verdict(entry["server"]["p95_ms"], entry["target_p95_ms"])
        errors = entry["client"]["failures"] / max(entry["client"]["count"], 1)
        if errors > 0.01:  # fast errors are not a pass
            entry["verdict"] = f"MISS ({errors:.0%} errors)"
        log(
            f"{endpoint.name}: server p50/p95/p99 {entry['server']['p50_ms']}/"
            f"{entry['server']['p95_ms']}/{entry['server']['p99_ms']} ms, "
            f"{entry['client']['rps']} req/s, {entry['client']['failures']} failures "
            f"-> {entry['verdict']}"
        )
        results[endpoint.name] = entry
    return results


def wanted(name: str) -> bool:
    """BENCH_ONLY=thread,post,report_csv,growth measures only those (to re-check a fix)."""
    only = os.environ.get("BENCH_ONLY", "")
    return not only or name in {part.strip() for part in only.split(",")}


def verdict(value: float | None, target: float | None) -> str:
    if target is None:
        return "-"
    if value is None:
        return "n/a"
    return "PASS" if value <= target else "MISS"


def run_database(kind: str, quick: bool, workdir: Path) -> dict[str, Any]:
    scale = "small" if quick else "large"
    seconds = float(os.environ.get("BENCH_SECONDS", "5" if quick else "15"))
    growth_seconds = float(os.environ.get("BENCH_GROWTH_SECONDS", "8"))
    users = int(os.environ.get("BENCH_USERS", "2"))
    result: dict[str, Any] = {
        "database": kind,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": quick,
        "scale": scale,
        "machine": {
            "cpus": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), "gunicorn_workers": 2, "locust_users": users,
            "load_average_before": [round(x, 2) for x in os.getloadavg()],
        },
        "seconds_per_endpoint": seconds,
    }  # fmt: skip
    started = time.perf_counter()
    log(f"{kind}: fresh database, schema, {scale} scale")
    with fresh_database(kind, workdir, "main") as url:
        if kind == "postgresql":
            result["machine"]["postgresql"] = _pg_version(url)
        summary = prepare(url, scale, None, workdir)
        result["generation"] = summary
        result["schema"] = os.environ.get("BENCH_SCHEMA", "migrations")
        if result["schema"] == "migrations":
            result["schema_drift"] = schema_drift(url)
            if result["schema_drift"]:
                log(f"warning: the migrations lag behind the models: {result['schema_drift']}")
        password = summary["password"]
        server = Server(url, workdir)
        try:
            every = endpoints(summary, seconds)
            points = [p for p in every if wanted(p.name)]
            growth_points = [p for p in every if p.name in ("version", "thread")]
            reading = [p for p in points if p.method == "GET"]
            result["endpoints"] = measure_endpoints(server, reading, users, password, workdir)
            log("report CSV")
            result["report_csv"] = {"available": False, "status": "skipped"}
            if wanted("report_csv"):
                result["report_csv"] = measure_csv(
                    server, summary["urls"]["report_csv"], 2 if quick else 3
                )
            result["exports"] = {}
            for name in ("export_zip", "export_json"):
                if wanted("exports") and name in summary["urls"]:
                    log(f"open data: {name}")
                    result["exports"][name] = measure_csv(
                        server, summary["urls"][name], 2 if quick else 3, count_rows=False
                    )
            if wanted("upload"):
                log("uploads: a 20 MB PDF with a comment, a 200-page PDF's text")
                result["uploads"] = {
                    "upload": upload_bench.measure_upload(
                        server, summary, _memory_kb, _reset_peak, workdir
                    ),
                    "extraction": upload_bench.measure_extraction(),
                }
            writing = [p for p in points if p.method == "POST"]
            result["endpoints"].update(measure_endpoints(server, writing, users, password, workdir))
            if not quick and wanted("growth"):
                result["growth"] = {str(summary["counts"]["comments"]): growth_run(
                    server, growth_points, growth_seconds, users, password, workdir)}  # fmt: skip
        finally:
            server.stop()
        if wanted("similarity"):
            log(f"{kind}: similar comments and the desk")
            result["similarity"] = similarity_bench.run_subprocess(
                url, summary, workdir, app_env(url)
            )
    if not quick and wanted("growth"):
        for comments in (GROWTH_POINTS[0], GROWTH_POINTS[-1]):
            log(f"{kind}: growth, {comments} comments")
            with fresh_database(kind, workdir, f"growth-{comments}") as url:
                summary = prepare(url, "large", comments, workdir)
                server = Server(url, workdir)
                try:
                    points = [
                        p
                        for p in endpoints(summary, growth_seconds)
                        if p.name in ("version", "thread")
                    ]
                    result["growth"][str(comments)] = growth_run(
                        server, points, growth_seconds, users, password, workdir
                    )
                    result["growth"][str(comments)]["generation_seconds"] = summary[
                        "elapsed_seconds"
                    ]
                finally:
                    server.stop()
        result["growth_summary"] = growth_summary(result["growth"])
    result["total_seconds"] = round(time.perf_counter() - started, 1)
    result["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    return result


def growth_run(
    server: Server, points: list[Endpoint], seconds: float, users: int, password: str, workdir: Path
) -> dict[str, Any]:
    for point in points:
        point.seconds = seconds
    measured = measure_endpoints(server, points, users, password, workdir)
    return {
        name: {
            "available": entry["available"],
            "p50_ms": entry.get("server", {}).get("p50_ms"),
            "p95_ms": entry.get("server", {}).get("p95_ms"),
            "rps": entry.get("client", {}).get("rps"),
        }
        for name, entry in measured.items()
    }


def growth_summary(growth: dict[str, Any]) -> dict[str, Any]:
    low, high = str(GROWTH_POINTS[0]), str(GROWTH_POINTS[-1])
    summary = {}
    for page in ("version", "thread"):
        a = growth.get(low, {}).get(page, {}).get("p95_ms")
        b = growth.get(high, {}).get(page, {}).get("p95_ms")
        if a is None or b is None:
            summary[page] = {"growth": None, "verdict": "n/a"}
            continue
        change = (b - a) / a
        summary[page] = {
            "growth": round(change, 3),
            "verdict": "PASS" if change < GROWTH_MAX else "MISS",
        }
    return summary


def _pg_version(url: str) -> str:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return str(conn.execute(sa.text("SHOW server_version")).scalar())
    finally:
        engine.dispose()


# -- reports ---------------------------------------------------------------------------------


def _ms(value: Any) -> str:
    return "-" if value is None else f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def markdown(result: dict[str, Any]) -> str:
    gen = result["generation"]
    counts = gen["counts"]
    lines = [
        f"# Benchmark: {result['database']} ({result['date'][:10]})",
        "",
        f"Scale **{result['scale']}**: {counts.get('comments', 0):,} comments, "
        f"{counts.get('endorsements', 0):,} endorsements, {counts.get('dispositions', 0):,} "
        f"dispositions, {counts.get('users', 0):,} users, {counts.get('sections', 0):,} sections "
        f"in {len(gen['documents'])} documents x {gen['versions']} versions. Generated in "
        f"**{gen['elapsed_seconds']} s** (schema: {gen['upgrade_seconds']} s).",
        "",
        f"gunicorn, 2 sync workers, CONSULT_ENV=production; Locust headless, "
        f"{result['machine']['locust_users']} users without think time, "
        f"{result['seconds_per_endpoint']:.0f} s per endpoint, on {result['machine']['cpus']} "
        f"CPUs shared with the load generator. Server time is gunicorn's own request duration "
        f"(access log `%(D)s`); client time is Locust's. Load average (1, 5, 15 min) before: "
        f"{result['machine']['load_average_before']}, after: "
        f"{result['machine'].get('load_average_after')}.",
        "",
    ]
    if result.get("schema") == "models":
        lines += ["Schema created from the models (BENCH_SCHEMA=models), not the migrations.", ""]
    if result.get("schema_drift"):
        lines += [
            f"**Warning**: the migrations lag behind the models: {result['schema_drift']}",
            "",
        ]
    lines += [
        "| endpoint | target p95 | server p50 / p95 / p99 (ms) | client p50 / p95 / p99 (ms) "
        "| req/s | requests | verdict |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for entry in result["endpoints"].values():
        target = entry.get("target_p95_ms")
        target_text = f"≤ {target} ms" if target else "-"
        if not entry["available"]:
            probe = entry.get("probe", {})
            why = probe.get("status") or probe.get("error", "")
            lines.append(f"| {entry['label']} | {target_text} | not available ({why}) | | | | |")
            continue
        s, c = entry["server"], entry["client"]
        lines.append(
            f"| {entry['label']} | {target_text} | {_ms(s['p50_ms'])} / {_ms(s['p95_ms'])} / "
            f"{_ms(s['p99_ms'])} | {_ms(c['p50_ms'])} / {_ms(c['p95_ms'])} / {_ms(c['p99_ms'])} "
            f"| {c['rps']} | {c['count']:,} ({c['failures']} failed) | {entry['verdict']} |"
        )
    failed = [(e["label"], f) for e in result["endpoints"].values() for f in e.get("failures", [])]
    if failed:
        lines += ["", "Failed requests (Locust):", ""]
        lines += [f"- {label}: {f['count']} x {f['name']}: {f['error']}" for label, f in failed]
    logged = [
        (e["label"], x) for e in result["endpoints"].values() for x in e.get("server_errors", [])
    ]
    if logged:
        lines += ["", "Errors in the server log:", ""]
        lines += [f"- {label}: `{line}`" for label, line in logged]
    report = result.get("report_csv", {})
    lines += ["", "## Report CSV", ""]
    if report.get("available"):
        seconds_ok = report["max_seconds"] <= CSV_MAX_SECONDS
        memory_ok = report["max_memory_growth_mb"] <= CSV_MAX_GROWTH_MB
        lines += [
            "| rows | size | time to last byte (s) | worker peak memory growth (MB) | verdict |",
            "| --- | --- | --- | --- | --- |",
            f"| {report['rows']:,} | {report['bytes'] / 1e6:.1f} MB | "
            f"{', '.join(str(t) for t in report['seconds'])} (target ≤ {CSV_MAX_SECONDS:.0f}) | "
            f"{', '.join(str(m) for m in report['memory_growth_mb'])} (target ≤ "
            f"{CSV_MAX_GROWTH_MB:.0f}) | {'PASS' if seconds_ok and memory_ok else 'MISS'} |",
        ]
    else:
        lines.append(f"Not available ({report.get('status')}).")
    exports = {k: v for k, v in result.get("exports", {}).items() if v.get("available")}
    if exports:
        lines += [
            "",
            "## Open-data exports (streamed)",
            "",
            "| export | size | time to last byte (s) | worker peak memory growth (MB) |",
            "| --- | --- | --- | --- |",
        ]
        for name, entry in exports.items():
            lines.append(
                f"| {name} | {entry['bytes'] / 1e6:.1f} MB | "
                f"{', '.join(str(t) for t in entry['seconds'])} | "
                f"{', '.join(str(m) for m in entry['memory_growth_mb'])} |"
            )
    if "growth" in result:
        points = sorted(result["growth"], key=int)
        lines += [
            "",
            "## Growth with the number of comments (server p95, ms)",
            "",
            "| page | " + " | ".join(f"{int(p):,} comments" for p in points)
            + " | growth 5k → 200k | verdict |",
            "| --- | " + " | ".join("---" for _ in points) + " | --- | --- |",
        ]  # fmt: skip
        for page in ("version", "thread"):
            cells = [_ms(result["growth"][p].get(page, {}).get("p95_ms")) for p in points]
            summary = result["growth_summary"][page]
            change = "-" if summary["growth"] is None else f"{summary['growth'] * 100:+.0f}%"
            lines.append(
                f"| {page} | " + " | ".join(cells) + f" | {change} (target < +20%) "
                f"| {summary['verdict']} |"
            )  # fmt: skip
    lines.append(similarity_bench.markdown(result.get("similarity") or {}))
    lines.append(upload_bench.markdown(result.get("uploads") or {}))
    lines += ["", f"Whole run for this database: {result['total_seconds']:.0f} s.", ""]
    return "\n".join(lines)


def write(result: dict[str, Any]) -> tuple[Path, Path]:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = f"{result['date'][:10]}-{result['database']}{'-quick' if result['quick'] else ''}"
    json_path = RESULTS / f"{stem}.json"
    md_path = RESULTS / f"{stem}.md"
    json_path.write_text(json.dumps(result, indent=2) + "\n")
    md_path.write_text(markdown(result))
    return json_path, md_path


def main() -> int:
    choice = os.environ.get("BENCH_DB", "both")
    kinds = ["sqlite", "postgresql"] if choice == "both" else [choice]
    if any(k not in ("sqlite", "postgresql") for k in kinds):
        print("BENCH_DB must be sqlite, postgresql or both", file=sys.stderr)
        return 2
    quick = os.environ.get("BENCH_QUICK", "") == "1"
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="consult-bench-"))
    try:
        for kind in kinds:
            result = run_database(kind, quick, workdir)
            _json_path, md_path = write(result)
            log(f"{kind} done in {result['total_seconds']:.0f}s: {md_path.relative_to(ROOT)}")
            print(md_path.read_text())
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    log(f"whole benchmark: {time.perf_counter() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
