"""Processes: the BPMN definitions cases run on.

Owns the stored process versions (each uploaded file immutable, with its sha256; a case pins the
version it started on), their lifecycle (draft → published → retired, audited, rolled back in one
action: `lifecycle`), which version new cases start (`current_version_id`: the published one),
the forms uploaded with a version (`version_forms`, `form_for`), the differences between two
versions (`diff`) and the parsed specs, cached per version (`parsed`). Validating an upload is `engine.bpmn.validation`'s job;
this package stores what passed. It imports only `organisation` (who may upload).
"""
from engine.processes.library import stored_version
from engine.processes.versions import DEFAULT_PROCESS, current_version_id, form_for, load_version, parsed

__all__ = ["DEFAULT_PROCESS", "current_version_id", "form_for", "load_version", "parsed", "stored_version"]
