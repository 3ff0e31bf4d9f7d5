"""The REST API under fuzzing: schemathesis against our own OpenAPI spec, as three roles.

Generated requests, valid and invalid (ids past the columns' range, pages past any offset, NUL
and lone surrogates in bodies, dates before year 1, undeclared methods), must each get an answer
the spec allows and never a 500. Every schemathesis check runs except positive_data_acceptance:
the API refuses some schema-valid input on purpose (unstorable characters, years outside the
calendar, confirming a year that has no data) with a 422 naming the field.

The app runs in its own process on its own database (tests/api/fuzz_app.py). A fixed seed and a
fixed number of examples per operation keep the run the same from one CI run to the next;
FUZZ_SEED and FUZZ_EXAMPLES explore further by hand (docs/API.md).
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.api.fuzz_app import LOGINS

ROOT = Path(__file__).resolve().parents[2]
SEED = os.environ.get("FUZZ_SEED", "12345")
EXAMPLES = os.environ.get("FUZZ_EXAMPLES", "10")     # the three roles in about a minute (docs/API.md)
CHECKS = ["--checks", "all", "--exclude-checks", "positive_data_acceptance"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database(database_url: str, tmp: Path) -> str:
    if not database_url.startswith("postgresql"):
        return f"sqlite:///{tmp / 'fuzz.db'}"
    from tests.conftest import _fresh_postgres
    url = make_url(database_url)
    return _fresh_postgres(url.set(database=f"{url.database}_fuzz").render_as_string(hide_password=False))


def _wait_for(tokens: Path, port: int, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the fuzz app exited {server.returncode}:\n{log.read_text()[-3000:]}")
        if tokens.exists():
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                pass
        time.sleep(0.2)
    pytest.fail("the fuzz app did not start within 180 s")


@pytest.fixture(scope="module")
def fuzz_server(database_url, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzz")
    port, tokens, log = _free_port(), tmp / "tokens.txt", tmp / "server.log"
    env = {**os.environ, "INSTANCE_PATH": str(tmp / "instance")}
    with log.open("w") as out:
        server = subprocess.Popen([sys.executable, "-m", "tests.api.fuzz_app", _database(database_url, tmp),
                                   str(port), str(tokens)], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_for(tokens, port, server, log)
        yield (f"http://127.0.0.1:{port}", dict(line.split() for line in tokens.read_text().splitlines()), log)
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.timeout(600)
@pytest.mark.parametrize("login", LOGINS)
def test_no_generated_request_gets_a_server_error_or_breaks_the_spec(fuzz_server, login, tmp_path):
    base, tokens, log = fuzz_server
    before = log.read_text().count("unhandled error")
    run = subprocess.run(
        [str(Path(sys.executable).with_name("st")), "run", f"{base}/api/v1/openapi.json",
         "-H", f"Authorization: Bearer {tokens[login]}", *CHECKS, "--max-examples", EXAMPLES, "--seed", SEED,
         "--generation-database", "none", "--request-timeout", "30", "--no-color",
         "--workers", "1"],     # with 2, hypothesis's lambda-source cache once crashed schemathesis itself
        cwd=tmp_path, capture_output=True, text=True, timeout=540)
    server_log = log.read_text()
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:] + server_log[-4000:]
    assert server_log.count("unhandled error") == before, server_log[-4000:]
    assert " passed" in run.stdout and "generated" in run.stdout     # it did run cases
