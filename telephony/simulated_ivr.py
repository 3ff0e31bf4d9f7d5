"""The simulator's queues and IVR menu: `callcenter_config queue load|reload|unload|list` and
`tier add|set|del|list` answered as mod_callcenter answers them, queue parameters read from a
configuration source as mod_xml_curl fetches them, and the menu choice routed like the sample
dialplan (`hotline_queue=${hotline_queue_${ivr_choice}}`, a global the worker sets).

Faithful to mod_callcenter.c where the project depends on it:
- `queue load <q>` reads callcenter.conf (here: `source(q)`), "+OK" if the queue is in it, else
  "-ERR Invalid Queue not found!"; `queue reload` = unload then load; `queue unload` is always "+OK";
- `tier add` needs the queue (loaded, or loadable from the configuration: "-ERR Queue not found!")
  and refuses a tier that exists ("-ERR Tier already exist!"); `tier set level|position` on a
  missing tier answers "-ERR Unknown Error!" (mod_callcenter has no message for that case);
  `tier del` is always "+OK". Agents are taken as provisioned (the simulator has no `agent add`).
"""
from __future__ import annotations

import base64
import threading
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from typing import Callable

from telephony import scenarios

QUEUE_LIST = ("name|strategy|moh_sound|time_base_score|tier_rules_apply|tier_rule_wait_second|"
              "tier_rule_wait_multiply_level|tier_rule_no_agent_no_wait|discard_abandoned_after|"
              "abandoned_resume_allowed|max_wait_time|max_wait_time_with_no_agent|"
              "max_wait_time_with_no_agent_time_reached|record_template|calls_answered|calls_abandoned|"
              "ring_progressively_delay|skip_agents_with_external_calls|agent_no_answer_status")


def xml_curl_source(url: str, password: str, timeout: float = 5.0) -> Callable[[str | None], str]:
    """Fetch callcenter.conf as mod_xml_curl does: a form POST (section, key_value, CC-Queue) with
    HTTP basic auth `freeswitch:<password>`; the answer's text."""
    token = base64.b64encode(f"freeswitch:{password}".encode()).decode()

    def fetch(queue: str | None) -> str:
        form = {"hostname": "simulator", "section": "configuration", "tag_name": "configuration",
                "key_name": "name", "key_value": "callcenter.conf"}
        if queue:
            form["CC-Queue"] = queue
        request = urllib.request.Request(url, data=urllib.parse.urlencode(form).encode(),
                                         headers={"Authorization": f"Basic {token}"})
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 — the configured URL
            return answer.read().decode("utf-8")
    return fetch


def parse_queues(document: str) -> dict[str, dict[str, str]]:
    """The <queue> elements of a callcenter.conf document: {name: {param: value}}."""
    root = ET.fromstring(document)
    found = {}
    for queue in root.iter("queue"):
        found[queue.get("name", "")] = {p.get("name", ""): p.get("value", "") for p in queue.iter("param")}
    return found


class QueueConfig:
    """The loaded queues and tiers of the simulated mod_callcenter."""

    def __init__(self, sim, source: Callable[[str | None], str] | None = None) -> None:
        self.sim, self.source = sim, source
        self.queues: dict[str, dict[str, str]] = {}
        self.tiers: dict[tuple[str, str], tuple[int, int]] = {}   # (queue, agent) -> (level, position)
        self._lock = threading.Lock()

    def api(self, words: list[str]) -> str | None:
        """The answer to a `callcenter_config queue|tier …` line, or None if not ours."""
        section, action, rest = (words + ["", ""])[0], (words + ["", ""])[1], words[2:]
        if section == "queue" and action in ("load", "reload", "unload") and len(rest) == 1:
            return self._queue(action, rest[0])
        if section == "queue" and action == "list" and not rest:
            return self._queue_list()
        if section == "tier":
            return self._tier(action, rest)
        return None

    def _load(self, name: str) -> bool:
        try:
            params = parse_queues(self.source(name)).get(name) if self.source else None
        except (OSError, ET.ParseError):
            params = None
        if params is None:
            return False
        with self._lock:
            self.queues[name] = params
        return True

    def _queue(self, action: str, name: str) -> str:
        if action in ("unload", "reload"):
            with self._lock:
                self.queues.pop(name, None)
        if action == "unload":
            return "+OK\n"
        return "+OK\n" if self._load(name) else "-ERR Invalid Queue not found!\n"

    def _queue_list(self) -> str:
        fields = QUEUE_LIST.split("|")
        with self._lock:
            rows = ["|".join([name] + [p.get(f.replace("_", "-"), "") for f in fields[1:]])
                    for name, p in sorted(self.queues.items())]
        return "\n".join([QUEUE_LIST, *rows, "+OK"]) + "\n"

    def _tier(self, action: str, rest: list[str]) -> str:
        if action == "add" and len(rest) >= 2:
            queue, agent = rest[0], rest[1]
            if queue not in self.queues and not self._load(queue):
                return "-ERR Queue not found!\n"
            with self._lock:
                if (queue, agent) in self.tiers:
                    return "-ERR Tier already exist!\n"
                self.tiers[(queue, agent)] = (_int(rest, 2), _int(rest, 3))
            return "+OK\n"
        if action == "set" and len(rest) >= 4 and rest[0] in ("level", "position"):
            key, queue, agent, value = rest[:4]
            with self._lock:
                if (queue, agent) not in self.tiers:
                    return "-ERR Unknown Error!\n"
                level, position = self.tiers[(queue, agent)]
                self.tiers[(queue, agent)] = (_int(rest, 3), position) if key == "level" else (level, _int(rest, 3))
            return "+OK\n"
        if action == "del" and len(rest) >= 2:
            with self._lock:
                self.tiers.pop((rest[0], rest[1]), None)
            return "+OK\n"
        if action == "list":
            with self._lock:
                rows = [f"{q}|{a}|Ready|{lv}|{pos}" for (q, a), (lv, pos) in sorted(self.tiers.items())]
            return "\n".join(["queue|agent|state|level|position", *rows, "+OK"]) + "\n"
        return "-ERR Invalid!\n"

    def route(self, digits, index: int) -> dict:
        """The menu choice of the index-th call (build_call's queue and digit), as the dialplan
        routes it from the globals; {} when the play gave no digits (the default menu key)."""
        if index >= len(digits):
            return {}
        digit = digits[index]
        return {"digit": digit, "queue": self.sim.globals.get(f"hotline_queue_{digit}") or scenarios.QUEUE}


def _int(words: list[str], i: int) -> int:
    try:
        return int(words[i])
    except (IndexError, ValueError):
        return 1


def long_wait(s: scenarios.Script, a: scenarios.Leg, agent: str) -> None:
    """Caller waits 20 s in the queue (no agent offered), then hangs up: positions to announce."""
    scenarios._ivr(s, a)
    scenarios._join_queue(s, a)
    s.wait(17)
    scenarios._hangup(s, a, "NORMAL_CLEARING", complete=False)
    scenarios._cancel(s, a, "BREAK_OUT")
    s.channel("CHANNEL_HANGUP_COMPLETE", a, "NORMAL_CLEARING")


scenarios.SCENARIOS.setdefault("long_wait", long_wait)
