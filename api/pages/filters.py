"""Template helpers: local times, colours, labels of codes, the department tree."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Flask
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from api.pages.web import locale
from engine.db import db
from engine.deadlines.colours import colour_of
from engine.deadlines.workdays import TZ
from engine.models import Department
from engine.organisation.roles import ROLE_LABELS
from engine.ports import now as clock_now
from forms.definitions import CATEGORY_OPTIONS, CHANNEL_OPTIONS, GENDER_OPTIONS, URGE_EVALUATION, URGENCY_OPTIONS

_EVALUATIONS = URGE_EVALUATION.fields[0].options

STAGE_LABELS = {
    "intake": ("受理", "Intake"), "triage": ("分类处置", "Triage"), "dispatch": ("派单", "Dispatch"),
    "return_review": ("退回审核", "Return review"), "sign_for": ("签收", "Sign for"),
    "handling": ("办理", "Handling"), "extension_review": ("延期审批", "Extension review"),
    "suspension_review": ("挂起审批", "Suspension review"), "suspended": ("挂起", "Suspended"),
    "reply_approval": ("答复审核", "Reply approval"), "review": ("中心审核", "Center review"),
    "visit": ("回访", "Visit"), "close_review": ("办结确认", "Close review"), "closed": ("已办结", "Closed"),
    "reexamination": ("复核", "Re-examination"), "reexam_review": ("复核审查", "Re-examination review"),
    "reexam_handling": ("复核办理", "Re-examination handling"),
}
STATUS_LABELS = {
    "registered": ("已登记", "Registered"), "dispatching": ("派单中", "Dispatching"),
    "handling": ("办理中", "Handling"), "reviewing": ("审核中", "Reviewing"), "visiting": ("回访中", "Visiting"),
    "closed": ("已办结", "Closed"),
}
COLOUR_LABELS = {"green": ("正常", "On time"), "yellow": ("预警", "Due soon"), "red": ("超期", "Overdue")}
# Article 5 of the time-limit rules: answered at once, or dispatched under a committed limit.
HANDLING_KIND_LABELS = {"immediate": ("即办件", "Immediate"), "committed": ("承诺件", "Committed")}
# Article 7: why a limit counts as overtime whatever its due date says (None: simply late).
OVERTIME_CAUSE_LABELS = {
    "extension_asked_late": ("超过承诺时限才提出延期申请", "Extension asked after the limit"),
    "extension_told_late": ("超过承诺时限才告知申请人延期", "Citizen told of the extension after the limit"),
    "delivered_late": ("未在一个工作日内将办理结果告知申请人", "Result not told to the citizen within 1 working day"),
}
NOTICE_LABELS = {"reply": ("答复", "Reply"), "extension": ("延期", "Extension"), "redispatch": ("改派", "Re-dispatch"),
                 "closing": ("办结", "Closure"), "direct_answer": ("直接答复", "Direct answer"),
                 "not_accepted": ("不予受理", "Not accepted")}


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored naive-UTC moment shown in Asia/Shanghai."""
    if value is None:
        return ""
    return value.replace(tzinfo=timezone.utc).astimezone(TZ).strftime(fmt)


def label(table: dict, code: str | None) -> str:
    pair = table.get(code or "")
    if not pair:
        return code or ""
    return pair[0] if locale() == "zh" else pair[1]


def option_label(options, code: str | None) -> str:
    for value, zh, en in options:
        if value == code:
            return zh if locale() == "zh" else en
    return code or ""


def department_names() -> dict[int, str]:
    return dict(db.session.execute(select(Department.id, Department.name)).all())


def department_codes() -> dict[int, str]:
    """Each department's code: pickers match what is typed against names and codes."""
    return dict(db.session.execute(select(Department.id, Department.code)).all())


def department_tree(kinds: tuple[str, ...] | None = None) -> list[tuple[int, str, int]]:
    """(id, name, depth) in tree order (districts and their streets first, then bureaus);
    optionally only some kinds. Sorted on the numbers of the path: as text '/1/10/' < '/1/3/'."""
    rows = db.session.execute(select(Department.id, Department.name, Department.path, Department.kind)
                              .where(Department.active.is_(True))).all()
    order = {"district": 0, "street": 0, "community": 0, "bureau": 1}
    rows = sorted(rows, key=lambda r: (order.get(r.kind, 0) if r.path.count("/") == 3 else 0,
                                       [int(x) for x in r.path.strip("/").split("/")]))
    return [(i, n, p.count("/") - 2) for i, n, p, k in rows if kinds is None or k in kinds]


def _matter_label(matter_id: int | None) -> str:
    """'市政管理 › 路灯照明' (one read)."""
    from engine.organisation import matters
    return matters.labels({matter_id}).get(matter_id, "") if matter_id else ""


def _area_label(area_id: int | None) -> str:
    """'东湖区 › 湖滨街道': the district and street (and community) of a place, without the city."""
    if not area_id:
        return ""
    path = db.session.execute(select(Department.path).where(Department.id == area_id)).scalar() or ""
    ids = [int(x) for x in path.strip("/").split("/") if x]
    rows = dict(db.session.execute(select(Department.id, Department.name).where(
        Department.id.in_(ids), Department.kind.in_(("district", "street", "community")))).all())
    return " › ".join(rows[i] for i in ids if i in rows)


def intake_choices() -> dict:
    """The trees the intake form picks from: the matter catalogue and the districts and streets."""
    from engine.organisation import AREA_KINDS, matters
    return {"matters": [(n.id, n.name, n.depth) for n in matters.tree()], "areas": department_tree(AREA_KINDS)}


def url_with(**changes) -> str:
    """The current page's URL with some query arguments changed."""
    from urllib.parse import urlencode

    from flask import request
    query = request.args.to_dict()
    query.update({k: v for k, v in changes.items()})
    return request.path + "?" + urlencode(query)


def _print_kinds() -> dict[str, str]:
    from engine.documents.service import KINDS
    return KINDS


def register_filters(app: Flask) -> None:
    from api.messages import field_label, say
    app.jinja_env.filters["local"] = local_time
    app.jinja_env.filters["say"] = say
    app.jinja_env.globals.update(
        stage_label=lambda c: label(STAGE_LABELS, c), status_label=lambda c: label(STATUS_LABELS, c),
        colour_label=lambda c: label(COLOUR_LABELS, c),
        handling_kind_label=lambda c: label(HANDLING_KIND_LABELS, c),
        overtime_cause_label=lambda c: label(OVERTIME_CAUSE_LABELS, c),
        category_label=lambda c: option_label(CATEGORY_OPTIONS, c),
        channel_label=lambda c: option_label(CHANNEL_OPTIONS, c),
        role_label=lambda c: ROLE_LABELS.get(c, c) if locale() == "zh" else c,
        colour_of=lambda due, warn: colour_of(clock_now(), due, warn),
        url_with=url_with, CATEGORY_OPTIONS=CATEGORY_OPTIONS,
        evaluation_label=lambda c: option_label(_EVALUATIONS, c),
        urgency_label=lambda c: option_label(URGENCY_OPTIONS, c),
        matter_label=_matter_label, area_label=_area_label,
        gender_label=lambda c: option_label(GENDER_OPTIONS, c),
        print_kinds=_print_kinds(), STAGE_LABELS=STAGE_LABELS, COLOUR_LABELS=COLOUR_LABELS,
        personal_ok=_personal_ok, queue_label=queue_label, seat_label=seat_label, field_label=field_label,
        icon=icon, has_phone=_has_phone, first_time=first_time, lane_label_map=lane_label_map,
        suspected_duplicates=_suspected_duplicates,
    )


def first_time(key: str) -> bool:
    """True the first time a page's templates ask for `key`: what a macro includes once per page
    (the diagram viewer's scripts). Kept on the request, which no test client shares."""
    from flask import request
    seen = request.environ.setdefault("hotline.first_time", set())
    if key in seen:
        return False
    seen.add(key)
    return True


def lane_label_map() -> dict[str, str]:
    """Lane names are role codes: what a diagram calls each lane in the page's language."""
    return dict(ROLE_LABELS) if locale() == "zh" else {}


def icon(name: str) -> Markup:
    """One of the workbench's own SVG icons (api/static/img/icons.svg): no emoji font needed."""
    from flask import url_for
    href = url_for("static", filename="img/icons.svg") + f"#{name}"
    return Markup(f'<svg class="icon" aria-hidden="true" focusable="false"><use href="{href}"></use></svg>')


def queue_label(name: str | None) -> str:
    """A switch queue as people call it: the hotline's own queue by name, another by its short name."""
    if not name:
        return ""
    short = name.split("@")[0]
    if name == "outbound":      # telephony.controls.OUTBOUND_QUEUE: a call placed by an agent
        return _("Outbound call")
    return _("12345 hotline queue") if short == "hotline" else _("Queue %(name)s", name=short)


def seat_label(agent: str | None) -> str:
    """A switch agent (`1028@default`) as the seat people know: 坐席 1028."""
    return _("Seat %(ext)s", ext=agent.split("@")[0]) if agent else ""


def _has_phone() -> bool:
    """The signed-in user sits at a phone: the phone bar and click-to-call buttons are theirs."""
    from flask_login import current_user

    from engine.telephony.call_center import PHONE_ROLES
    return current_user.is_authenticated and current_user.actor.has(*PHONE_ROLES)


def _personal_ok(case) -> bool:
    """Whether the signed-in viewer may see this case's citizen data unmasked (api.rest.presenters)."""
    from flask_login import current_user

    from api.rest.presenters import may_see_personal_data
    return current_user.is_authenticated and may_see_personal_data(current_user.actor, case)


def _suspected_duplicates(case) -> list[dict]:
    """A channel's probable duplicates of the case, for the center that triages it (department users
    must not learn other cases' numbers from it)."""
    from flask_login import current_user

    from engine.channels import suspected_of
    if not (current_user.is_authenticated and current_user.actor.is_center):
        return []
    return [{**s, "labels": [reason_label(r, s.get("similarity", 0)) for r in s.get("reasons", [])]}
            for s in suspected_of(case.id)]


def reason_label(reason: str, similarity: float) -> str:
    """Why the duplicate check matched a case, as the desk and the case summary say it."""
    if reason == "phone":
        return _("same phone")
    if reason == "address":
        return _("same address and category")
    return _("similar text (%(pct)s%%)", pct=round(similarity * 100))
