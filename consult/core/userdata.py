"""A person's data: the ZIP export written file by file from every domain's "user_data" hook.

Each domain registers `hooks.register(app, "user_data", provider)`; `provider(user=u)` returns
{"files": [("comments.json", rows), ...]} where `rows` is a lazy iterable of dicts (see
`table_rows`), so the archive is written record by record and never held in memory whole.
Erasure works the same way through the "user_erase" point: each domain removes or anonymises
what it holds about the person (providers return {}).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import IO, Any

from sqlalchemy import Table, delete, or_, select, update

from consult.core import hooks
from consult.core.models import AuditEvent, Notification, OutboxMessage
from consult.extensions import db

BATCH = 200
README = """Everything {site} holds about you, as JSON files (one array of records per file).

Dates are UTC in ISO 8601. Your password is stored only as a one-way hash and is not included.
Produced on {when}.
"""


def table_rows(model: Any, *where: Any, leave_out: Iterable[str] = ()) -> Iterator[dict[str, Any]]:
    """The rows of a model's table matching `where`, as dicts, fetched in batches (lazy)."""
    table: Table = model.__table__
    skip = set(leave_out)
    columns = [column for column in table.columns if column.name not in skip]
    stmt = select(*columns).where(*where).order_by(table.c.id).execution_options(yield_per=BATCH)
    for row in db.session.execute(stmt):
        yield dict(row._mapping)


def _core_files(user: Any) -> list[tuple[str, Iterable[dict[str, Any]]]]:
    about_user = or_(
        AuditEvent.actor_id == user.id,
        (AuditEvent.object_type == "users") & (AuditEvent.object_id == user.id),
    )
    return [
        ("audit_events.json", table_rows(AuditEvent, about_user)),
        ("notifications.json", table_rows(Notification, Notification.user_id == user.id)),
        ("emails.json", table_rows(OutboxMessage, OutboxMessage.user_id == user.id)),
    ]


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _write_array(archive: zipfile.ZipFile, name: str, rows: Iterable[dict[str, Any]]) -> int:
    count = 0
    with archive.open(name, "w") as raw:
        out = io.TextIOWrapper(raw, encoding="utf-8")
        out.write("[")
        for row in rows:
            out.write(",\n" if count else "\n")
            out.write(json.dumps(row, default=_json_default, ensure_ascii=False, sort_keys=True))
            count += 1
        out.write("\n]\n")
        out.flush()
        out.detach()
    return count


def write_export(user: Any, target: IO[bytes], *, site: str, when: datetime) -> dict[str, int]:
    """Write the ZIP of everything held about `user` to `target`; the record count per file."""
    files = hooks.collect("user_data", user=user).get("files", []) + _core_files(user)
    counts: dict[str, int] = {}
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(site=site, when=when.isoformat()))
        for name, rows in files:
            counts[name] = _write_array(archive, name, rows)
    return counts


def erase_core(user: Any) -> None:
    """Unsent mail to the person goes; sent mail keeps its date and subject, not its address."""
    # ORM-enabled statements, so objects already in the session follow the change.
    db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.user_id == user.id, OutboxMessage.status != "sent"
        )
    )
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.user_id == user.id)
        .values(to_addr="erased", body_text="")
    )
    db.session.execute(delete(Notification).where(Notification.user_id == user.id))


def erase(user: Any) -> None:
    """Every domain's "user_erase" provider, then the core tables."""
    hooks.collect("user_erase", user=user)
    erase_core(user)
