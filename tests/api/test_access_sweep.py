"""The access sweep: every route of `app.url_map` against its rule in tests/access_rules.py.

- every endpoint has a rule and every rule an endpoint (a new route without a rule fails here);
- anonymous: 401 on the API and the JSON/stream endpoints, a redirect to sign-in on the pages
  (public and credential routes excepted, each with its reason);
- a signed-in role without the right, and a holder of the right outside the object's scope
  (department B's users on department A's objects, another agent on an agent's own), get 403/404
  for every method — writes with a valid CSRF token, so the access check is what answers — and
  the database is unchanged after all those refused writes;
- one holder of the right gets through each GET (the rule is not stricter than the product);
- the masking rule: on a confidential case, a user who may see the case but not the citizen's
  personal data gets neither the recording nor the citizen's attachments.
"""
from __future__ import annotations

import pytest

from engine.organisation import directory as org
from tests.access_rules import ID_OBJECTS, RULES, Rule
from tests.api import access_world
from tests.api.access_sweep_kit import Clients, changed, fingerprint, is_api, url_of
from tests.api.test_call_pages import recordings  # noqa: F401  (fixture)
from tests.api.test_pages import _fresh_limits  # noqa: F401  (fixture)

# One login per role (department roles: department A's, then department B's).
REPRESENTATIVES = ["admin", "agent", "dispatcher", "shift_lead", "supervisor", "leader", "visitor", "designer",
                   "analyst", "dh_hb_handler", "dh_hb_leader", "xs_xs_handler", "xs_xs_leader"]
WRITES = ("POST", "PUT", "PATCH", "DELETE")
REFUSED = (403, 404)


def methods(rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


@pytest.fixture(scope="module")
def login_roles(app):
    with app.app_context():
        from engine.organisation.actor import actor_from_user
        return {login: set(actor_from_user(org.get_user(login)).roles) for login in REPRESENTATIVES}


@pytest.fixture
def world(app, actor, dept, recordings):  # noqa: F811
    values = access_world.build(actor, dept, recordings)
    yield values
    access_world.remove()


def routes(app):
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule))


def full_url(url_rule, rule: Rule, values: dict) -> str:
    return url_of(url_rule, values) + rule.query.format(**values)


def outsiders(rule: Rule, method: str, login_roles: dict) -> list[str]:
    """Who must be refused: the first center and the first department login without the right
    (for this method), and the rule's logins outside the object's scope."""
    allowed = set(rule.writes if method in WRITES and rule.writes else rule.roles)
    picked = []
    for group in (REPRESENTATIVES[:9], REPRESENTATIVES[9:]):
        picked += [login for login in group if not login_roles[login] & allowed][:1]
    return picked + [login for login in rule.out if login not in picked]


def insider(rule: Rule, login_roles: dict) -> str | None:
    if rule.ok is None or rule.access in ("public", "credential"):
        return None
    if rule.ok:
        return rule.ok
    if rule.obj and rule.access == "signed_in":
        return "dh_hb_handler"          # department A's own handler sees department A's objects
    return next(login for login in REPRESENTATIVES if login_roles[login] & set(rule.roles))


def send(clients, login, url_rule, rule: Rule, method: str, values: dict):
    form = {name: value.format(**values) for name, value in rule.form}
    return clients.call(login, url_rule, method, full_url(url_rule, rule, values), form=form)


# --- the table and the map agree -------------------------------------------------------------------
def test_every_route_has_a_rule_and_every_rule_a_route(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules()}
    assert sorted(endpoints - set(RULES)) == [], "routes without an access rule (add them to tests/access_rules.py)"
    assert sorted(set(RULES) - endpoints) == [], "rules of endpoints that no longer exist"
    for name, rule in RULES.items():
        assert rule.access in ("public", "credential") or rule.roles, name
        assert rule.access != "public" or rule.reason, f"{name}: a public route says why"


def test_every_id_in_a_path_names_an_object_the_sweep_makes(app):
    unknown = sorted({(r.endpoint, arg) for r in app.url_map.iter_rules() for arg in r.arguments
                      if arg.endswith("_id") and arg not in ID_OBJECTS})
    assert unknown == [], "ids without an object of department A (add one to access_world and ID_OBJECTS)"
    for url_rule in app.url_map.iter_rules():
        rule = RULES.get(url_rule.endpoint)
        ids = [arg for arg in url_rule.arguments if arg in ID_OBJECTS and arg not in ("call_id", "member")]
        if rule and ids and rule.access not in ("public", "credential"):
            assert rule.obj is not None, f"{url_rule.endpoint}: names an id but its rule names no object"


# --- anonymous ------------------------------------------------------------------------------------
def test_anonymous_users_are_refused_everywhere_but_the_public_routes(app, world):
    clients, wrong = Clients(app), []
    for url_rule in routes(app):
        rule = RULES[url_rule.endpoint]
        for method in methods(url_rule):
            res = send(clients, None, url_rule, rule, method, world)
            to_login = res.status_code == 302 and "/login" in (res.location or "")
            if rule.access == "public":
                ok = res.status_code < 500          # whatever it answers, it is its own
            elif rule.access == "credential":
                ok = res.status_code in (401, 403)
            elif is_api(url_rule):
                ok = res.status_code == 401
            else:
                ok = to_login or res.status_code == 401
            if not ok:
                wrong.append((method, url_rule.rule, res.status_code, res.location))
    assert wrong == [], "\n".join(map(str, wrong))


# --- signed in without the right ------------------------------------------------------------------
def test_users_without_the_right_or_outside_the_scope_are_refused_and_nothing_changes(app, world, login_roles):
    clients, wrong = Clients(app), []
    for login in REPRESENTATIVES:
        clients.page(login)                 # sign in first: signing in writes its own rows
    before = fingerprint()
    for url_rule in routes(app):
        rule = RULES[url_rule.endpoint]
        if rule.access in ("public", "credential"):
            continue
        for method in methods(url_rule):
            for login in outsiders(rule, method, login_roles):
                res = send(clients, login, url_rule, rule, method, world)
                soft = method in WRITES and rule.soft and res.status_code in (302, 303)
                if res.status_code not in REFUSED and not soft:
                    wrong.append((login, method, url_rule.rule, res.status_code))  # noqa: PERF401
    assert wrong == [], "\n".join(map(str, wrong))
    assert changed(before, fingerprint()) == [], "a refused write changed these tables"


def test_a_holder_of_the_right_gets_through(app, world, login_roles):
    clients, wrong = Clients(app), []
    for url_rule in routes(app):
        rule = RULES[url_rule.endpoint]
        login = insider(rule, login_roles)
        if login is None or "GET" not in url_rule.methods or rule.stream:
            continue
        res = send(clients, login, url_rule, rule, "GET", world)
        if res.status_code in (401, 403, 404) or (res.status_code == 302 and "/login" in (res.location or "")):
            wrong.append((login, url_rule.rule, res.status_code))
    assert wrong == [], "\n".join(map(str, wrong))


# --- the masking rule of confidential cases ---------------------------------------------------------
def test_recordings_and_citizens_attachments_of_a_confidential_case_follow_the_masking_rule(app, world):
    clients = Clients(app)

    def get(login, path):
        client, _ = clients.page(login)
        return client.get(path).status_code

    recording = f"/calls/{world['secret_call_record_id']}/recording"
    voicemail = f"/calls/{world['secret_call_record_id']}/voicemail"
    attachment = f"/attachments/{world['secret_attachment_id']}"
    case_page = f"/cases/{world['secret_case_id']}"
    # department A may see the confidential case, but not the citizen's voice
    assert get("dh_hb_handler", case_page) == 200
    assert get("dh_hb_handler", recording) == 403 and get("dh_hb_leader", voicemail) == 403
    # its own handler's attachment, yes; the citizen's (uploaded at the center), no
    assert get("dh_hb_handler", attachment) == 200
    assert get("dh_hb_leader", f"/attachments/{world['secret_citizen_attachment_id']}") == 403
    # the center's roles that call citizens hear it; roles that never see personal data do not
    assert get("agent", recording) == 200 and get("agent", f"/attachments/{world['secret_citizen_attachment_id']}") == 200
    for login in ("admin", "designer", "analyst"):
        assert get(login, recording) == 403, login
        assert get(login, f"/calls/{world['call_record_id']}/recording") == 403, login   # not confidential either
    # not confidential: department A's handler hears it
    assert get("dh_hb_handler", f"/calls/{world['call_record_id']}/recording") == 200
    assert get("dh_hb_handler", f"/attachments/{world['citizen_attachment_id']}") == 200
