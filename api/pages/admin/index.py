"""Administration (admins only): the landing page; users, departments, parameters and the
calendar are child blueprints (endpoints admin.users.*, admin.departments.*, admin.settings.*)."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required
from sqlalchemy import func, select

from api.pages.admin import departments as admin_departments, settings as admin_settings, users as admin_users
from api.pages.admin.audit import AREAS, recent, require_admin
from engine.db import db
from engine.models import Department, User

bp = Blueprint("admin", __name__)
bp.register_blueprint(admin_users.bp)
bp.register_blueprint(admin_departments.bp)
bp.register_blueprint(admin_settings.bp)


@bp.get("/admin")
@login_required
def index():
    """Links to every admin page, a few counts and the latest changes of every area."""
    actor = require_admin()
    counts = {"users": _count(User, User.active.is_(True)),
              "departments": _count(Department, Department.active.is_(True))}
    return render_template("pages/admin/index.html", counts=counts, changes=recent(actor, AREAS))


def _count(model, *where) -> int:
    return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar()
