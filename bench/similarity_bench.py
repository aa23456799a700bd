"""Similar comments and the desk at scale: fingerprint cost, rebuild time, quality, desk p95.

Run alone (`python -m bench.similarity_bench`, BENCH_DB=sqlite|postgresql) it generates the
large scale on a fresh database; `make bench` calls measure() on the database it generated.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import words
from bench.similarity_eval import evaluate

DESK_REQUESTS = 30
FINGERPRINTS = 1000
ALGORITHM_COMMENTS = 50_000


def _p(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 2)


def algorithm_run(n: int = ALGORITHM_COMMENTS, provisions: int = 300) -> dict[str, Any]:
    """cluster() on n comments with no stored fingerprint (every signature computed), 5%
    copies and 5% template edits, as a worst case of `flask consult cluster`."""
    from consult.comments.fingerprint import signature, tokens
    from consult.moderation.clustering import Item, cluster

    rng = random.Random(15)
    items: list[Item] = []
    for i in range(n):
        roll = rng.random()
        if items and roll < 0.05:
            source = rng.choice(items)
            text = source.text.upper()
        elif items and roll < 0.10:
            source = rng.choice(items)
            text = source.text.replace(" the ", " our ", 1) + " Signed, member " + str(i)
        else:
            text = words.comment_body(rng, reply=False)
        items.append(Item(i + 1, rng.randrange(provisions), text))
    started = time.perf_counter()
    groups = cluster(items)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    for item in items:  # as posting stores them
        item.minhash = signature(tokens(item.text))
    signing = time.perf_counter() - started
    started = time.perf_counter()
    again = cluster(items)
    assert {k: len(v) for k, v in again.items()} == {k: len(v) for k, v in groups.items()}
    return {
        "comments": n,
        "seconds": round(cold, 1),
        "seconds_with_fingerprints": round(time.perf_counter() - started, 1),
        "fingerprinting_seconds": round(signing, 1),
        "groups": {level: len(found) for level, found in groups.items()},
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def measure(database_url: str, summary: dict[str, Any]) -> dict[str, Any]:
    """On a generated database: fingerprint cost, rebuild of the hot version, desk p95."""
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 40)
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("CONSULT_ENV", "production")
    os.environ["RATELIMIT_ENABLED"] = "false"
    from flask import g
    from sqlalchemy import func, select

    from consult import create_app
    from consult.accounts.models import User
    from consult.comments.fingerprint import fingerprint_values
    from consult.comments.models import Comment
    from consult.drafts.models import Document, Version
    from consult.extensions import db
    from consult.moderation.similarity import rebuild_groups

    app = create_app()
    app.config["SESSION_COOKIE_SECURE"] = False  # the in-process client speaks plain HTTP
    result: dict[str, Any] = {}
    with app.app_context():
        version = db.session.scalars(
            select(Version)
            .join(Document)
            .where(
                Document.slug == summary["hot_document"],
                Version.number == summary["hot_version"],
            )
        ).one()
        bodies = list(
            db.session.scalars(
                select(Comment.body).where(Comment.version_id == version.id).limit(FINGERPRINTS)
            )
        )
        costs = []
        for body in bodies:
            started = time.perf_counter()
            fingerprint_values(body)
            costs.append((time.perf_counter() - started) * 1000)
        result["fingerprint_ms"] = {"p50": _p(costs, 0.5), "p95": _p(costs, 0.95)}
        tops = db.session.scalar(
            select(func.count(Comment.id)).where(
                Comment.version_id == version.id, Comment.parent_id.is_(None)
            )
        )
        started = time.perf_counter()
        rebuilt = rebuild_groups(version)
        db.session.commit()
        result["rebuild"] = {
            "version_top_level_comments": tops,
            "compared": rebuilt.comments,
            "seconds_without_fingerprints": round(time.perf_counter() - started, 1),
            "groups": rebuilt.groups,
        }
        started = time.perf_counter()
        rebuild_groups(version)
        db.session.commit()
        result["rebuild"]["seconds_with_fingerprints"] = round(time.perf_counter() - started, 1)
        moderator = db.session.scalars(
            select(User).where(User.email == summary["accounts"]["moderator"])
        ).one()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = moderator.get_id()
            session["_fresh"] = True
        times = []
        for _ in range(DESK_REQUESTS):
            g.pop("_login_user", None)
            started = time.perf_counter()
            response = client.get("/desk")
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        result["desk_ms"] = {"p50": _p(times, 0.5), "p95": _p(times, 0.95), "in_process": True}
    result["algorithm_50k"] = algorithm_run()
    result["quality"] = evaluate()
    return result


def markdown(section: dict[str, Any]) -> str:
    if not section:
        return ""
    if "error" in section:
        return f"\n## Similar comments and the desk\n\nFailed: {section['error'][-500:]}\n"
    q = section["quality"]
    rows = "\n".join(
        f"| {level} | {q[level]['precision']} | {q[level]['recall']} | {q[level]['positives']} |"
        for level in ("identical", "near", "similar")
    )
    r = section["rebuild"]
    return (
        "\n## Similar comments and the desk\n\n"
        f"- fingerprint on posting: p50 {section['fingerprint_ms']['p50']} ms, "
        f"p95 {section['fingerprint_ms']['p95']} ms (target <= 10 ms)\n"
        f"- rebuild of the hot version ({r['compared']} public top-level comments): "
        f"{r['seconds_without_fingerprints']} s computing every fingerprint, "
        f"{r['seconds_with_fingerprints']} s with them stored\n"
        f"- clustering 50,000 comments: {section['algorithm_50k']['seconds']} s computing every "
        f"fingerprint, {section['algorithm_50k']['seconds_with_fingerprints']} s with them "
        f"stored as posting does (target <= 60 s; load average "
        f"{section['algorithm_50k']['load_average']} on {os.cpu_count()} CPUs)\n"
        f"- /desk in process, moderator: p50 {section['desk_ms']['p50']} ms, "
        f"p95 {section['desk_ms']['p95']} ms\n\n"
        f"Quality on {q['pairs']} labelled pairs (bench/data/similarity_eval.json):\n\n"
        "| level | precision | recall | positive pairs |\n| --- | --- | --- | --- |\n"
        f"{rows}\n\nSimilar-level misses by kind: {q['similar_missed_by_kind']}\n"
    )


def run_subprocess(
    database_url: str, summary: dict[str, Any], workdir: Path, env: dict[str, str]
) -> dict[str, Any]:
    """measure() in a process of its own (the app is configured from the environment)."""
    summary_path = workdir / "similarity-summary.json"
    summary_path.write_text(json.dumps(summary))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.similarity_bench",
            "--measure",
            database_url,
            str(summary_path),
        ],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if done.returncode != 0:
        return {"error": done.stderr[-2000:]}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> int:
    from bench.run import fresh_database, prepare

    if len(sys.argv) == 4 and sys.argv[1] == "--measure":
        summary = json.loads(Path(sys.argv[3]).read_text())
        print(json.dumps(measure(sys.argv[2], summary)))
        return 0

    kind = os.environ.get("BENCH_DB", "sqlite")
    scale = "small" if os.environ.get("BENCH_QUICK") == "1" else "large"
    workdir = Path(tempfile.mkdtemp(prefix="consult-simbench-"))
    with fresh_database(kind, workdir, "similarity") as url:
        summary = prepare(url, scale, None, workdir)
        section = measure(url, summary)
    section["database"] = kind
    print(json.dumps(section, indent=1))
    print(markdown(section))
    return 0


if __name__ == "__main__":
    sys.exit(main())
