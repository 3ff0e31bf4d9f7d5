"""The calendar over REST and on the command line."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, select

from engine.db import db
from engine.deadlines import calendar as service
from engine.models import CalendarDay, CalendarYear, ConfigChange
from engine.organisation import settings

SCRATCH = 2030          # a year no library data and no other test uses


@pytest.fixture
def scratch_year(app):
    """SCRATCH without rows before and after the test (the revision moves, caches reload)."""
    def wipe():
        db.session.rollback()
        db.session.execute(delete(CalendarDay).where(CalendarDay.day >= date(SCRATCH, 1, 1),
                                                     CalendarDay.day < date(SCRATCH + 1, 1, 1)))
        db.session.execute(delete(CalendarYear).where(CalendarYear.year == SCRATCH))
        settings.bump("calendar.revision", actor_id=None, reason="test cleanup")
        db.session.commit()
    wipe()
    yield SCRATCH
    wipe()


def last_change(key: str) -> ConfigChange:
    """The newest audit row of a key (the audit is append-only: earlier tests leave theirs)."""
    return db.session.execute(select(ConfigChange).where(ConfigChange.key == key)
                              .order_by(ConfigChange.id.desc())).scalars().first()


def test_working_days_for_any_signed_in_user(api, client):
    res = api("agent").get("/api/v1/calendar/working-days?start=2026-02-13&days=5")
    assert res.status_code == 200
    assert res.json == {"start": "2026-02-13", "days": 5, "date": "2026-02-27", "provisional": False}
    res = api("dh_hb_handler").get("/api/v1/calendar/working-days?start=2026-12-28&days=5")
    assert res.json["date"] == "2027-01-04" and res.json["provisional"] is True
    assert client.get("/api/v1/calendar/working-days?start=2026-02-13&days=5").status_code == 401


@pytest.mark.parametrize("query, field", [("start=2026-02-30&days=1", "start"), ("start=tomorrow&days=1", "start"),
                                          ("start=2026-02-13&days=-1", "days"), ("days=1", "start"),
                                          ("start=2026-02-13&days=x", "days")])
def test_working_days_refuses_bad_input(api, query, field):
    res = api("agent").get(f"/api/v1/calendar/working-days?{query}")
    assert res.status_code == 422
    assert field in res.json["errors"]["query"]


def test_year_shows_status_and_exceptions(api):
    res = api("agent").get("/api/v1/calendar/years/2026")
    assert res.status_code == 200
    assert (res.json["status"], res.json["source"]) == ("confirmed", "chinesecalendar")
    rows = {r["day"]: (r["kind"], r["label"]) for r in res.json["exceptions"]}
    assert rows["2026-02-14"] == ("workday", "春节调休")
    assert rows["2026-10-07"] == ("holiday", "国庆节")
    assert "2026-02-15" not in rows                                     # a Sunday is off anyway
    empty = api("agent").get("/api/v1/calendar/years/2035").json
    assert (empty["status"], empty["source"], empty["exceptions"]) == ("provisional", None, [])


def test_admin_edits_a_day_and_confirms_the_year(api, scratch_year):
    day = f"{scratch_year}-01-02"
    body = {"kind": "holiday", "label": "元旦", "reason": "国办发明电"}
    assert api("agent").put(f"/api/v1/calendar/days/{day}", json=body).status_code == 403
    assert api("agent").post(f"/api/v1/calendar/years/{scratch_year}/confirm").status_code == 403
    assert api("admin").post(f"/api/v1/calendar/years/{scratch_year}/confirm").status_code == 422
    res = api("admin").put(f"/api/v1/calendar/days/{day}", json=body)
    assert res.status_code == 200 and res.json == {"day": day, "kind": "holiday", "label": "元旦"}
    # Effective at once: the next request counts around the new holiday (Tue 1/1 -> Thu 1/3).
    after = api("agent").get(f"/api/v1/calendar/working-days?start={scratch_year}-01-01&days=1").json
    assert (after["date"], after["provisional"]) == (f"{scratch_year}-01-03", True)
    change = last_change(day)
    assert change.reason == "国办发明电" and change.new == {"kind": "holiday", "label": "元旦"}
    res = api("admin").post(f"/api/v1/calendar/years/{scratch_year}/confirm", json={"reason": "checked"})
    assert res.status_code == 200 and res.json["status"] == "confirmed"
    assert res.json["exceptions"] == [{"day": day, "kind": "holiday", "label": "元旦"}]
    after = api("agent").get(f"/api/v1/calendar/working-days?start={scratch_year}-01-01&days=1").json
    assert after["provisional"] is False


@pytest.mark.parametrize("day, body, field", [("2030-13-01", {"kind": "holiday"}, "day"),
                                              ("2030-01-02", {"kind": "weekend"}, "kind"),
                                              ("2030-01-02", {"label": "x"}, "kind"),
                                              ("2030-01-02", {"kind": "holiday", "label": "x" * 51}, "label")])
def test_set_day_refuses_bad_input(api, scratch_year, day, body, field):
    res = api("admin").put(f"/api/v1/calendar/days/{day}", json=body)
    assert res.status_code == 422 and field in res.json["errors"]["json"]
    assert db.session.get(CalendarYear, scratch_year) is None


def test_openapi_documents_the_calendar(client):
    spec = client.get("/api/v1/openapi.json").json
    assert {"/api/v1/calendar/working-days", "/api/v1/calendar/years/{year}",
            "/api/v1/calendar/days/{day}", "/api/v1/calendar/years/{year}/confirm"} <= set(spec["paths"])
    assert {"WorkingDays", "CalendarYear", "DaySet"} <= set(spec["components"]["schemas"])


def test_cli_add_days_prints_the_date_last(app):
    runner = app.test_cli_runner()
    res = runner.invoke(args=["calendar", "add-days", "2026-02-13", "1"])
    assert res.exit_code == 0 and res.output.splitlines()[-1] == "2026-02-14"
    res = runner.invoke(args=["calendar", "add-days", "2026-12-28", "5"])
    lines = res.output.splitlines()
    assert lines[-1] == "2027-01-04" and "provisional" in lines[-2]
    bad = runner.invoke(args=["calendar", "add-days", "2026-02-13", "-1"])
    assert bad.exit_code == 1 and "days" in bad.output
    assert runner.invoke(args=["calendar", "add-days", "13.02.2026", "1"]).exit_code == 2


def test_cli_import_is_idempotent(app):
    res = app.test_cli_runner().invoke(args=["calendar", "import-library"])
    assert res.exit_code == 0 and "imported 0 year(s), 0 day(s)" in res.output


def test_cli_set_show_confirm(app, scratch_year):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["calendar", "confirm", str(scratch_year)]).exit_code == 1   # no data yet
    res = runner.invoke(args=["calendar", "set", f"{scratch_year}-01-05", "workday", "调休", "--reason", "test"])
    assert res.exit_code == 0, res.output                               # 2030-01-05 is a Saturday
    assert service.current().is_working_day(date(scratch_year, 1, 5))
    change = last_change(f"{scratch_year}-01-05")
    assert change.actor_id is None and change.reason == "test"
    shown = runner.invoke(args=["calendar", "show", str(scratch_year)]).output.splitlines()
    assert shown == [f"{scratch_year} provisional (source admin)", f"{scratch_year}-01-05 Sat workday  调休"]
    res = runner.invoke(args=["calendar", "confirm", str(scratch_year)])
    assert res.exit_code == 0 and res.output.strip() == f"{scratch_year} confirmed"
    assert runner.invoke(args=["calendar", "show", "2026"]).output.splitlines()[0] == \
        "2026 confirmed (source chinesecalendar)"
    assert runner.invoke(args=["calendar", "set", "2030-01-05", "weekend", "x"]).exit_code == 2
