"""Exceptions of the drafts domain (their messages are shown to users)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _


class DraftError(Exception):
    """A refused change; the message is user-facing, `field` names the form field at fault."""

    def __init__(self, message: str = "", *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class PublishedVersionError(DraftError):
    """Any attempt to change a section or version that is published."""


class EditConflict(DraftError):
    """A save based on a stale copy: `.section` is the current one, `.attempted` what was sent."""

    def __init__(self, section: Any, attempted: dict[str, str]) -> None:
        super().__init__(
            _(
                "Someone else saved this section while you were editing it. "
                "Compare the two texts below and save again."
            )
        )
        self.section = section
        self.attempted = attempted


class ImportErrors(DraftError):
    """A malformed Markdown import: `.errors` lists (line number, message), nothing stored."""

    def __init__(self, errors: list[tuple[int, str]]) -> None:
        self.errors = sorted(errors)
        lines = " ".join(
            _("Line %(line)s: %(message)s", line=line, message=message)
            for line, message in self.errors[:5]
        )
        more = (
            " " + _("And %(num)s more.", num=len(self.errors) - 5) if len(self.errors) > 5 else ""
        )
        super().__init__(_("The text could not be imported.") + f" {lines}{more}")
