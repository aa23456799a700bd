"""The JSON API: what each reader sees, tokens, errors, caching, CORS and pagination."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import g

from consult.api.models import ApiToken
from consult.api.tokens import create_token, hash_token, revoke_token
from consult.db import utcnow
from consult.extensions import db, limiter
from tests import factories
from tests.web.test_moderation_support import build_consultation, login

API = "/api/v1"


def _token(user) -> str:
    _, secret = create_token(user, "tests")
    db.session.commit()
    return secret


def _get(client, path: str, token: str | None = None, **headers):
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.get(path, headers=headers)


def _comments_url(c, index: int = 0) -> str:
    key = c.sections[index].provision.key
    return f"{API}/documents/{c.slug}/versions/{c.version.number}/provisions/{key}/comments"


def test_anonymous_reader_sees_public_documents_versions_and_provisions(client, db):
    c = build_consultation(comments=2)
    hidden_doc = factories.DocumentFactory(group=c.group, visibility="members")
    db.session.commit()
    slugs = [d["slug"] for d in _get(client, f"{API}/documents").get_json()["items"]]
    assert c.slug in slugs and hidden_doc.slug not in slugs
    document = _get(client, f"{API}/documents/{c.slug}").get_json()
    assert [v["number"] for v in document["versions"]] == [1]
    provisions = _get(client, f"{API}/documents/{c.slug}/versions/1/provisions").get_json()
    assert [p["key"] for p in provisions["items"]] == ["c1-m1", "c1-m2", "c1-m3"]
    assert provisions["items"][0]["body"] == c.sections[0].body
    group = _get(client, f"{API}/groups/{c.group.slug}").get_json()
    assert [d["slug"] for d in group["documents"]] == [c.slug]


@pytest.mark.parametrize(
    ("role", "sees_members_only"),
    [("visitor", False), ("stakeholder", False), ("observer", True), ("member", True),
     ("moderator", True), ("chair", True), ("other_chair", False), ("admin", True)],
)  # fmt: skip
def test_members_only_documents_per_role(client, db, role, sees_members_only):
    from tests.conftest import make_user_for_role

    group = factories.GroupFactory()
    document = factories.DocumentFactory(group=group, visibility="members")
    factories.VersionFactory(document=document, number=1)
    token = None
    if role != "visitor":
        token = _token(make_user_for_role(role, group))
    db.session.commit()
    expected = 200 if sees_members_only else 404
    assert _get(client, f"{API}/documents/{document.slug}", token).status_code == expected
    version = _get(client, f"{API}/documents/{document.slug}/versions/1", token)
    assert version.status_code == expected
    listed = [d["slug"] for d in _get(client, f"{API}/documents", token).get_json()["items"]]
    assert (document.slug in listed) is sees_members_only


def test_version_in_editing_is_seen_by_its_moderators_only(client, db):
    c = build_consultation(comments=0)
    factories.VersionFactory(document=c.document, number=2, status="editing")
    stakeholder = factories.UserFactory()
    db.session.commit()
    url = f"{API}/documents/{c.slug}/versions/2"
    assert _get(client, url).status_code == 404
    assert _get(client, url, _token(stakeholder)).status_code == 404
    assert _get(client, url, _token(c.moderator)).status_code == 200


def test_confidential_comments_reach_their_author_and_moderators_only(client, db):
    c = build_consultation(comments=1)
    author = factories.UserFactory()
    secret = factories.CommentFactory(section=c.sections[0], author=author, is_confidential=True)
    db.session.commit()
    url = _comments_url(c)

    def ids(token=None):
        return [item["id"] for item in _get(client, url, token).get_json()["items"]]

    assert secret.id not in ids()
    assert secret.id not in ids(_token(factories.UserFactory()))
    assert secret.id in ids(_token(author))
    assert secret.id in ids(_token(c.moderator))


def test_the_session_cookie_does_not_sign_in_to_the_api(client, db):
    c = build_consultation(comments=0)
    author = factories.UserFactory()
    secret = factories.CommentFactory(section=c.sections[0], author=author, is_confidential=True)
    login(client, author)
    page = client.get(_comments_url(c)).get_json()
    assert secret.id not in [item["id"] for item in page["items"]]


def test_hidden_comment_keeps_its_place_without_its_text(client, db):
    c = build_consultation(comments=1)
    hidden = factories.CommentFactory(
        section=c.sections[0], state="hidden", body="Abusive text", hidden_reason="Abuse"
    )
    db.session.commit()
    items = _get(client, _comments_url(c)).get_json()["items"]
    shown = next(item for item in items if item["id"] == hidden.id)
    assert shown["state"] == "hidden" and shown["body"] is None and shown["author"] is None
    moderator_view = _get(client, _comments_url(c), _token(c.moderator)).get_json()["items"]
    assert next(i for i in moderator_view if i["id"] == hidden.id)["body"] == "Abusive text"


def test_endorsements_per_category_and_disposition(client, db):
    c = build_consultation(comments=1)
    comment = c.comments[0]
    sme = factories.UserFactory(organisation=factories.OrganisationFactory(
        category=factories.category("sme")))  # fmt: skip
    factories.EndorsementFactory(comment=comment, stance="support", category_id=sme.category.id)
    factories.EndorsementFactory(comment=comment, stance="oppose", category_id=None)
    factories.DispositionFactory(comment=comment, outcome="accepted", rationale="Taken up.")
    db.session.commit()
    item = _get(client, _comments_url(c)).get_json()["items"][0]
    assert item["endorsements"] == {
        "support": [{"category": "sme", "count": 1}],
        "oppose": [{"category": None, "count": 1}],
    }
    assert item["disposition"]["outcome"] == "accepted"
    dispositions = _get(client, f"{API}/documents/{c.slug}/versions/1/dispositions").get_json()
    assert [d["comment_id"] for d in dispositions["items"]] == [comment.id]


def test_cursor_pagination_walks_every_comment_once(client, db):
    c = build_consultation(comments=0)
    made = [factories.CommentFactory(section=c.sections[0]) for _ in range(7)]
    db.session.commit()
    seen: list[int] = []
    url = _comments_url(c) + "?limit=3"
    while url:
        page = client.get(url).get_json()
        seen += [item["id"] for item in page["items"]]
        url = page["next_url"]
    assert seen == [m.id for m in made]


@pytest.mark.parametrize("query", ["?cursor=not-a-cursor", "?limit=0", "?limit=101", "?limit=x"])
def test_bad_paging_answers_400_in_the_error_shape(client, db, query):
    c = build_consultation(comments=0)
    db.session.commit()
    response = client.get(_comments_url(c) + query)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_errors_have_one_json_shape(client, db):
    c = build_consultation(comments=0)
    db.session.commit()
    missing = client.get(f"{API}/documents/nope")
    assert missing.status_code == 404 and missing.is_json
    assert missing.get_json() == {
        "error": {
            "status": 404,
            "code": "not_found",
            "message": "Nothing here, or nothing you may see.",
        }
    }
    assert client.get(f"{API}/no/such/thing").get_json()["error"]["code"] == "not_found"
    post = client.post(f"{API}/documents/{c.slug}")
    assert post.status_code == 405 and post.get_json()["error"]["code"] == "method_not_allowed"
    same = client.get(f"{API}/documents/{c.slug}/versions/1/compare/1")
    assert same.status_code == 400 and same.is_json


def test_unexpected_failure_is_a_json_500(client, db, monkeypatch):
    from consult.drafts import queries

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(queries, "get_document", broken)
    response = client.get(f"{API}/documents/anything")
    assert response.status_code == 500
    assert response.get_json()["error"] == {
        "status": 500,
        "code": "server_error",
        "message": "Something went wrong on our side; it has been logged.",
    }


def test_unknown_or_revoked_token_is_401(client, db):
    user = factories.UserFactory()
    token, secret = create_token(user, "notebook")
    db.session.commit()
    assert (
        client.get(f"{API}/groups", headers={"Authorization": f"Bearer {secret}"}).status_code
        == 200
    )
    for header in ("Bearer cst_wrong", "Basic abc", "Bearer "):
        response = client.get(f"{API}/groups", headers={"Authorization": header})
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.get_json()["error"]["code"] == "unauthorized"
    revoke_token(user, token)
    db.session.commit()
    assert (
        client.get(f"{API}/groups", headers={"Authorization": f"Bearer {secret}"}).status_code
        == 401
    )
    user.is_disabled = True
    _, other = create_token(user, "second")
    db.session.commit()
    assert (
        client.get(f"{API}/groups", headers={"Authorization": f"Bearer {other}"}).status_code == 401
    )


def test_etag_answers_304_and_published_text_is_cacheable(client, db):
    c = build_consultation(comments=0)
    db.session.commit()
    url = f"{API}/documents/{c.slug}/versions/1/provisions"
    first = client.get(url)
    assert first.headers["Cache-Control"] == "public, max-age=86400"
    etag = first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert "Authorization" in first.headers["Vary"]
    with_token = _get(client, url, _token(c.moderator))
    assert with_token.headers["Cache-Control"] == "private, no-cache"


def test_cors_for_anonymous_answers_only(client, db):
    c = build_consultation(comments=0)
    db.session.commit()
    anonymous = client.get(f"{API}/documents/{c.slug}", headers={"Origin": "https://else.example"})
    assert anonymous.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in anonymous.headers
    with_token = _get(client, f"{API}/documents/{c.slug}", _token(c.moderator))
    assert "Access-Control-Allow-Origin" not in with_token.headers
    preflight = client.options(f"{API}/documents/{c.slug}")
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "Authorization" not in preflight.headers["Access-Control-Allow-Headers"]


def test_rate_limit_answers_429_in_the_error_shape(app, db):
    from consult import create_app

    db.session.commit()
    limited = create_app(
        "testing",
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        API_RATE_LIMIT="2 per minute",
    )
    limiter.reset()
    try:
        client = limited.test_client()
        statuses = [client.get(f"{API}/groups").status_code for _ in range(3)]
        last = client.get(f"{API}/groups")
    finally:
        limiter.reset()
        limiter.enabled = False  # the limiter is a singleton: leave it off for other tests
        with limited.app_context():
            db.engine.dispose()
    assert statuses == [200, 200, 429]
    assert last.get_json()["error"]["code"] == "too_many_requests"
    assert "Retry-After" in last.headers or "X-RateLimit-Reset" in last.headers


def test_comparison_and_report(client, db):
    from tests.web.test_moderation_report import _with_next_version

    c = build_consultation(comments=2)
    factories.DispositionFactory(comment=c.comments[0], outcome="accepted")
    _with_next_version(c)
    db.session.commit()
    comparison = client.get(f"{API}/documents/{c.slug}/versions/2/compare/1").get_json()
    assert (comparison["old"], comparison["new"]) == (1, 2)
    edited = next(row for row in comparison["rows"] if row["key"] == "c1-m1")
    assert edited["status"] == "edited" and edited["because_of"] == [c.comments[0].id]
    report = client.get(f"{API}/documents/{c.slug}/versions/1/report").get_json()
    assert {row["comment_id"] for row in report["items"]} == {x.id for x in c.comments}
    assert report["total"]["counts"] == {"accepted": 1, "undecided": 1}


def test_api_comments_page_has_a_bounded_number_of_queries(client, db, count_queries):
    c = build_consultation(comments=0)
    for _ in range(3):
        factories.CommentFactory(section=c.sections[0])
    db.session.commit()
    with count_queries() as few:
        client.get(_comments_url(c))
    for _ in range(20):
        factories.EndorsementFactory(comment=factories.CommentFactory(section=c.sections[0]))
    db.session.commit()
    with count_queries() as many:
        client.get(_comments_url(c))
    assert many.count == few.count


# --- tokens on the profile page -----------------------------------------------------------


def test_token_is_shown_once_and_stored_hashed(client, db):
    user = factories.UserFactory()
    login(client, user)
    response = client.post("/me/tokens", data={"token-name": "Research notebook"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    token = db.session.query(ApiToken).filter_by(user_id=user.id).one()
    page = response.get_data(as_text=True)
    secret = page.split('id="new-token">')[1].split("<")[0]
    assert token.token_hash == hash_token(secret) and secret not in token.token_hash
    assert (
        client.get(f"{API}/groups", headers={"Authorization": f"Bearer {secret}"}).status_code
        == 200
    )
    g.pop("_login_user", None)
    profile = client.get("/me/profile").get_data(as_text=True)
    assert "Research notebook" in profile and secret not in profile


def test_token_name_is_required_and_bounded(client, db):
    login(client, factories.UserFactory())
    empty = client.post("/me/tokens", data={"token-name": ""})
    assert empty.status_code == 400 and "Enter a name for the token" in empty.get_data(as_text=True)
    long = client.post("/me/tokens", data={"token-name": "x" * 81})
    assert long.status_code == 400 and "at most 80" in long.get_data(as_text=True)


def test_revoking_a_token_and_not_someone_elses(client, db):
    owner = factories.UserFactory()
    token, secret = create_token(owner, "laptop")
    login(client, factories.UserFactory())
    assert client.post(f"/me/tokens/{token.id}/revoke").status_code == 404
    login(client, owner)
    response = client.post(f"/me/tokens/{token.id}/revoke")
    assert response.status_code == 302
    db.session.refresh(token)
    assert token.revoked_at is not None
    assert (
        client.get(f"{API}/groups", headers={"Authorization": f"Bearer {secret}"}).status_code
        == 401
    )


def test_token_forms_need_csrf(csrf_app, client, db):
    login(client, factories.UserFactory())
    assert client.post("/me/tokens", data={"token-name": "x"}).status_code == 400


def test_token_use_is_recorded_at_most_hourly(client, db):
    user = factories.UserFactory()
    token, secret = create_token(user, "cron")
    db.session.commit()
    client.get(f"{API}/groups", headers={"Authorization": f"Bearer {secret}"})
    db.session.refresh(token)
    first = token.last_used_at
    assert first is not None and utcnow() - first < timedelta(minutes=1)
    client.get(f"{API}/groups", headers={"Authorization": f"Bearer {secret}"})
    db.session.refresh(token)
    assert token.last_used_at == first


def test_human_page_lists_every_endpoint_with_an_example(client, db):
    from consult.api.http import OPERATIONS

    page = client.get("/api/").get_data(as_text=True)
    assert page.count("<h1") == 1
    for op in OPERATIONS:
        assert f"GET /api/v1{op.path}" in page and op.example in page
    assert "Authorization: Bearer" in page
