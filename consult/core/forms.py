"""Form helpers the views of every domain share."""

from __future__ import annotations

from typing import Any


def show_refusal(form: Any, error: Exception) -> None:
    """Show a service's refusal beside the field it names (`error.field`), else atop the form.

    Domain errors carry a user-facing message and, optionally, the name of the form field at
    fault; a name the form does not have falls back to the top of the form.
    """
    name = getattr(error, "field", None)
    field = getattr(form, name, None) if name else None
    if field is not None:
        field.errors = [*field.errors, str(error)]
    else:
        form.form_errors.append(str(error))
