"""The attacker's tools for the XSS corpus: read a page's forms as a browser would, fill every
text box with payloads, post with the page's CSRF token, and record server-side which form
fields received payload text and whether the form took it."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from flask.testing import FlaskClient
from flask_wtf import FlaskForm
from wtforms import Form, StringField

PAYLOADS = [
    line.replace("\\n", "\n")
    for line in (Path(__file__).parent / "data" / "xss_payloads.txt")
    .read_text(encoding="utf-8")
    .splitlines()
    if line and not line.startswith("#")
]
# Inputs of these types take the payloads; the others keep their value unless told otherwise.
TEXT_TYPES = {"text", "search", "textarea", "email", "url", "tel", ""}
# Without a maxlength attribute: the comment limit, the longest the site asks for.
DEFAULT_LIMIT = 5000


def field_key(form: Form, name: str) -> str:
    """`module.FormClass.field` of a field, with per-request classes (built with type()) named
    after the declared class they extend and numbered fields (text_12) as text_*."""
    cls = type(form)
    for klass in cls.__mro__:
        module = __import__(klass.__module__, fromlist=["_"])
        if getattr(module, klass.__name__, None) is klass:
            cls = klass
            break
    module_name = cls.__module__.removeprefix("consult.")
    short = re.sub(r"_\d+$", "_*", name)
    return f"{module_name}.{cls.__name__}.{short}"


@dataclass
class Seen:
    """What the server saw in one request: form fields given payload text, and outcomes."""

    posted: dict[str, str] = field(default_factory=dict)  # key -> text received
    validated: dict[str, bool] = field(default_factory=dict)  # form key -> ok
    errors: dict[str, list[str]] = field(default_factory=dict)  # key -> messages


@contextmanager
def watching_forms(is_payload: Callable[[str], bool]) -> Iterator[list[Seen]]:
    """Wrap FlaskForm's constructor and validate(): every form built from the request's data
    reports its text fields that carry payloads, then whether it validated and its errors."""
    requests: list[Seen] = []
    original_init, original_validate = FlaskForm.__init__, FlaskForm.validate

    def init(self: FlaskForm, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        if not requests:
            return
        for item in self:
            raw = item.raw_data[0] if item.raw_data else None
            if isinstance(item, StringField) and isinstance(raw, str) and is_payload(raw):
                requests[-1].posted[field_key(self, item.short_name)] = raw

    def validate(self: FlaskForm, extra_validators: Any = None) -> bool:
        ok = bool(original_validate(self, extra_validators))
        if requests:
            requests[-1].validated[field_key(self, "")] = ok
            for name, messages in self.errors.items():
                requests[-1].errors[field_key(self, str(name))] = [str(m) for m in messages]
        return ok

    FlaskForm.__init__ = init  # type: ignore[method-assign]
    FlaskForm.validate = validate  # type: ignore[method-assign]
    try:
        yield requests
    finally:
        FlaskForm.__init__ = original_init  # type: ignore[method-assign]
        FlaskForm.validate = original_validate  # type: ignore[method-assign]


@dataclass
class Input:
    name: str
    kind: str  # input type, "textarea" or "select"
    value: str = ""
    checked: bool = False
    maxlength: int | None = None
    options: list[tuple[str, bool]] = field(default_factory=list)


@dataclass
class HtmlForm:
    action: str
    method: str
    inputs: list[Input] = field(default_factory=list)


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._text: Input | None = None
        self._select: Input | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = HtmlForm(a.get("action", ""), a.get("method", "get").lower())
            self.forms.append(self._form)
            return
        if self._form is None or (not a.get("name") and tag != "option"):
            return
        limit = int(a["maxlength"]) if a.get("maxlength", "").isdigit() else None
        if tag == "input":
            self._form.inputs.append(
                Input(a["name"], a.get("type", "text").lower(), a.get("value", ""),
                      "checked" in a, limit)
            )  # fmt: skip
        elif tag == "textarea":
            self._text = Input(a["name"], "textarea", "", maxlength=limit)
            self._form.inputs.append(self._text)
        elif tag == "select":
            self._select = Input(a["name"], "select")
            self._form.inputs.append(self._select)
        elif tag == "option" and self._select is not None:
            self._select.options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            if self._text is not None and self._text.value.startswith("\n"):
                self._text.value = self._text.value[1:]
            self._text = None
        elif tag == "select":
            self._select = None


def read_forms(html: str) -> list[HtmlForm]:
    reader = _FormReader()
    reader.feed(html)
    return reader.forms


class _MarkupCheck(HTMLParser):
    """Markup that could run script, were the CSP not there: the second line of defence is
    checked on every response the attacker gets, refused forms' echoes included."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "script" and not a.get("src", "").startswith("/static/"):
            self.found.append(f"<script {a}>")
        if tag in {"iframe", "object", "embed", "frameset", "frame", "base", "style"}:
            self.found.append(f"<{tag} {a}>")
        rel = a.get("rel", "").lower()
        sheet = "import" in rel or "stylesheet" in rel
        if tag == "link" and sheet and not a.get("href", "").startswith("/static/"):
            self.found.append(f"<{tag} {a}>")
        if tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            self.found.append(f"<meta {a}>")
        for name, value in a.items():
            if name.startswith("on") or name == "style" or name == "srcdoc":
                self.found.append(f"<{tag} {name}={value!r}>")
            plain = re.sub(r"[\s\x00-\x1f]", "", value).lower()
            if plain.startswith(("javascript:", "vbscript:", "data:text/html")):
                self.found.append(f"<{tag} {name}={value!r}>")


def dangerous_markup(html: str) -> list[str]:
    check = _MarkupCheck()
    check.feed(html)
    return check.found


class Corpus:
    """Hands out payload text: per field a cursor, so successive posts cover the whole corpus."""

    def __init__(self, payloads: list[str]) -> None:
        self.payloads = payloads
        self.cursor: dict[str, int] = {}
        self.stored: dict[str, set[int]] = {}  # field label -> payload indexes accepted

    def take(self, label: str, limit: int, single_line: bool) -> tuple[str, list[int]]:
        start = self.cursor.get(label, 0)
        joiner = " " if single_line else "\n\n"
        parts: list[str] = []
        used: list[int] = []
        for step in range(len(self.payloads)):
            index = (start + step) % len(self.payloads)
            payload = self.payloads[index]
            if single_line:
                payload = payload.replace("\n", " ")
            candidate = joiner.join([*parts, payload])
            if len(candidate) > limit:
                if not parts:  # one payload longer than the field: its beginning
                    parts, used = [payload[:limit]], [index]
                break
            parts.append(payload)
            used.append(index)
        return joiner.join(parts), used

    def advance(self, label: str, used: list[int]) -> None:
        self.cursor[label] = (used[-1] + 1) % len(self.payloads) if used else 0

    def is_payload(self, text: str) -> bool:
        flat = text.replace("\n", " ")
        return any(
            payload[:24] in text or (len(text) >= 6 and flat in payload.replace("\n", " "))
            for payload in self.payloads
        )


@dataclass
class Outcome:
    status: int
    location: str
    html: str
    seen: Seen
    url: str = ""


class Attacker:
    """One person with a Flask test client: signs in through the login form, reads forms off
    pages, fills their text boxes with payloads and posts them with the page's CSRF token."""

    def __init__(self, client: FlaskClient, corpus: Corpus, log: Any) -> None:
        self.client = client
        self.corpus = corpus
        self.log = log  # the Run: requests seen, refusals, dangerous markup

    def get(self, path: str) -> str:
        html = self.log.request(self.client, "GET", path, None)[2]
        return html

    def sign_in(self, email: str, password: str) -> None:
        self.submit("/login", "/login", {"email": email, "password": password}, payloads=False)

    def submit(
        self,
        page: str,
        action: str,
        fill: dict[str, Any] | None = None,
        payloads: bool = True,
        skip: tuple[str, ...] = (),
        files: dict[str, Any] | None = None,
        label: str | None = None,
        expect: bool = True,
        method: str = "post",
    ) -> Outcome:
        """Post the form of `page` whose action is `action` (a path, or a regex on it).

        Text boxes not in `fill` get payloads (up to their maxlength). When the form refuses
        payload text, the refused fields get less (down to one payload, then none: recorded).
        Fields in `fill` are first tried with payloads too, then with the given valid value.
        """
        fill = dict(fill or {})
        html = self.get(page)
        forms = [
            f for f in read_forms(html) if f.method == method and _matches(f.action, page, action)
        ]
        assert forms, f"no {method} form to {action} on {page}"
        # Of several (a page may repeat a form per item), the one with the most text boxes.
        form = max(forms, key=lambda f: sum(i.kind in TEXT_TYPES for i in f.inputs))
        target = urljoin(page, form.action) if form.action else page
        label = label or re.sub(r"\d+", "N", urlsplit(target).path)
        boxes = [
            i for i in form.inputs
            if i.kind in TEXT_TYPES and i.name not in skip and i.name != "csrf_token"
        ]  # fmt: skip
        # Hidden fields are text boxes to an attacker: tried with payloads, then sent as given.
        for hidden in form.inputs:
            if hidden.kind == "hidden" and hidden.name != "csrf_token" and hidden.name not in skip:
                fill.setdefault(hidden.name, hidden.value)
                boxes.append(hidden)
        limits = {i.name: i.maxlength or DEFAULT_LIMIT for i in boxes}
        # First the attacker's try: payloads even where a valid value is needed.
        probes = [i.name for i in boxes if i.name in fill] if payloads else []
        outcome: Outcome | None = None
        for attempt in range(12):
            chosen: dict[str, tuple[str, list[int]]] = {}
            if payloads:
                for box in boxes:
                    if box.name in fill and not (attempt == 0 and probes):
                        continue
                    chosen[box.name] = self.corpus.take(
                        f"{label}:{box.name}", limits[box.name], box.kind not in ("textarea",)
                    )
            data = _defaults(form, fill, files)
            data.update({name: text for name, (text, _) in chosen.items()})
            outcome = self._send(form.method, target, data, files)
            if outcome.status in (302, 303) or (outcome.status == 200 and not _refused(outcome)):
                for name, (_, used) in chosen.items():
                    self.corpus.stored.setdefault(f"{label}:{name}", set()).update(used)
                    self.corpus.advance(f"{label}:{name}", used)
                return outcome
            refused = _refused_names(outcome, form)
            self.log.refusal(target, outcome, {n: chosen[n][0] for n in chosen})
            if attempt == 0 and probes:
                continue
            shrinkable = [n for n in refused if n in chosen]
            if not shrinkable:
                break
            for name in shrinkable:
                text, used = chosen[name]
                if len(used) > 1:
                    limits[name] = max(1, len(text) // 2)
                elif limits[name] > 1 and attempt < 8:
                    self.corpus.advance(f"{label}:{name}", used)  # that payload is refused here
                else:
                    skip = (*skip, name)
                    boxes = [b for b in boxes if b.name != name]
        assert outcome is not None
        summary = re.findall(r'govuk-error-summary__list">(.*?)</ul>', outcome.html, re.S)
        assert not expect, f"{target} refused everything: {outcome.status} {summary[:1]}"
        return outcome

    def _send(
        self, method: str, target: str, data: dict[str, Any], files: dict[str, Any] | None
    ) -> Outcome:
        # Files as (bytes, name): a fresh stream per attempt, as a browser sends the file again.
        uploads = {name: (io.BytesIO(content), filename) for name, (content, filename)
                   in (files or {}).items()}  # fmt: skip
        body = {**data, **uploads}
        verb = "POST" if method == "post" else "GET"
        status, location, html, seen = self.log.request(self.client, verb, target, body)
        url = target if verb == "POST" else f"{target}?{urlencode(body, doseq=True)}"
        return Outcome(status, location, html, seen, url)


def _matches(form_action: str, page: str, action: str) -> bool:
    path = urlsplit(urljoin(page, form_action) if form_action else page).path
    return path == action or bool(re.fullmatch(action, path))


def _defaults(form: HtmlForm, fill: dict[str, Any], files: dict[str, Any] | None) -> dict[str, Any]:
    """What a browser sends untouched: values, checked boxes, selected (else first) options."""
    data: dict[str, Any] = {}
    radios: dict[str, str] = {}
    for box in form.inputs:
        if box.kind in {"submit", "button", "file", "image", "reset"}:
            continue
        if box.kind == "radio":
            if box.checked or box.name not in radios:
                radios[box.name] = box.value if box.checked or box.name not in radios else ""
            continue
        if box.kind == "checkbox":
            if box.checked:
                data.setdefault(box.name, box.value or "y")
            continue
        if box.kind == "select":
            chosen = [v for v, selected in box.options if selected] or [v for v, _ in box.options]
            data[box.name] = chosen[0] if chosen else ""
            continue
        data[box.name] = box.value
    data.update({k: v for k, v in radios.items() if k not in data})
    data.update(fill)
    return {k: v for k, v in data.items() if v is not None}


def _refused(outcome: Outcome) -> bool:
    return any(ok is False for ok in outcome.seen.validated.values()) or outcome.status >= 400


def _refused_names(outcome: Outcome, form: HtmlForm) -> list[str]:
    """The HTML names of the fields the form complained about."""
    names = []
    for key in outcome.seen.errors:
        short = key.rsplit(".", 1)[1].replace("_*", "")
        names += [i.name for i in form.inputs if i.name == short or i.name.endswith("-" + short)]
        names += [i.name for i in form.inputs if short.endswith("_") is False and
                  re.fullmatch(re.escape(short) + r"_\d+", i.name)]  # fmt: skip
    return names
