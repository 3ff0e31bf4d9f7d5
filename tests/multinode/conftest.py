"""The multi-node test brings its own database and processes: the suite's per-test cleaning
(tests/conftest.py's `_clean`, which needs the session app) does not apply here."""
import pytest


@pytest.fixture(autouse=True)
def _clean():
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item: the cluster prints its logs when the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)
