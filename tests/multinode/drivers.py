"""Clients of the multi-node test: an intake stream and lifecycle completions over REST, spread
over the web nodes, each request's outcome kept (acknowledged, refused, or cut off)."""
from __future__ import annotations

import itertools
import queue
import random
import threading
import time
from dataclasses import dataclass, field

from tests.multinode.cluster import call

INTAKE = {"category": "complaint", "channel": "phone", "citizen_name": "多节点", "phone": "13800138000",
          "content": "多节点测试：电梯故障请求维修。", "address": "东湖区湖滨街道新苑小区3栋"}
# who completes each task of the lifecycle, and with what (lead department: 湖滨街道)
STEPS = {
    "triage": ("agent", lambda d: {"decision": "dispatch"}),
    "dispatch": ("dispatcher", lambda d: {"mode": "transfer", "lead_department_id": d["dh_hb"]}),
    "sign_for": ("dh_hb_handler", lambda d: {"decision": "sign"}),
    "handle": ("dh_hb_handler", lambda d: {"action": "reply", "result": "resolved",
                                           "reply_text": "经协调，电梯已修复。"}),
    "approve_reply": ("dh_hb_leader", lambda d: {"reply_approved": True}),
    "review": ("dispatcher", lambda d: {"review_passed": True}),
    "visit": ("visitor", lambda d: {"satisfaction": "satisfied", "resolved": True}),
}


@dataclass
class Outcomes:
    """Every request the clients sent: (what, key, node, status or 'cut', answer)."""

    intakes: list = field(default_factory=list)        # (title, node, status|'cut', case id|None)
    completions: list = field(default_factory=list)    # (case id, item id, form key, node, status|'cut')
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, row: tuple) -> None:
        with self.lock:
            getattr(self, kind).append(row)


class Load:
    """Intake threads feed new case ids to completion threads; every case whose number is a
    multiple of `park_every` stops in sign-for (its deadlines are aged for reminders)."""

    def __init__(self, nodes: list[str], tokens: dict, departments: dict, *, intake_threads: int = 2,
                 completion_threads: int = 3, park_every: int = 3):
        self.nodes, self.tokens, self.departments = nodes, tokens, departments
        self.out = Outcomes()
        self.stop = threading.Event()
        self.cases: queue.Queue = queue.Queue()
        self.parked: list[int] = []
        self._seq = itertools.count(1)
        self.park_every = park_every
        self.threads = ([threading.Thread(target=self._intake, daemon=True) for _ in range(intake_threads)]
                        + [threading.Thread(target=self._complete, daemon=True) for _ in range(completion_threads)])

    def start(self) -> "Load":
        for t in self.threads:
            t.start()
        return self

    def finish(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=30)

    def _node(self) -> str:
        return random.choice(self.nodes)

    def _intake(self) -> None:
        while not self.stop.is_set():
            n = next(self._seq)
            case_id = self._send_intake(f"MN-{n:05d}")
            if case_id:
                self.cases.put((n, case_id))
            time.sleep(0.1)

    def _send_intake(self, title: str) -> int | None:
        """Send until answered: a request cut off by a dying node is sent again to any node with the
        same Idempotency-Key (the title), as a careful client does; the key keeps it one case."""
        for _attempt in range(30):
            node = self._node()
            try:
                status, body = call(node, "POST", "/api/v1/cases", self.tokens["agent"], {**INTAKE, "title": title},
                                    headers={"Idempotency-Key": title})
            except OSError:
                self.out.add("intakes", (title, node, "cut", None))
                time.sleep(0.2)     # the node is down: the client's next request goes elsewhere
                continue
            case_id = body.get("id") if status == 201 else None
            self.out.add("intakes", (title, node, status, case_id))
            return case_id
        return None

    def _complete(self) -> None:
        while not self.stop.is_set():
            try:
                n, case_id = self.cases.get(timeout=0.2)
            except queue.Empty:
                continue
            if n % self.park_every == 0:
                self._walk(case_id, until="sign_for")
                self.parked.append(case_id)
            else:
                self._walk(case_id)

    # Long because: one loop reads the case, picks its next item and completes it, with the
    # client's handling of a node that dies under it (re-read, try again elsewhere).
    def _walk(self, case_id: int, until: str | None = None) -> None:
        for _ in range(40):
            if self.stop.is_set():
                return
            try:
                status, case = call(self._node(), "GET", f"/api/v1/cases/{case_id}", self.tokens["dispatcher"])
            except OSError:
                time.sleep(0.2)
                continue
            if status != 200:
                time.sleep(0.2)
                continue
            items = [i for i in case.get("open_work_items", []) if i.get("form_key") in STEPS and i.get("state", "open") == "open"]
            if case.get("status") == "closed" or not items:
                return
            item = items[0]
            if item["form_key"] == until:
                return
            login, data = STEPS[item["form_key"]]
            node = self._node()
            try:
                status, _ = call(node, "POST", f"/api/v1/work-items/{item['id']}/complete", self.tokens[login],
                                 {"data": data(self.departments)})
            except OSError:
                status = "cut"
                time.sleep(0.2)
            self.out.add("completions", (case_id, item["id"], item["form_key"], node, status))
