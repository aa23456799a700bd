"""Uploads (issue 17): a 20 MB PDF posted with a comment keeps the serving worker's memory flat,
and the text of a 200-page PDF is extracted within a bounded time.

Run by bench/run.py when BENCH_ONLY includes "upload" (or no BENCH_ONLY): the upload goes to
the gunicorn server the benchmark runs (production configuration), streamed from a file on disk
in 64 KB chunks, and the worker's peak RSS (VmHWM, reset before) is compared with its RSS
before the request. The extraction is timed in-process on a generated PDF.
"""

from __future__ import annotations

import http.client
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.webclient import csrf_token
from consult.attachments.samples import make_pdf

UPLOAD_BYTES = 20 * 1024 * 1024 - 64 * 1024  # just under the default limit
CHUNK = 64 * 1024


def _big_pdf(workdir: Path) -> Path:
    path = workdir / "bench-upload-20mb.pdf"
    if not path.exists():
        path.write_bytes(make_pdf([["Benchmark position paper", "One page of text."]],
                                  padding=UPLOAD_BYTES))  # fmt: skip
    return path


def _multipart(fields: dict[str, str], path: Path, boundary: str) -> tuple[list[bytes], int]:
    head = (
        b"".join(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            ).encode()
            for name, value in fields.items()
        )
        + (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="{path.name}"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
    )
    tail = f"\r\n--{boundary}--\r\n".encode()
    return [head, tail], len(head) + path.stat().st_size + len(tail)


def _body(parts: list[bytes], path: Path) -> Iterator[bytes]:
    yield parts[0]
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk
    yield parts[1]


def measure_upload(server: Any, summary: dict[str, Any], memory: Any, reset: Any,
                   workdir: Path, attempts: int = 2) -> dict[str, Any]:  # fmt: skip
    """Post a comment with a 20 MB PDF (twice: distinct content each time is not needed, the
    store keeps one copy, but the request still streams all of it)."""
    client = server.client()
    client.sign_in(summary["accounts"]["stakeholder"], summary["password"])
    path = _big_pdf(workdir)
    results = []
    for attempt in range(attempts):
        _status, _headers, page = client.get(summary["urls"]["post"])
        fields = {
            "csrf_token": csrf_token(page.decode()),
            "body": f"Our position paper, attached ({uuid.uuid4().hex[:8]}, try {attempt}).",
            "kind": "general",
        }
        boundary = uuid.uuid4().hex
        parts, length = _multipart(fields, path, boundary)
        pids = server.workers()
        before = {pid: memory(pid) for pid in pids}
        was_reset = {pid: reset(pid) for pid in pids}
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
        connection.request(
            "POST",
            summary["urls"]["post"],
            body=_body(parts, path),
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Content-Length": str(length),
                "Cookie": f"session={client.session}",
            },
        )
        response = connection.getresponse()
        response.read()
        location = response.getheader("Location") or ""
        connection.close()
        seconds = time.perf_counter() - started
        after = {pid: memory(pid) for pid in pids}
        growth = max(
            (after[p]["VmHWM"] - (before[p]["VmRSS"] if was_reset[p] else before[p]["VmHWM"]))
            / 1024
            for p in pids
        )
        results.append({"status": response.status, "seconds": round(seconds, 2),
                        "memory_growth_mb": round(growth, 1),
                        "published": "#comment-" in location})  # fmt: skip
    return {
        "bytes": path.stat().st_size,
        "uploads": results,
        "max_memory_growth_mb": max(r["memory_growth_mb"] for r in results),
        "accepted": all(r["published"] for r in results),
    }


def measure_extraction(pages: int = 200) -> dict[str, Any]:
    """Extract a generated 200-page PDF's text in-process, as the upload request does."""
    import tempfile

    from consult import create_app
    from consult.attachments.extract import extract_text

    lines = [f"Line {n} of the measure on training data documentation." for n in range(40)]
    data = make_pdf([[f"Page {p}", *lines] for p in range(pages)])
    app = create_app("testing")
    with tempfile.TemporaryDirectory() as folder, app.app_context():
        path = Path(folder) / "long.pdf"
        path.write_bytes(data)
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            text, complete = extract_text(path, "pdf")
            timings.append(time.perf_counter() - started)
        return {
            "pages": pages,
            "bytes": len(data),
            "characters": len(text),
            "complete": complete,
            "seconds": [round(t, 2) for t in timings],
            "page_cap": app.config["ATTACHMENT_MAX_PAGES"],
            "time_cap_seconds": app.config["ATTACHMENT_EXTRACT_SECONDS"],
        }


def markdown(result: dict[str, Any]) -> str:
    if not result:
        return ""
    up, ex = result.get("upload", {}), result.get("extraction", {})
    lines = ["", "## Uploads (issue 17)", ""]
    if up:
        lines.append(
            f"Posting a comment with a {up['bytes'] / 1048576:.1f} MB PDF: "
            + ", ".join(
                f"{u['seconds']} s ({'published' if u['published'] else 'refused'})"
                for u in up["uploads"]
            )
            + f"; serving worker's peak memory growth at most {up['max_memory_growth_mb']} MB."
        )
    if ex:
        lines.append(
            f"Text of a {ex['pages']}-page PDF ({ex['bytes'] / 1024:.0f} KB, "
            f"{ex['characters']:,} characters, complete: {ex['complete']}): "
            f"{', '.join(str(s) for s in ex['seconds'])} s in-process "
            f"(caps: {ex['page_cap']} pages, {ex['time_cap_seconds']} s)."
        )
    return "\n".join(lines) + "\n"
