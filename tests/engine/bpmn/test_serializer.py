"""Our task converters write and restore exactly what SpiffWorkflow's own do, step by step through
a co-handled lifecycle: the same blob bytes, the same tasks, the same data."""
from __future__ import annotations

from uuid import UUID

import orjson
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import VERSION, BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from engine.bpmn import serializer
from engine.bpmn.runtime import CaseWorkflow
from tests.engine.bpmn.test_runtime import process  # noqa: F401  (fixture: the case process, spec_ref "test")

LEAD, CO_A, CO_B = 11, 12, 13

# (form key, department, engine data): the services' walk of a co-handled case (bench/lifecycle.py)
STEPS = [
    ("triage", None, {"decision": "dispatch"}),
    ("dispatch", None, {"mode": "transfer", "lead_department_id": LEAD, "co_department_ids": [CO_A, CO_B],
                        "reply_needs_approval": True}),
    ("sign_for", LEAD, {"decision": "sign"}),
    ("co_opinion", CO_A, {"opinion": "住建局已配合现场核查",
                          "co_result": {"department_id": CO_A, "opinion": "住建局已配合现场核查"}}),
    ("co_opinion", CO_B, {"opinion": "市场监管局已约谈物业",
                          "co_result": {"department_id": CO_B, "opinion": "市场监管局已约谈物业"}}),
    ("handle", LEAD, {"action": "reply", "result": "resolved", "reply_text": "经协调，电梯已修复。"}),
    ("approve_reply", LEAD, {"reply_approved": True}),
    ("review", None, {"review_passed": True}),
    ("visit", None, {"satisfaction": "satisfied", "resolved": True, "visit_decision": "", "reopen": False,
                     "reopen_count": 0, "max_reopens": 2}),
]


class _StockSpecRef(serializer._SpecRefConverter):
    """Our spec by reference; the tasks' mapping written and read as SpiffWorkflow does."""

    mapping_to_dict = BpmnWorkflowConverter.mapping_to_dict

    def tasks_from_dict(self, tasks: dict, workflow) -> dict:
        return self.mapping_from_dict(tasks, UUID, workflow=workflow)


STOCK = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure({**SPIFF_CONFIG, BpmnWorkflow: _StockSpecRef}))


def stock_dumps(workflow) -> bytes:
    dct = STOCK.to_dict(workflow)
    dct["serializer_version"] = VERSION
    return orjson.dumps(dct, default=STOCK._encoder_cls().default, option=orjson.OPT_PASSTHROUGH_DATETIME)


def stock_loads(blob: bytes):
    dct = orjson.loads(blob)
    STOCK.migrate(dct)
    return STOCK.from_dict(dct)


def _all_tasks(workflow) -> dict:
    tasks = dict(workflow.tasks)
    for sub in workflow.subprocesses.values():
        tasks.update(sub.tasks)
    return tasks


def _same_tasks(ours, stock) -> None:
    mine, theirs = _all_tasks(ours), _all_tasks(stock)
    assert list(mine) == list(theirs)
    for task_id, task in mine.items():
        other = theirs[task_id]
        assert (task.task_spec.name, task.state, task._parent, task._children, task.triggered,
                task.last_state_change) == (other.task_spec.name, other.state, other._parent,
                                            other._children, other.triggered, other.last_state_change)
        assert task.data == other.data and task.internal_data == other.internal_data, task.task_spec.name


def _walk(process):
    """Each blob of a co-handled lifecycle, the intake's first; the walk itself loads with ours."""
    wf = CaseWorkflow.start(process)
    wf.complete(next(t.task_id for t in wf.ready_tasks() if t.info.form_key == "intake"),
                {"category": "complaint", "title": "电梯故障", "tags": ["电梯", "物业"]})
    blobs = [wf.dump()]
    for form_key, department, data in STEPS:
        wf = CaseWorkflow.load(process, blobs[-1])
        task = next(t for t in wf.ready_tasks()
                    if t.info.form_key == form_key and (department is None or t.department_id == department))
        wf.complete(task.task_id, data)
        blobs.append(wf.dump())
    assert wf.completed and wf.outcome() == "archived"
    return blobs


def test_every_blob_of_a_lifecycle_reads_and_writes_as_spiffworkflows_own(process):
    blobs = _walk(process)
    assert len(blobs) == len(STEPS) + 1
    for blob in blobs:
        ours, stock = serializer.loads(blob), stock_loads(blob)
        _same_tasks(ours, stock)
        assert serializer.dumps(ours) == stock_dumps(stock) == stock_dumps(ours) == blob


def _entry(blob: bytes, task_id) -> dict:
    dct = orjson.loads(blob)
    for tasks in [dct["tasks"], *(sub["tasks"] for sub in dct["subprocesses"].values())]:
        if str(task_id) in tasks:
            return tasks[str(task_id)]
    raise AssertionError(f"task {task_id} is not in the blob")


def test_a_key_a_task_dropped_from_its_parents_data_stays_dropped(process):
    wf = CaseWorkflow.load(process, _walk(process)[3]).wf      # after sign_for: co-handling under way
    task = next(t for t in _all_tasks(wf).values() if t.parent is not None and set(t.data) & set(t.parent.data))
    dropped = sorted(set(task.data) & set(task.parent.data))[0]
    del task.data[dropped]
    blob = serializer.dumps(wf)
    assert _entry(blob, task.id)["delta"]["deletions"] == [dropped]
    ours = serializer.loads(blob)
    _same_tasks(ours, stock_loads(blob))
    assert dropped not in _all_tasks(ours)[task.id].data and dropped in _all_tasks(ours)[task.id].parent.data


def test_a_childs_data_does_not_share_its_parents_lists(process):
    wf = serializer.loads(_walk(process)[1])
    tags_of = {t.id: t.data["tags"] for t in _all_tasks(wf).values() if "tags" in t.data}
    child = next(t for t in _all_tasks(wf).values() if t.parent is not None and t.parent.id in tags_of
                 and "tags" in t.data)
    child.data["tags"].append("电梯井")
    assert tags_of[child.parent.id] == ["电梯", "物业"]
