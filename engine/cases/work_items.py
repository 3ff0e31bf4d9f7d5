"""Work items: list an inbox, describe a form, claim/release, complete (the generic action)."""
from __future__ import annotations

from typing import Callable

from sqlalchemy import and_, func, or_, select, update

from engine import processes
from engine.cases import audit, escalations, task_hooks
from engine.cases.unit import case_action, open_items
from engine.db import db, naive_utc
from engine.deadlines import colour_condition
from engine.errors import NotFound, PermissionDenied, ValidationFailed, WrongState, check_form
from engine.models import Case, Urge, WorkItem
from engine.organisation import Actor, scope
from engine.paging import Page, bounded_count
from engine.ports import now as clock_now
from forms.messages import msg

SCOPES = ("mine", "department", "all")
SORTS = {"created_at": WorkItem.created_at, "due_at": WorkItem.due_at, "id": WorkItem.id,
         "colour": WorkItem.due_at}   # colour follows the due date: most urgent first


def get(*, item_id: int, actor: Actor) -> WorkItem:
    """One work item the actor may see."""
    item = db.session.get(WorkItem, item_id)
    if item is None:
        raise NotFound(msg("item_not_found", "work item %(id)s not found", id=item_id))
    if not actor.is_center and not scope.in_subtree(actor, item.department_id):
        raise PermissionDenied(msg("item_out_of_scope", "work item %(id)s belongs to another department", id=item_id))
    return item


def open_of_case(case_id: int) -> list[WorkItem]:
    """The case's open work items, oldest first (what a case page and the case's read list): the
    case actions' own read of them."""
    return open_items(case_id)[0]


def describe_form(*, item_id: int, actor: Actor, lang: str = "zh") -> dict:
    """The fields the item's task expects."""
    item = get(item_id=item_id, actor=actor)
    return form_of(item).describe(lang)


def form_of(item: WorkItem):
    """The form of a work item: its case's process version may bring forms of its own."""
    version_id = db.session.execute(select(Case.process_version_id).where(Case.id == item.case_id)).scalar()
    return processes.form_for(version_id, item.form_key)


def list_items(*, actor: Actor, scope_name: str = "mine", state: str = "open", case_id: int | None = None,
               stage: str | None = None, colour: str | None = None, due_before=None, due_after=None,
               category: str | None = None, page: int = 1, page_size: int = 50, sort: str = "created_at",
               count_cap: int | None = None) -> Page:
    """An inbox page: `mine` (what I can act on now), `department` (my subtree), `all`; counted up
    to `count_cap` if given (`Page.capped` says there are more)."""
    where = _inbox_where(actor, scope_name, state, case_id=case_id, stage=stage, colour=colour,
                         due_before=due_before, due_after=due_after, category=category)
    total, capped = _count(where, count_cap)
    order = _order(sort)
    rows = db.session.execute(
        select(WorkItem, Case.case_no, Case.title, Case.category, Case.version, Case.urgency)
        .join(Case, Case.id == WorkItem.case_id).where(where)
        .order_by(*order).limit(page_size).offset((page - 1) * page_size)).all()
    return Page(items=rows, total=total, page=page, page_size=page_size, capped=capped)


def count_tabs(*, actor: Actor, cap: int,
               known: dict[str, tuple[int, bool]] | None = None) -> dict[str, tuple[int, bool]]:
    """(count, more than that) of each open-items tab, counted up to `cap`; `known` holds tabs
    already counted (the listed tab without filters). A department actor's `department` and `all`
    tabs select the same items: one count serves both."""
    counts = dict(known or {})
    for name in SCOPES:
        same = "department" if name == "all" and not actor.is_center else name
        if same not in counts:
            counts[same] = _count(_inbox_where(actor, same, "open"), cap)
        counts[name] = counts[same]
    return counts


def _count(where, cap: int | None) -> tuple[int, bool]:
    """(rows matching, whether more match than that): exact without a cap."""
    if cap is not None:
        return bounded_count(WorkItem.id, where, cap)
    return db.session.execute(select(func.count()).select_from(WorkItem).where(where)).scalar(), False


def _inbox_where(actor: Actor, scope_name: str, state: str, *, case_id=None, stage=None, colour=None,
                 due_before=None, due_after=None, category=None):
    """The condition selecting an inbox's items (scope first, then the filters)."""
    if scope_name not in SCOPES:
        raise ValidationFailed({"scope": [msg("not_an_option", "must be one of: %(options)s", options=", ".join(SCOPES))]})
    conditions = [WorkItem.state == state, scope.work_item_visible(actor)]
    if scope_name == "mine":
        conditions += [WorkItem.role.in_(actor.roles),
                       or_(WorkItem.claimed_by_id.is_(None), WorkItem.claimed_by_id == actor.user_id)]
        if actor.is_center:
            conditions.append(WorkItem.department_id.is_(None))
    elif scope_name == "department" and actor.is_center:
        conditions.append(WorkItem.department_id.is_(None))
    if case_id is not None:
        conditions.append(WorkItem.case_id == case_id)
    if stage:
        conditions.append(WorkItem.stage == stage)
    if colour:
        conditions.append(colour_condition(WorkItem, colour, clock_now()))
    if due_before is not None:
        conditions.append(WorkItem.due_at < naive_utc(due_before))
    if due_after is not None:
        conditions.append(WorkItem.due_at >= naive_utc(due_after))
    if category:
        conditions.append(WorkItem.case_id.in_(select(Case.id).where(Case.category == category)))
    return and_(*conditions)


def _order(sort: str):
    desc = sort.startswith("-")
    column = SORTS.get(sort.lstrip("-"))
    if column is None:
        raise ValidationFailed({"sort": [msg("not_an_option", "must be one of: %(options)s", options=", ".join(SORTS))]})
    return [column.desc() if desc else column.asc(), WorkItem.id.desc() if desc else WorkItem.id.asc()]


def claim(*, item_id: int, actor: Actor) -> WorkItem:
    """Take an open item so colleagues see it is being worked on; claiming one's own is a no-op."""
    item = get(item_id=item_id, actor=actor)
    scope.check_can_act(actor, item)
    now = clock_now()
    audit.lock(item.case_id)     # the case before the item, as case actions do: its trail is appended below
    # One conditional UPDATE: of two simultaneous claims exactly one matches.
    result = db.session.execute(update(WorkItem).where(
        WorkItem.id == item_id, WorkItem.state == "open", WorkItem.claimed_by_id.is_(None),
    ).values(claimed_by_id=actor.user_id, claimed_at=now))
    if result.rowcount != 1:
        db.session.rollback()
        held = db.session.get(WorkItem, item_id, populate_existing=True)
        if held.state == "open" and held.claimed_by_id == actor.user_id:
            return held          # already mine: no new claim time, no second audit row
        raise WrongState(_why_not_open(item_id))
    audit.record(item.case_id, actor_id=actor.user_id, action="claim", from_stage=item.stage,
                 to_stage=item.stage, data={"work_item_id": item_id}, now=now, locked=True)
    db.session.commit()
    return db.session.get(WorkItem, item_id, populate_existing=True)


def release(*, item_id: int, actor: Actor) -> WorkItem:
    """Give back an item I claimed."""
    item = get(item_id=item_id, actor=actor)
    # the claim's own check first: who could never have claimed it is refused (403), not told whose claim it is
    scope.check_can_act(actor, item)
    now = clock_now()
    audit.lock(item.case_id)
    result = db.session.execute(update(WorkItem).where(
        WorkItem.id == item_id, WorkItem.state == "open", WorkItem.claimed_by_id == actor.user_id,
    ).values(claimed_by_id=None, claimed_at=None))
    if result.rowcount != 1:
        db.session.rollback()
        raise WrongState(msg("not_your_claim", "work item %(id)s is not claimed by you", id=item_id))
    audit.record(item.case_id, actor_id=actor.user_id, action="release", from_stage=item.stage,
                 to_stage=item.stage, data={"work_item_id": item_id}, now=now, locked=True)
    db.session.commit()
    return db.session.get(WorkItem, item_id, populate_existing=True)


def _why_not_open(item_id: int) -> str:
    item = db.session.get(WorkItem, item_id, populate_existing=True)
    if item.state != "open":
        return _item_closed(item_id, item.state)
    return msg("claimed_by_another", "work item %(id)s is claimed by another user", id=item_id)


def _item_closed(item_id: int, state: str) -> str:
    """A work item is done or cancelled already (its state said in words on the pages)."""
    if state == "done":
        return msg("item_done", "work item %(id)s is done already", id=item_id)
    return msg("item_cancelled", "work item %(id)s was cancelled: the case moved on", id=item_id)


def complete(*, item_id: int, actor: Actor, data: dict | None, expected_version: int | None = None) -> Case:
    """Complete a work item with its form's data; returns the updated case (its case is found
    and locked in one statement; NotFound if the item does not exist)."""
    return complete_step(item_id=item_id, actor=actor, data=data, expected_version=expected_version)[0]


def complete_step(*, item_id: int, actor: Actor, data: dict | None,
                  expected_version: int | None = None) -> tuple[Case, list[WorkItem]]:
    """`complete`, and the case's open work items after the step, oldest first: what the action
    left open and what it opened, known without reading them again."""
    action = _complete(case_id=None, of_item=item_id, actor=actor, data=data, expected_version=expected_version,
                       pick=lambda action: action.open_item(item_id))
    return action.case, action.open_after()


def complete_on_case(*, case_id: int, actor: Actor, data: dict | None, pick: Callable,
                     expected_version: int | None = None, after: Callable | None = None) -> Case:
    """Complete the open item that `pick(action)` chooses among the locked case's open items;
    `after(action)` adds what must stand or fall with the step (e.g. the article an answer cited)."""
    return _complete(case_id=case_id, actor=actor, data=data, pick=pick, expected_version=expected_version,
                     after=after).case


def _complete(*, case_id: int | None, actor: Actor, data: dict | None, pick: Callable,
              expected_version: int | None = None, after: Callable | None = None, of_item: int | None = None):
    """The action of a completion, committed. `of_item` instead of `case_id`: the case of that work item."""
    with case_action(case_id, expected_version=expected_version, with_blob=True,
                     actor_id=actor.user_id, of_item=of_item) as action:
        item = pick(action)
        scope.check_can_act(actor, item, action.item_paths.get(item.id) or "")
        if item.claimed_by_id not in (None, actor.user_id):
            raise WrongState(msg("claimed_by_another", "work item %(id)s is claimed by another user", id=item.id))
        clean = check_form(processes.form_for(action.case.process_version_id, item.form_key), data)
        if item.kind == "urge":
            _answer_urge(action, item, actor, clean)
        elif item.kind == "escalation":
            escalations.decide(action, item, actor, clean)
        else:
            _complete_task(action, item, actor, clean)
        if after is not None:
            after(action)
    return action


def _complete_task(action, item: WorkItem, actor: Actor, clean: dict) -> None:
    ctx = task_hooks.TaskContext(action=action, actor=actor, item=item)
    engine_data = task_hooks.run_before(ctx, clean)
    action.load_workflow().complete(item.task_id, engine_data)
    action.completed_task_id = item.task_id
    # The action's own event first; what its hook sets off (deadlines, ...) follows it.
    action.event(item.form_key, actor_id=actor.user_id, data={"work_item_id": item.id, **clean})
    task_hooks.run_after(ctx, engine_data)


def _answer_urge(action, item: WorkItem, actor: Actor, clean: dict) -> None:
    urge = db.session.get(Urge, item.urge_id)
    urge.acknowledged_at = action.now
    urge.acknowledged_by_id = actor.user_id
    urge.response = clean["response"]
    item.state, item.completed_at, item.completed_by_id = "done", action.now, actor.user_id
    action.event("urge_answered", actor_id=actor.user_id,
                 data={"work_item_id": item.id, "urge_seq": urge.seq, **clean})
