"""The app on its own database for the API fuzz test (tests/api/test_fuzz.py), in its own process.

The fuzzer edits parameters and the calendar as admin: on the suite's database those edits would
leak into every later test. Run as `python -m tests.api.fuzz_app DATABASE_URL PORT TOKENS_FILE`:
migrates, seeds the demo city with its cases, writes one bearer token per fuzzed login to
TOKENS_FILE (`login token` lines) and serves until killed.
"""
from __future__ import annotations

import logging
import os
import sys

LOGINS = ("admin", "dispatcher", "dh_hb_handler")


def main(database_url: str, port: int, tokens_file: str) -> None:
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from api import create_app
    from engine import demo
    from engine.organisation import directory

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        demo.seed(with_cases=True)
        lines = [f"{login} {directory.create_token(username=login)}" for login in LOGINS]
    with open(tokens_file + ".part", "w") as out:
        out.write("\n".join(lines) + "\n")
    os.replace(tokens_file + ".part", tokens_file)      # whole or absent: the test waits for it
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    make_server("127.0.0.1", port, app, threaded=True).serve_forever()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
