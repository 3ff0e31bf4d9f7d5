"""Browser tests: Debian's Chromium (Playwright) against the app served on 127.0.0.1 from a thread.

The session `app` (demo organisation seeded, see tests/conftest.py) is served by werkzeug in a
daemon thread; pytest-playwright's `page` opens it (its `base_url` is the live server's, so
`page.goto("/inbox")` works). Every browser test carries the `browser` mark: `-m "not browser"`
leaves them out, `make test` runs them.

SQLite starts every transaction with BEGIN IMMEDIATE (engine/sqlite.py): a test that reads the
database itself while the browser works must end its transaction (`db.session.rollback()`), or
the server's next write waits for it.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PASSWORD = "12345demo"
VIEWPORT = {"width": 1366, "height": 768}
CHROMIUM = "/usr/bin/chromium"


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Chromium through the web pages (deselect: -m 'not browser')")


@pytest.fixture(scope="session")
def base_url(live_server):
    """pytest-playwright's base URL: relative page.goto() paths go to the live server."""
    return live_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing (apt-get install chromium libatomic1; see scripts/setup-system.sh)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": [
        "--disable-gpu", "--disable-quic", "--disable-dev-shm-usage", "--no-sandbox",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, base_url):
    return {**browser_context_args, "base_url": base_url, "viewport": VIEWPORT,
            "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def page(page):
    """A fresh tab per test; a step that hangs fails within 20 s (CI runs two suites' browsers on
    two cores: a step can take several seconds there), not after Playwright's 30 s. `expect`
    keeps its own default (5 s), which the page's does not change: it gets the same 20 s (a seat's
    "ready" took longer than 5 s to show once in CI on SQLite); an explicit timeout still wins."""
    page.set_default_timeout(20_000)
    page.set_default_navigation_timeout(20_000)
    expect.set_options(timeout=20_000)
    return page


@pytest.fixture(autouse=True)
def _fresh_login_limits():
    """The sign-in rate limit counts per address and username: each test starts afresh."""
    from api.pages.web import limiter
    limiter.reset()
    yield
    limiter.reset()


def login(page, username: str, password: str = PASSWORD) -> None:
    """Sign in on /login as a user would; lands on the inbox."""
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form button[type=submit]")
    if not page.url.endswith("/inbox"):
        pytest.fail(f"{username} could not sign in: {page.locator('main').inner_text()[:200]}")


def logout(page) -> None:
    """The 退出/Sign out button in the top bar."""
    page.click("#logout")
    page.wait_for_url("**/login")


def shot(page, name: str) -> Path:
    """A full-page PNG in test-artifacts/screenshots/<name>.png (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def scroll_width(page) -> int:
    """The document's width: more than the viewport means a horizontal scrollbar."""
    return page.evaluate("document.documentElement.scrollWidth")
