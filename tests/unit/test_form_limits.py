"""Every text field of every form has a maximum length (issue 12, defect 6)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Any

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import Length

import consult

# Fields whose bound is checked another way: a maximum read from the configuration at
# validation time (comments), or a hidden number parsed by a bounded parser.
BOUNDED_ELSEWHERE = {"max_length"}


def _forms() -> list[type[FlaskForm]]:
    forms: dict[str, type[FlaskForm]] = {}
    for info in pkgutil.walk_packages(consult.__path__, "consult."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, FlaskForm) and cls.__module__ == info.name:
                forms[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return list(forms.values())


def _bounded(validators: Any) -> bool:
    for validator in validators or []:
        if isinstance(validator, Length) and validator.max and validator.max > 0:
            return True
        if getattr(validator, "__qualname__", "").split(".")[0] in BOUNDED_ELSEWHERE:
            return True
    return False


def test_every_text_field_has_a_maximum_length(app: Any) -> None:
    forms = _forms()
    assert len(forms) > 40
    unbounded = []
    for form in forms:
        for name in dir(form):
            unbound = getattr(form, name, None)
            field_class = getattr(unbound, "field_class", None)
            if field_class is None or not issubclass(field_class, StringField):
                continue
            if issubclass(field_class, HiddenField):
                continue
            validators = unbound.kwargs.get("validators")
            if validators is None and len(unbound.args) > 1:
                validators = unbound.args[1]
            if not _bounded(validators):
                unbounded.append(f"{form.__module__}.{form.__qualname__}.{name}")
    assert unbounded == []
