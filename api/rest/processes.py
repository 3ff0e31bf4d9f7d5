"""/api/v1/process-versions: the process library for designers (upload, read, diff, publish,
retire, roll back, migrate waiting cases)."""
from __future__ import annotations

from flask import Response, request
from flask.views import MethodView

from api.auth import current_actor
from api.rest import process_schemas as S
from api.rest.blueprint import Blueprint
from engine.bpmn.validation import MAX_BPMN_BYTES
from engine.cases import migration
from engine.errors import ValidationFailed
from engine.organisation import roles as R
from engine.processes import diff as process_diff, library, lifecycle, version_forms, versions as processes
from forms.messages import msg

blp = Blueprint("processes", __name__, url_prefix="/api/v1/process-versions",
                description="Process definitions (BPMN): versions, publication, diffs, migration")


def _shown(row) -> dict:
    return {**{k: getattr(row, k) for k in ("id", "process_id", "version", "name", "sha256", "state", "created_at",
                                            "created_by_id", "published_at", "published_by_id", "retired_at")},
            "running_cases": library.running_cases(row.id), "forms": sorted((row.forms or {}).keys())}


def _upload() -> tuple[bytes, dict | None]:
    """The BPMN (raw body, or the multipart field `bpmn`) and the optional forms (field `forms`)."""
    if request.files:
        bpmn, forms = request.files.get("bpmn"), request.files.get("forms")
        xml = bpmn.read(MAX_BPMN_BYTES + 1) if bpmn else b""
        forms_source = forms.read(version_forms.MAX_SOURCE + 1) if forms else None
    else:
        xml, forms_source = request.get_data(cache=False), None
    if not xml:
        raise ValidationFailed({"bpmn": [msg("bpmn_missing", "send the BPMN XML (the body, or the file field 'bpmn')")]})
    if len(xml) > MAX_BPMN_BYTES:
        raise ValidationFailed({"bpmn": [msg("bpmn_too_large", "larger than %(mb)s MB", mb=MAX_BPMN_BYTES // 2**20)]})
    return xml, version_forms.parse_source(forms_source) if forms_source else None


@blp.route("")
class ProcessVersions(MethodView):
    @blp.response(200, S.VersionSchema(many=True))
    def get(self):
        """Stored versions of every process, newest first."""
        actor = current_actor()
        return [_shown(v.version) for p in library.processes(actor) for v in p.versions]

    @blp.response(201, S.VersionSchema)
    def post(self):
        """Upload BPMN (body as application/xml, or multipart `bpmn` + optional `forms` JSON/YAML) as
        a new draft version; `?publish=true` publishes it at once. Every problem is reported at once."""
        actor = current_actor()
        actor.require(R.DESIGNER, R.ADMIN)
        xml, forms = _upload()
        publish = request.args.get("publish", "").lower() in ("1", "true", "yes")
        return _shown(processes.load_version(xml=xml, actor=actor, publish=publish, forms=forms))


@blp.route("/<id:version_id>")
class ProcessVersion(MethodView):
    @blp.response(200, S.VersionSchema)
    def get(self, version_id: int):
        """One version (without its XML)."""
        return _shown(library.version(current_actor(), version_id))


@blp.route("/<id:version_id>/xml")
class ProcessVersionXml(MethodView):
    @blp.response(200, content_type="application/xml")
    def get(self, version_id: int):
        """The version's BPMN XML as uploaded."""
        row = library.version(current_actor(), version_id)
        return Response(row.xml, mimetype="application/xml", headers={
            "Content-Disposition": f'attachment; filename="{row.process_id}_v{row.version}.bpmn"'})


@blp.route("/<id:version_id>/diff")
class ProcessVersionDiff(MethodView):
    @blp.arguments(S.DiffQuerySchema, location="query")
    @blp.response(200, S.DiffSchema)
    def get(self, args, version_id: int):
        """Elements added, removed and changed from `against` (default: the previous version) to this one."""
        actor = current_actor()
        new = library.version(actor, version_id)
        old = library.version(actor, args["against"]) if args.get("against") else library.previous(new)
        if old is None:
            raise ValidationFailed({"against": [msg("nothing_to_compare", "the first version has nothing before it: "
                                                    "name a version to compare with")]})
        found = process_diff.compare(old.xml, new.xml)
        return {"old_version_id": old.id, "new_version_id": new.id, "added": found.added, "removed": found.removed,
                "changed": found.changed}


@blp.route("/<id:version_id>/publish")
class Publish(MethodView):
    @blp.arguments(S.ReasonSchema, required=False)
    @blp.response(200, S.VersionSchema)
    def post(self, body, version_id: int):
        """Publish: new cases start on this version; the one published before is retired (audited)."""
        return _shown(lifecycle.publish(version_id=version_id, actor=current_actor(), reason=body["reason"]))


@blp.route("/<id:version_id>/retire")
class Retire(MethodView):
    @blp.arguments(S.ReasonSchema, required=False)
    @blp.response(200, S.VersionSchema)
    def post(self, body, version_id: int):
        """Retire: the version starts no new case (its running cases go on)."""
        return _shown(lifecycle.retire(version_id=version_id, actor=current_actor(), reason=body["reason"]))


@blp.route("/rollback")
class Rollback(MethodView):
    @blp.arguments(S.RollbackSchema)
    @blp.response(200, S.VersionSchema)
    def post(self, body):
        """Publish again the version the current publication replaced (409 when there is none)."""
        return _shown(lifecycle.rollback(process_id=body["process_id"], actor=current_actor(), reason=body["reason"]))


@blp.route("/<id:version_id>/migrate")
class Migrate(MethodView):
    @blp.arguments(S.MigrateSchema, required=False)
    @blp.response(200, S.CaseMoveSchema(many=True))
    def post(self, body, version_id: int):
        """Move the open cases of the process on other versions to this one. `dry_run` (default
        true) only says, per case, whether it can move and why not; otherwise each movable case
        moves in its own transaction and the others stay."""
        run = migration.dry_run if body["dry_run"] else migration.migrate
        moves = run(actor=current_actor(), to_version_id=version_id, from_version_id=body.get("from_version_id"),
                    case_ids=body.get("case_ids"))
        return [{**vars(m), "reasons": [str(r) for r in m.reasons],
                 "reason_codes": [getattr(r, "code", "") for r in m.reasons]} for m in moves]
