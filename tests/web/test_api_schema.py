"""Property-based test of the API against its own OpenAPI document (Schemathesis, in-process).

Schemathesis reads /api/v1/openapi.json from the WSGI app, generates requests for every
operation (the documented examples first, which name the data built below) and checks that
no answer is a server error and that every answer matches the documented status codes,
content types, headers and schemas. Strategies are driven with Hypothesis directly, because
Schemathesis' pytest integration (from_fixture) does not run under pytest 9.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from consult.events import services
from consult.extensions import db as _db
from tests import factories
from tests.web.test_events_files import _event, _with_file
from tests.web.test_moderation_report import _with_next_version
from tests.web.test_moderation_support import build_consultation

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api_schema(app, db):
    """The examples' data: group transparency-copyright, document transparency, versions 1-2,
    event 1."""
    c = build_consultation(comments=4)
    c.group.slug = "transparency-copyright"
    c.document.slug = "transparency"
    factories.DispositionFactory(comment=c.comments[0], outcome="accepted")
    factories.DispositionFactory(comment=c.comments[1], outcome="duplicate",
                                 duplicate_of_id=c.comments[0].id)  # fmt: skip
    factories.CommentFactory(section=c.sections[0], is_confidential=True)
    factories.CommentFactory(section=c.sections[0], state="hidden", hidden_reason="Spam")
    factories.EndorsementFactory(comment=c.comments[0])
    v2 = _with_next_version(c)
    for section in _db.session.scalars(
        _db.select(factories.Section).where(factories.Section.version_id == v2.id)
    ):
        reply_to = factories.CommentFactory(section=section)
        factories.CommentFactory(section=section, parent_id=reply_to.id, root_id=reply_to.id,
                                 depth=1)  # fmt: skip
    event, chair = _event(c.group)  # /api/v1/events/1: a past meeting with its outcome
    _with_file(event, chair)
    services.ask_question(event, c.comments[0].author, "Is the template final?", None)
    _db.session.commit()
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


EXAMPLES_PER_OPERATION = 15


def test_api_conforms_to_its_schema(api_schema):
    """Every operation: its documented examples, then generated requests (bounded)."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:
        for strategy in [*operation.get_strategies_from_examples(), operation.as_strategy()]:

            @given(case=strategy)
            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                derandomize=True,
                database=None,
            )
            def check(case):
                case.call_and_validate(checks=CHECKS)

            check()
