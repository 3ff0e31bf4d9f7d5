from tests.api.test_pages import _fresh_limits, csrf, signin  # noqa

def test_smoke(signin):
    admin = signin("admin")
    for p in ["/admin", "/admin/users", "/admin/users?role=handler&q=西山", "/admin/departments", "/admin/departments/3",
              "/admin/parameters", "/admin/calendar?year=2026", "/admin/calendar?year=2026&start=2026-09-30&days=3",
              "/admin/users/1"]:
        r = admin.get(p)
        assert r.status_code == 200, (p, r.get_data(as_text=True)[-3000:])
    print(admin.get("/admin/calendar?year=2026&start=2026-09-30&days=3").get_data(as_text=True)[-4000:])
