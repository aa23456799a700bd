"""AttachmentsField: a multiple file input that checks and stores what is uploaded."""

from __future__ import annotations

from typing import Any

from flask_babel import ngettext
from flask_wtf.file import MultipleFileField
from werkzeug.datastructures import FileStorage
from wtforms.validators import ValidationError

from consult.attachments.models import MEDIA_TYPES
from consult.attachments.storage import (
    DOCUMENT_TYPES,
    RefusedFile,
    StagedFile,
    max_bytes,
    max_files,
    stage,
)
from consult.core.lazytext import lazy_gettext as _l

TYPES_HINT = _l("PDF, ODT or DOCX")


class AttachmentsField(MultipleFileField):
    """Up to ATTACHMENT_MAX_FILES files (PDF, ODT, DOCX, or `types`) of ATTACHMENT_MAX_BYTES
    each.

    Validation streams each file into the store and checks its type from its content; the
    checked files are then in `field.staged`, for `services.attach(...)`. A refused file gives
    a message naming it; the form's other fields are kept as typed (a browser cannot keep the
    chosen files, so the message asks for them again).
    """

    staged: list[StagedFile]

    def __init__(
        self,
        *args: Any,
        already: int = 0,
        types: tuple[str, ...] = DOCUMENT_TYPES,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.already = already
        self.types = types  # e.g. storage.PRESENTATION_TYPES for an event's slides
        self.staged = []

    @property
    def accept(self) -> str:
        """The file input's accept attribute: extensions and media types of `types`."""
        return ",".join(
            [f".{kind}" for kind in self.types] + [MEDIA_TYPES[kind] for kind in self.types]
        )

    @property
    def types_label(self) -> str:
        """PDF, ODT, DOCX: language-neutral names of the accepted types."""
        return ", ".join(kind.upper() for kind in self.types)

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = [item for item in valuelist if isinstance(item, FileStorage) and item.filename]

    def pre_validate(self, form: Any) -> None:
        self.staged = []
        files = self.data or []
        allowed = max_files() - self.already
        if len(files) > allowed:
            raise ValidationError(
                ngettext(
                    "At most %(num)d file can be attached.",
                    "At most %(num)d files can be attached.",
                    max_files(),
                )
            )
        for item in files:
            try:
                self.staged.append(stage(item.stream, item.filename, self.types))
            except RefusedFile as refused:
                self.staged = []
                name = item.filename or ""
                if refused.reason == "size":
                    raise ValidationError(
                        _l(
                            "%(name)s is larger than %(mb)d MB. Choose a smaller file "
                            "(and choose the other files again).",
                            name=name,
                            mb=max_bytes() // (1024 * 1024),
                        )
                    ) from refused
                if self.types != DOCUMENT_TYPES:
                    raise ValidationError(
                        _l(
                            "%(name)s is not a file of an accepted type (%(types)s). Only "
                            "these types can be attached (choose the other files again).",
                            name=name,
                            types=self.types_label,
                        )
                    ) from refused
                raise ValidationError(
                    _l(
                        "%(name)s is not a PDF, ODT or DOCX file. Only these types can be "
                        "attached (choose the other files again).",
                        name=name,
                    )
                ) from refused
