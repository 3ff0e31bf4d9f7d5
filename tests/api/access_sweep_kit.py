"""The access sweep's tools: a signed-in page client or bearer-token API client per demo login, each
route's URL built from the objects of department A, and a fingerprint of the database that shows
whether a refused write changed anything."""
from __future__ import annotations

import hashlib
import re

from sqlalchemy import MetaData, select

from engine.db import db
from engine.organisation import directory as org
from tests.api.test_pages import csrf, page_client

META = re.compile(rb'<meta name="csrf-token" content="([^"]+)"')
# Non-id URL values: one valid value per argument name (objects come from access_world.build).
DEFAULTS = {"kind": "receipt", "name": "office_end", "year": 2026, "day": "2026-12-01", "code": "en", "fmt": "json",
            "rest": "nothing", "filename": "css/app.css", "target": "contacts"}
# A valid <action> per endpoint: an unknown one would get 422 before the access check answers.
ACTIONS = {"campaigns.move": "pause", "knowledge.change_state": "submit", "conferences.member_action": "mute"}
# Tables a request may touch without changing anything of the objects' (sessions, caches, rate limits).
VOLATILE = {"api_token", "alembic_version", "telephony_state", "user_account"}


def url_of(rule, values: dict) -> str:
    args = {**DEFAULTS, **values}
    if rule.endpoint in ACTIONS:
        args["action"] = ACTIONS[rule.endpoint]
    # an argument nobody gave a value for (a route newer than the sweep) gets "1"; its rule is missing anyway
    return rule.build({name: args.get(name, "1") for name in rule.arguments}, append_unknown=False)[1]


def is_api(rule) -> bool:
    return rule.rule.startswith("/api/")


class Clients:
    """One client per login, made on first use: pages sign in through /login, the API uses a token."""

    def __init__(self, app):
        self.app = app
        self.pages: dict[str, tuple] = {}
        self.tokens: dict[str, str] = {}

    def page(self, login: str | None):
        """(client, CSRF token) of a signed-in user, or of an anonymous visitor when login is None."""
        if login not in self.pages:
            client = page_client(self.app)
            if login is None:
                token = csrf(client, "/login")
            else:
                res = client.post("/login", data={"username": login, "password": "12345demo",
                                                  "csrf_token": csrf(client, "/login")})
                assert res.status_code == 302, (login, res.status_code)
                token = next(m.group(1).decode() for m in (META.search(client.get(p).data) for p in ("/inbox", "/cases"))
                             if m)
            self.pages[login] = (client, token)
        return self.pages[login]

    def call(self, login: str | None, rule, method: str, url: str, form: dict | None = None):
        """The response to one request as `login` (None: anonymous), with a valid CSRF token."""
        if is_api(rule):
            headers = {}
            if login is not None:
                if login not in self.tokens:
                    self.tokens[login] = org.create_token(username=login)
                headers["Authorization"] = f"Bearer {self.tokens[login]}"
            client = self.app.test_client()
            body = {"json": form or {}} if method in ("POST", "PUT") else {}
            return client.open(url, method=method, headers=headers, **body)
        client, token = self.page(login)
        if method == "GET":
            return client.get(url)
        return client.open(url, method=method, data={**(form or {}), "csrf_token": token}, headers={"X-CSRFToken": token})


def fingerprint() -> dict[str, str]:
    """A digest of every table's rows (the volatile ones left out): equal before and after means
    nothing changed."""
    db.session.rollback()
    meta = MetaData()
    meta.reflect(bind=db.engine)
    out = {}
    for name, table in sorted(meta.tables.items()):
        if name in VOLATILE:
            continue
        rows = db.session.execute(select(table)).all()
        digest = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
        out[name] = digest
    db.session.rollback()
    return out


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))
