"""Run as `python -m tests.multinode.prepare` with DATABASE_URL set: migrate, seed the demo city
without cases (as tests/conftest.py does), print the API tokens and department ids as JSON."""
from __future__ import annotations

import json
import sys

LOGINS = ("agent", "dispatcher", "dh_hb_handler", "dh_hb_leader", "visitor", "admin")


def main() -> None:
    from flask_migrate import upgrade

    from api import create_app
    from engine import demo
    from engine.db import db
    from engine.models import Department
    from engine.organisation import directory as org

    app = create_app({"TESTING": True})
    with app.app_context():
        upgrade()
        demo.seed(with_cases=False)
        tokens = {login: org.create_token(username=login) for login in LOGINS}
        depts = dict(db.session.execute(db.select(Department.code, Department.id)).all())
    sys.stdout.write(json.dumps({"tokens": tokens, "departments": depts}) + "\n")


if __name__ == "__main__":
    main()
