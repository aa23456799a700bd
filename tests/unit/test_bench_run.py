"""The benchmark runner's arithmetic and report (no server, no timing asserted)."""

from __future__ import annotations

from typing import Any

import pytest

from bench import run
from bench.webclient import csrf_token, session_from


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert run.percentile(values, 0.50) == 50
    assert run.percentile(values, 0.95) == 95
    assert run.percentile(values, 0.99) == 99
    assert run.percentile([7.0], 0.99) == 7
    assert run.percentile([], 0.5) is None


def test_verdicts() -> None:
    assert run.verdict(149.0, 150) == "PASS"
    assert run.verdict(150.0, 150) == "PASS"
    assert run.verdict(151.0, 150) == "MISS"
    assert run.verdict(None, 150) == "n/a"
    assert run.verdict(10.0, None) == "-"


def test_growth_summary() -> None:
    growth = {
        "5000": {"version": {"p95_ms": 100.0}, "thread": {"p95_ms": 50.0}},
        "200000": {"version": {"p95_ms": 119.0}, "thread": {"p95_ms": 80.0}},
    }
    summary = run.growth_summary(growth)
    assert summary["version"] == {"growth": 0.19, "verdict": "PASS"}
    assert summary["thread"] == {"growth": 0.6, "verdict": "MISS"}
    assert run.growth_summary({})["version"]["verdict"] == "n/a"


def _result() -> dict[str, Any]:
    endpoint = {
        "label": "version page", "url": "/docs/x/v5/", "method": "GET", "target_p95_ms": 150,
        "available": True, "verdict": "MISS",
        "server": {"p50_ms": 120.0, "p95_ms": 180.5, "p99_ms": 250.0},
        "client": {"p50_ms": 130.0, "p95_ms": 190.0, "p99_ms": 260.0, "rps": 9.5,
                   "count": 140, "failures": 0},
        "failures": [],
    }  # fmt: skip
    missing = {
        "label": "triage queue", "url": "/docs/x/v5/triage", "method": "GET",
        "target_p95_ms": None, "available": False, "probe": {"status": 404},
    }  # fmt: skip
    return {
        "database": "sqlite", "date": "2026-11-21T12:00:00+00:00", "quick": False,
        "scale": "large", "seconds_per_endpoint": 15, "total_seconds": 250.0,
        "machine": {"cpus": 2, "locust_users": 2, "load_average_before": [0.1, 0.1, 0.1],
                    "load_average_after": [1.0, 0.5, 0.2]},
        "generation": {"counts": {"comments": 50000, "sections": 4560}, "documents": ["a"],
                       "versions": 5, "elapsed_seconds": 9.5, "upgrade_seconds": 3.0},
        "endpoints": {"version": endpoint, "triage": missing},
        "report_csv": {"available": True, "rows": 28000, "bytes": 3.7e7, "seconds": [2.5, 2.6],
                       "max_seconds": 2.6, "memory_growth_mb": [7.0, 6.0],
                       "max_memory_growth_mb": 7.0},
        "growth": {"5000": {"version": {"p95_ms": 100.0}, "thread": {"p95_ms": 50.0}},
                   "200000": {"version": {"p95_ms": 110.0}, "thread": {"p95_ms": 80.0}}},
        "growth_summary": {"version": {"growth": 0.1, "verdict": "PASS"},
                           "thread": {"growth": 0.6, "verdict": "MISS"}},
    }  # fmt: skip


def test_markdown_marks_targets_and_unavailable_pages() -> None:
    text = run.markdown(_result())
    assert "| version page | ≤ 150 ms | 120 / 180 / 250 |" in text  # server figures rounded
    assert "| MISS |" in text
    assert "| triage queue | - | not available (404) |" in text
    assert "| 28,000 | 37.0 MB | 2.5, 2.6 (target ≤ 5) | 7.0, 6.0 (target ≤ 100) | PASS |" in text
    assert "| version | 100 | 110 | +10% (target < +20%) | PASS |" in text
    assert "| thread | 50 | 80 | +60% (target < +20%) | MISS |" in text


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["session=abc.def; Secure; HttpOnly; Path=/"], "abc.def"),
        (["remember_token=x; Path=/", "session=new; Path=/"], "new"),
        (["session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/"], ""),
        (["other=1"], None),
    ],
)
def test_session_cookie_is_read_whatever_its_secure_flag(
    headers: list[str], expected: str | None
) -> None:
    assert session_from(headers) == expected


def test_csrf_token_from_a_form() -> None:
    page = '<form><input id="csrf_token" name="csrf_token" type="hidden" value="a&amp;b"></form>'
    assert csrf_token(page) == "a&b"
    with pytest.raises(ValueError):
        csrf_token("<form></form>")
