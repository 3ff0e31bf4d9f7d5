"""Every file of the real-world corpus (tests/corpus/bpmn, see SOURCES.md) uploaded through
POST /api/v1/process-versions as admin: never a 5xx; a refusal is a 422 whose problems name an
element id or a line, and stores nothing; the files our checks find nothing wrong with are stored.

MANIFEST.tsv's `expected` says what each file's own project thinks of it, not what this engine
accepts, so the accepted set is the one observed, each for a reason:
- spiff_collaboration.bpmn: one executable process (start, send task, message catch, end) with
  messages defined in the file; the other participant's process is not executable and not run.
  No user task (so no lane, form or stage to check), no script, no service task.
- spiff_event-gateway.bpmn: an event-based gateway choosing between two message catches and a
  timer whose duration is a quoted Python literal; no user task, script or service task.
- spiff_uncaught_escalation.bpmn: an embedded sub-process (its own start and end) throwing an
  escalation; camunda:versionTag is an attribute we ignore, not a code binding.
Every other file is refused: scripts (MANIFEST has_script_task=yes), Java/JUEL bindings and JUEL
conditions, user tasks outside a role's lane or without our form and stage, missing references,
unreachable or id-less elements, unsupported types, or invalid XML/BPMN.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.db import db
from engine.models import ProcessVersion

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "bpmn"
with open(CORPUS / "MANIFEST.tsv", newline="", encoding="utf-8") as _fh:
    MANIFEST = {row["file"]: row for row in csv.DictReader(_fh, delimiter="\t")}
FILES = sorted(p.name for p in CORPUS.iterdir() if p.name.endswith((".bpmn", ".xml")))
ACCEPTED = {"spiff_collaboration.bpmn", "spiff_event-gateway.bpmn", "spiff_uncaught_escalation.bpmn"}


def versions() -> int:
    return db.session.execute(select(func.count()).select_from(ProcessVersion)).scalar()


def test_the_manifest_lists_every_file_and_no_accepted_one_has_a_script():
    assert set(FILES) == set(MANIFEST) and len(FILES) >= 40
    assert all(MANIFEST[name]["has_script_task"] == "no" for name in ACCEPTED)


@pytest.mark.parametrize("name", FILES)
def test_a_corpus_file_through_the_api(api, name):
    before = versions()
    res = api("admin").post("/api/v1/process-versions", data=(CORPUS / name).read_bytes(),
                            headers={"Content-Type": "application/xml"})
    assert res.status_code < 500, res.get_data(as_text=True)
    if name in ACCEPTED:
        assert res.status_code == 201, res.json
        assert versions() == before + 1
        return
    assert res.status_code == 422, res.json
    problems = res.json["problems"]
    assert problems and any(p["element_id"] or p["line"] for p in problems), problems
    assert all(p["code"] and p["message"] for p in problems)
    assert versions() == before
