"""Test fixtures: a fresh database (TEST_DATABASE_URL, or SQLite), migrated and seeded once.

PostgreSQL: the database named in TEST_DATABASE_URL is dropped and created anew for the run.
Under pytest-xdist (`make test` runs `-n 2`) each worker has its own: `<name>_gw0`, `<name>_gw1`
(SQLite files, instance folders and ports are per worker already: tmp_path_factory, free ports).
Each test starts with no cases; the demo organisation and the case process stay.
"""
from __future__ import annotations

import os

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.engine import make_url

from api import create_app
from engine import demo
from engine.db import db
from engine.models import (
    AccountabilityRecord,
    AgentStatus,
    ApiToken,
    Attachment,
    CallCdr,
    CallFeed,
    CallRecord,
    Case,
    CaseDepartment,
    CaseEvent,
    CaseNumberCounter,
    CitizenRating,
    ConfigChange,
    Deadline,
    Department,
    KpiDay,
    KpiMonth,
    NaturalCompletion,
    Notification,
    OvertimeReport,
    Parameter,
    ProcessVersion,
    Reexamination,
    RollupState,
    TelephonyCommand,
    TelephonyState,
    Urge,
    WorkItem,
)
from engine.organisation import directory as org
from engine.organisation.actor import actor_from_user
from engine.processes import versions as processes

# Cheap password hashes in the test processes and the servers they start (the suite seeds dozens of
# users many times and signs in hundreds of times); engine/organisation/passwords.py says why.
os.environ.setdefault("PASSWORD_HASH_METHOD", "scrypt:1024:8:1")


def _fresh_postgres(url: str) -> str:
    import psycopg

    parsed = make_url(url)
    name = parsed.database
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


CDR_PASSWORD = "test-cdr-secret"   # what the tests' simulated switch posts CDRs with

# Under pytest-xdist (`make test`: --dist loadfile --no-loadscope-reorder hands out whole files in
# collection order) the files that take minutes go first, so none is left running alone at the end.
SLOW_FILES = ("tests/api/test_fuzz.py", "tests/browser/test_walkthrough.py", "tests/browser/test_diagram.py",
              "tests/engine/imports/test_import_runner.py", "tests/api/test_language.py")


def pytest_collection_modifyitems(config, items):
    if os.environ.get("PYTEST_XDIST_WORKER"):       # one process: the order stays as collected
        items.sort(key=lambda item: item.nodeid.split("::")[0] not in SLOW_FILES)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url and url.startswith("postgres"):
        worker = os.environ.get("PYTEST_XDIST_WORKER")      # gw0, gw1, ... under pytest-xdist
        if worker:
            parsed = make_url(url)
            url = parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)
        return _fresh_postgres(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _compile_translations() -> None:
    """The Chinese UI catalogue, as `make translations` builds it (for runs of bare pytest)."""
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in Path(__file__).resolve().parents[1].glob("api/translations/*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            part = mo.with_suffix(f".mo.{os.getpid()}")    # xdist workers: never read a half-written file
            with po.open("rb") as src, part.open("wb") as dst:
                write_mo(dst, read_po(src))
            part.replace(mo)


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    from flask_migrate import upgrade

    _compile_translations()
    os.environ.setdefault("INSTANCE_PATH", str(tmp_path_factory.mktemp("instance")))
    application = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
                              "TELEPHONY_CDR_PASSWORD": CDR_PASSWORD})
    with application.app_context():
        upgrade()                       # the migrations, not create_all: they are under test too
        demo.seed(with_cases=False)
    return application


@pytest.fixture(autouse=True)
def _clean(app):
    """Every test starts without cases and with only the first process version."""
    with app.app_context():
        yield
        db.session.rollback()
        db.session.execute(update(Case).values(merged_into_id=None))
        from engine.models import ChannelClient, Open311Request  # Open311 (issue 14): before the cases
        for model in (Open311Request, ChannelClient):
            db.session.execute(delete(model))
        for table in ("inbound_sms", "web_submission", "phone_verification"): db.session.execute(text(f"DELETE FROM {table}"))  # web form, SMS
        db.session.execute(text("DELETE FROM inbound_mail")); db.session.execute(text("DELETE FROM imap_cursor"))  # mailbox
        for table in ("call_note", "contact_link", "contact_merge", "contact_tag", "contact_phone", "contact_cursor", "import_error", "import_job"): db.session.execute(text(f"DELETE FROM {table}"))  # contacts, imports (issue 15)
        db.session.execute(text("UPDATE contact SET merged_into_id = NULL")); db.session.execute(text("DELETE FROM contact"))
        for table in ("conference_member", "conference"): db.session.execute(text(f"DELETE FROM {table}"))  # conferences (issue 18)
        for model in (CitizenRating, Reexamination, AccountabilityRecord, CallRecord, CallFeed, CallCdr, TelephonyCommand, AgentStatus, TelephonyState, WorkItem, Attachment, OvertimeReport, NaturalCompletion, Deadline, Urge, CaseEvent, CaseDepartment, Notification, Case,
                      CaseNumberCounter, ApiToken, KpiDay, KpiMonth):
            db.session.execute(delete(model))
        db.session.execute(delete(Parameter).where(Parameter.name.like("notice.%")))   # texts a test edited
        db.session.execute(delete(Parameter).where(Parameter.name.like("accountability.%")))
        db.session.execute(update(RollupState).values(first_day=None, last_day=None, swept_on=None))  # no rollup
        db.session.execute(delete(Parameter).where(Parameter.name.like("statistics.%")))
        first = db.session.execute(text("SELECT min(id) FROM process_version")).scalar()
        db.session.execute(delete(ProcessVersion).where(ProcessVersion.id != first))
        db.session.execute(update(ProcessVersion).where(ProcessVersion.id == first).values(state="published"))
        db.session.execute(delete(ConfigChange).where(ConfigChange.area == "process"))
        db.session.commit()
        processes.REGISTRY.clear()      # SQLite may reuse a deleted version's id
        processes._forms.clear()        # ... and so may a version's uploaded forms (reexamination's)
        processes.forget_current()
        from engine.channels import open311_services
        open311_services.forget()       # a test may have changed the matter catalogue
        from engine.organisation import token_cache
        token_cache.clear()             # every token is deleted above; a user a test changed by SQL is fresh
        from engine.screening import matcher
        matcher.forget()                # a test may have written the risk lists by SQL


@pytest.fixture(scope="session")
def live_server(app):
    """The app on http://127.0.0.1:<free port> from a thread (browsers, the switch's CDR posts)."""
    from api.threaded_server import ThreadedServer

    server = ThreadedServer(app)
    yield server.start()
    server.stop()


@pytest.fixture
def is_postgres(app) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


@pytest.fixture
def actor(app):
    """actor('dispatcher') -> the Actor of a demo login."""
    def make(login: str):
        return actor_from_user(org.get_user(login))
    return make


@pytest.fixture
def dept(app):
    """dept('zjj') -> the id of a demo department by code."""
    def find(code: str) -> int:
        return db.session.execute(db.select(Department.id).where(Department.code == code)).scalar_one()
    return find


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def api(client):
    """api('agent').post('/api/v1/cases', json=...) with that user's bearer token."""
    tokens: dict[str, str] = {}

    class As:
        def __init__(self, login):
            if login not in tokens:
                tokens[login] = org.create_token(username=login)
            self.headers = {"Authorization": f"Bearer {tokens[login]}"}

        def __getattr__(self, method):
            call = getattr(client, method)
            return lambda url, **kw: call(url, headers={**self.headers, **kw.pop("headers", {})}, **kw)

    return As
