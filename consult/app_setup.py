"""Wires extensions, blueprints, template helpers and hooks onto the app (used by create_app)."""

from __future__ import annotations

from flask import Flask, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from consult.core import i18n, permissions, text, timefmt
from consult.core.errors import register_error_handlers
from consult.core.inputs import register_input_guard
from consult.core.security import register_security_headers
from consult.extensions import babel, csrf, db, limiter, login_manager, migrate

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
COMMITTED_FLAG = "_consult_sqlite_committed"


def _sqlite_fixes(engine: Engine) -> None:
    """Foreign keys on, and let SQLAlchemy (not pysqlite) issue BEGIN so SAVEPOINTs work."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, connection_record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn):
        # A request that may write takes the write lock at BEGIN, where busy_timeout waits for
        # it. A deferred transaction that reads first and writes later cannot wait: when another
        # writer committed in between, SQLite fails at once with "database is locked".
        # Once the request has committed its work, what follows (reloading what the redirect
        # needs) only reads: it must not hold the lock while the response is built.
        if (
            has_request_context()
            and request.method not in READ_ONLY_METHODS
            and not g.get(COMMITTED_FLAG)
        ):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    @event.listens_for(engine, "commit")
    def on_commit(conn):
        if has_request_context():
            g.setdefault(COMMITTED_FLAG, True)


def configure(app: Flask) -> None:
    import consult.models  # noqa: F401 - every model registered before mappers configure
    from consult.attachments.models import EXTRACTED_TEXT_MAX
    from consult.comments.models import COMMENT_TEXT_MAX
    from consult.core.numbers import BoundedIntConverter

    # Configured maxima must fit the columns that store the text (issue 12, defect 6).
    for setting, column_max in (
        ("COMMENT_MAX_LENGTH", COMMENT_TEXT_MAX),
        ("ATTACHMENT_MAX_CHARS", EXTRACTED_TEXT_MAX),
    ):
        if int(app.config.get(setting, 0)) > column_max:
            raise RuntimeError(f"{setting} may be at most {column_max:,} (its column's limit)")

    # Before any blueprint adds a rule: every <int:...> in the URL map is bounded.
    app.url_map.converters["int"] = BoundedIntConverter

    db.init_app(app)
    migrate.init_app(app, db, directory="migrations")
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        timezone_selector=i18n.select_timezone,
        default_translation_directories=i18n.TRANSLATIONS_DIR,
    )
    with app.app_context():
        _sqlite_fixes(db.engine)

    register_error_handlers(app)
    register_security_headers(app)
    register_input_guard(app)

    app.jinja_env.globals.update(permissions.TEMPLATE_GLOBALS)
    app.jinja_env.globals["site_name"] = app.config["SITE_NAME"]
    app.jinja_env.globals["current_language"] = i18n.current_language
    app.jinja_env.globals["lang_of"] = i18n.lang_of
    app.jinja_env.globals["in_language"] = i18n.in_language
    app.jinja_env.globals["content_language"] = i18n.SOURCE_LANGUAGE
    app.jinja_env.globals["language_links"] = i18n.language_links
    app.before_request(i18n.fresh_locale)
    app.after_request(i18n.vary_on_language)
    from consult.drafts.models import SECTION_KIND_LABELS

    app.jinja_env.globals["section_kinds"] = SECTION_KIND_LABELS
    app.jinja_env.filters["markdown"] = text.render
    app.jinja_env.filters["excerpt"] = text.excerpt
    app.jinja_env.filters["markdown_excerpt"] = text.render_excerpt
    app.jinja_env.filters["datetime"] = timefmt.format_datetime
    app.jinja_env.filters["date"] = timefmt.format_date
    app.jinja_env.filters["iso"] = timefmt.iso
    app.jinja_env.filters["number"] = timefmt.format_number

    from consult import cli
    from consult.accounts.views import admin_bp
    from consult.accounts.views import bp as accounts_bp
    from consult.adoption.views import bp as adoption_bp
    from consult.api.views import bp as api_bp
    from consult.api.views import docs_bp as api_docs_bp
    from consult.comments.views import bp as comments_bp
    from consult.core.views import bp as core_bp
    from consult.drafts.views import bp as drafts_bp
    from consult.events.views import bp as events_bp
    from consult.feeds.views import bp as feeds_bp
    from consult.groups.update_views import bp as updates_bp
    from consult.groups.views import bp as groups_bp
    from consult.moderation.views import bp as moderation_bp
    from consult.opendata.views import bp as opendata_bp
    from consult.search import indexing  # noqa: F401 - listeners keep the index in step
    from consult.search.views import bp as search_bp

    for blueprint in (
        core_bp, accounts_bp, admin_bp, groups_bp, drafts_bp, comments_bp, moderation_bp,
        api_bp, api_docs_bp, opendata_bp, search_bp, feeds_bp, adoption_bp,
        events_bp, updates_bp,
    ):  # fmt: skip
        app.register_blueprint(blueprint)
    cli.register(app)
    from consult.attachments.views import setup as setup_attachments

    setup_attachments(app)
