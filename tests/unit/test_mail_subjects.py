"""Every e-mail subject is a lazy string, so it is rendered in the recipient's language.

`outbox.queue_template`, `notify` and `queue_mail` render the subject inside the recipient's
`force_locale`. A subject translated when it is queued (`_()`, an f-string, `%`, `.format`, a
plain literal) follows the language of whoever acted instead. This test walks consult/ with
`ast`, finds every call of those functions and of the helpers that forward a subject to them
(found here too, so a new helper is covered), and judges the subject argument. A variable is
followed to its assignments in the same function; what the test cannot judge (a parameter, an
attribute, another call) passes.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "consult"
# The functions that render a subject in the recipient's language: name -> its position. Those
# of consult/core/outbox.py, and groups/updates.py's `announce`, which renders the subject once
# per language of the subscribers (it writes the outbox rows in bulk, not through queue_mail).
SENDERS = {"queue_template": 1, "notify": 1, "queue_mail": 1, "announce": 2}
EAGER = {"_", "gettext", "ngettext", "pgettext", "npgettext"}
LAZY = {"_l", "lazy_gettext", "lazy_ngettext"}
# (path relative to consult/, line of the call) of subjects that are right although the test
# would refuse them. Empty: keep it so, or say here why an entry is right.
ALLOWED: set[tuple[str, int]] = set()


@dataclass(frozen=True)
class Site:
    path: str
    line: int
    callee: str
    problem: str | None


def _callee(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def _argument(call: ast.Call, position: int) -> ast.expr | None:
    if len(call.args) > position and not any(isinstance(a, ast.Starred) for a in call.args):
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == "subject"), None)


def judge(node: ast.expr, assignments: dict[str, list[ast.expr]], seen: frozenset = frozenset()):
    """Why `node` is not a lazy subject, or None when it is (or cannot be judged)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return "a plain string literal"
    if isinstance(node, ast.JoinedStr):
        return "an f-string"
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return "a string formatted with % when queued"
    if isinstance(node, ast.IfExp):
        return judge(node.body, assignments, seen) or judge(node.orelse, assignments, seen)
    if isinstance(node, ast.BoolOp):
        for value in node.values:
            problem = judge(value, assignments, seen)
            if problem:
                return problem
        return None
    if isinstance(node, ast.Name) and node.id not in seen:
        for value in assignments.get(node.id, []):
            problem = judge(value, assignments, seen | {node.id})
            if problem:
                return f"{node.id} = {problem}"
        return None
    if isinstance(node, ast.Call):
        name = _callee(node)
        if isinstance(node.func, ast.Attribute) and name == "format":
            return "a string formatted with .format() when queued"
        if isinstance(node.func, ast.Name) and name in EAGER:
            return f"translated when queued ({name}(...))"
        if isinstance(node.func, ast.Name) and name in LAZY:
            # The lazy string formats its arguments at render time: an argument translated
            # now would still be in the actor's language inside the recipient's subject.
            for keyword in node.keywords:
                problem = judge_argument(keyword.value)
                if problem:
                    return f"{name}(..., {keyword.arg}=<{problem}>)"
    return None


def judge_argument(node: ast.expr) -> str | None:
    """A format argument of a lazy subject: only an eager translation is wrong there."""
    if isinstance(node, ast.IfExp):
        return judge_argument(node.body) or judge_argument(node.orelse)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in EAGER:
        return f"translated when queued ({node.func.id}(...))"
    return None


def _functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def _assignments(function: ast.AST) -> dict[str, list[ast.expr]]:
    found: dict[str, list[ast.expr]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, []).append(node.value)
        elif (
            isinstance(node, ast.AnnAssign | ast.AugAssign)
            and isinstance(node.target, ast.Name)
            and node.value is not None
        ):
            found.setdefault(node.target.id, []).append(node.value)
    return found


def _parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    names = [a.arg for a in function.args.posonlyargs + function.args.args]
    if names and names[0] in ("self", "cls"):
        names = names[1:]
    return names


def find_forwarders(trees: dict[str, ast.Module], senders: dict[str, int]) -> dict[str, int]:
    """Senders plus every function that passes its own parameter on as the subject."""
    senders = dict(senders)
    changed = True
    while changed:
        changed = False
        for tree in trees.values():
            for function in _functions(tree):
                parameters = _parameters(function)
                for call in ast.walk(function):
                    if not isinstance(call, ast.Call) or _callee(call) not in senders:
                        continue
                    subject = _argument(call, senders[_callee(call) or ""])
                    if (
                        isinstance(subject, ast.Name)
                        and subject.id in parameters
                        and function.name not in senders
                    ):
                        senders[function.name] = parameters.index(subject.id)
                        changed = True
    return senders


def sites(trees: dict[str, ast.Module], senders: dict[str, int]) -> list[Site]:
    found = []
    for path, tree in trees.items():
        for function in _functions(tree):
            assignments = _assignments(function)
            nested = {id(c) for f in _functions(function) if f is not function for c in ast.walk(f)}
            for call in ast.walk(function):
                if id(call) in nested or not isinstance(call, ast.Call):
                    continue
                name = _callee(call)
                if name not in senders:
                    continue
                subject = _argument(call, senders[name])
                problem = judge(subject, assignments) if subject is not None else None
                found.append(Site(path, call.lineno, name, problem))
    return found


def parse(files: dict[str, str]) -> dict[str, ast.Module]:
    return {path: ast.parse(source, filename=path) for path, source in files.items()}


@pytest.fixture(scope="module")
def consult_trees() -> dict[str, ast.Module]:
    files = {
        str(p.relative_to(PACKAGE)): p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py")
    }
    return parse(files)


def test_every_subject_in_consult_is_lazy(consult_trees) -> None:
    senders = find_forwarders(consult_trees, SENDERS)
    found = sites(consult_trees, senders)
    wrong = [
        f"consult/{s.path}:{s.line}: {s.callee}(...) subject is {s.problem}"
        for s in found
        if s.problem and (s.path, s.line) not in ALLOWED
    ]
    assert not wrong, "subjects rendered in the actor's language:\n" + "\n".join(wrong)


def test_the_walk_sees_the_senders_and_their_forwarders(consult_trees) -> None:
    """Guard against a walk that silently finds nothing (then the test above proves nothing)."""
    senders = find_forwarders(consult_trees, SENDERS)
    # events' and updates' `_mail` and updates' `announce_once` forward a subject.
    assert {"_mail", "announce_once"} <= set(senders)
    assert senders["_mail"] == 1 and senders["announce_once"] == 3
    found = sites(consult_trees, senders)
    assert len(found) >= 45
    assert {s.path for s in found} >= {
        "events/services.py",
        "comments/moderating.py",
        "accounts/organisations.py",
        "adoption/signatory_reports.py",
        "groups/notifications.py",
    }
    stale = ALLOWED - {(s.path, s.line) for s in found if s.problem}
    assert not stale, f"allow-list entries that are no longer needed: {stale}"


BAD = {
    "eager": 'outbox.notify(user, _("Hello"), "t")',
    "eager keyword": 'outbox.notify(user, subject=gettext("Hello"), template="t")',
    "plural": 'queue_mail(a, ngettext("%(num)s x", "%(num)s xs", n), body)',
    "f-string": 'outbox.notify(user, f"{name} replied", "t")',
    "literal": 'outbox.queue_mail(a, "Hello", body)',
    "percent": 'outbox.notify(user, _("Hi %s") % name, "t")',
    "format": 'outbox.notify(user, "Hi {}".format(name), "t")',
    "either branch": 'outbox.notify(user, _l("a") if ok else _("b"), "t")',
    "variable": 'subject = _("Hi %(n)s", n=1)\n    outbox.notify(user, subject, "t")',
    "eager argument": 'outbox.notify(user, _l("Answered: %(o)s", o=_(word)), "t")',
    "forwarded": 'helper(user, _("Hi"))',
}
GOOD = {
    "lazy": 'outbox.notify(user, _l("Hello %(n)s", n=name), "t")',
    "lazy plural": 'outbox.notify(user, lazy_ngettext("%(num)s x", "%(num)s xs", n), "t")',
    "lazy branches": 'outbox.notify(user, _l("a") if ok else _l("b"), "t")',
    "variable": 'subject = _l("Hi")\n    outbox.notify(user, subject, "t")',
    "lazy argument": 'outbox.notify(user, _l("Answered: %(o)s", o=_l(word)), "t")',
    "unjudgeable": 'outbox.notify(user, message.subject, "t")',
    "forwarded": 'helper(user, _l("Hi"))',
}
HELPER = "def helper(user, subject):\n    outbox.queue_template(user, subject, 'x')\n"


def _judged(snippet: str) -> list[Site]:
    trees = parse({"case.py": f"{HELPER}\ndef case():\n    {snippet}\n"})
    found = sites(trees, find_forwarders(trees, SENDERS))
    return [s for s in found if s.callee != "queue_template"]


@pytest.mark.parametrize("snippet", BAD.values(), ids=BAD.keys())
def test_the_walk_refuses_a_subject_fixed_when_queued(snippet: str) -> None:
    judged = _judged(snippet)
    assert judged and all(s.problem for s in judged)


@pytest.mark.parametrize("snippet", GOOD.values(), ids=GOOD.keys())
def test_the_walk_accepts_a_lazy_subject(snippet: str) -> None:
    judged = _judged(snippet)
    assert judged and not any(s.problem for s in judged)
