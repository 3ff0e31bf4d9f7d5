"""/api/v1/work-items: inboxes, forms, claim/release, complete."""
from __future__ import annotations

from flask.views import MethodView

from api.auth import current_actor
from api.rest import presenters
from api.rest.blueprint import Blueprint
from api.rest.schemas import (
    CaseStepSchema,
    CompleteSchema,
    FormSchema,
    LangSchema,
    WorkItemListSchema,
    WorkItemQuerySchema,
    WorkItemSchema,
)
from engine.cases import work_items

blp = Blueprint("work_items", __name__, url_prefix="/api/v1/work-items", description="Work items (待办)")


@blp.route("")
class WorkItems(MethodView):
    @blp.arguments(WorkItemQuerySchema, location="query")
    @blp.response(200, WorkItemListSchema)
    def get(self, args):
        """An inbox: `mine` (what you can act on now), `department` (your subtree), `all`."""
        result = work_items.list_items(actor=current_actor(), scope_name=args["scope"], state=args["state"],
                                       case_id=args.get("case_id"), stage=args.get("stage"),
                                       colour=args.get("colour"), due_before=args.get("due_before"),
                                       page=args["page"], page_size=args["page_size"], sort=args["sort"])
        rows = [{**presenters.work_item(item, no, title, category, version), "urgency": urgency}
                for item, no, title, category, version, urgency in result.items]
        return {"items": rows, "total": result.total, "page": result.page, "page_size": result.page_size}


@blp.route("/<id:item_id>")
class WorkItemOne(MethodView):
    @blp.response(200, WorkItemSchema)
    def get(self, item_id):
        """One work item."""
        return presenters.work_item(work_items.get(item_id=item_id, actor=current_actor()))


@blp.route("/<id:item_id>/form")
class WorkItemForm(MethodView):
    @blp.arguments(LangSchema, location="query")
    @blp.response(200, FormSchema)
    def get(self, args, item_id):
        """The fields the task expects: name, type, required, options."""
        return work_items.describe_form(item_id=item_id, actor=current_actor(), lang=args["lang"])


@blp.route("/<id:item_id>/claim")
class WorkItemClaim(MethodView):
    @blp.response(200, WorkItemSchema)
    def post(self, item_id):
        """Claim the item (409 if someone else has it or it is closed)."""
        return presenters.work_item(work_items.claim(item_id=item_id, actor=current_actor()))


@blp.route("/<id:item_id>/release")
class WorkItemRelease(MethodView):
    @blp.response(200, WorkItemSchema)
    def post(self, item_id):
        """Give back an item you claimed."""
        return presenters.work_item(work_items.release(item_id=item_id, actor=current_actor()))


@blp.route("/<id:item_id>/complete")
class WorkItemComplete(MethodView):
    @blp.arguments(CompleteSchema)
    @blp.response(200, CaseStepSchema)
    def post(self, body, item_id):
        """Complete the item with its form's data; 409 if it is closed or `version` is stale.
        Answers the case and its open work items after the step."""
        actor = current_actor()
        case, open_items = work_items.complete_step(item_id=item_id, actor=actor, data=body["data"],
                                                    expected_version=body.get("version"))
        return presenters.case_step(case, actor, open_items)
