"""The engine as one switch's telephony worker sees it: `engine.telephony.live` and the call-record
store, with the worker's switch id stamped on everything it writes.

`flask telephony run --switch ID` builds `SwitchHooks(ID, default=…)` and passes `hooks` and
`hooks.store` to `telephony.worker.Worker`, which knows nothing of switch ids: its call records,
feed moments (and with them the seats they move), the CDRs it reads and its live snapshot carry
the id, and it takes only the commands queued for its switch (plus, on the default switch, those
naming none). See engine.telephony.switches for where commands go.
"""
from __future__ import annotations

from sqlalchemy import update

from engine.db import db
from engine.models import CallCdr
from engine.telephony import calls, live, passes, switches


class SwitchHooks:
    """`engine.telephony.live` for the worker of switch `switch_id` (None: a worker without an id,
    as before several switches: it writes no id and takes the commands that name no switch)."""

    def __init__(self, switch_id: str | None, default: bool = True) -> None:
        if switch_id is not None and not switches.SWITCH_ID.fullmatch(switch_id):
            raise ValueError(f"a switch id is 1-64 letters, digits and _ . : - (got {switch_id!r})")
        self.switch_id, self.default = switch_id, default
        self.state = switches.state_name(switch_id, default)

    def __getattr__(self, name: str):
        return getattr(live, name)     # what carries no switch id is live's own

    def feed(self, **moment) -> int:
        return live.feed(**moment, switch_id=self.switch_id)

    def write_pass(self, moments: list[dict], records: list[dict]) -> list[bool]:
        return passes.write_pass(moments, records, switch_id=self.switch_id)

    def take_commands(self, limit: int = live.COMMANDS_PER_POLL) -> list[tuple[int, str]]:
        return live.take_commands(self.switch_id, limit, default=self.default)

    def write_state(self, name: str, value: dict) -> None:
        live.write_state(self.state if name == switches.LIVE else name, {**value, "switch": self.switch_id})

    def cdrs_after(self, last_id: int, limit: int = 500, core_uuids: set[str] | None = None) -> list[tuple[int, dict]]:
        """CDRs of this switch's Core-UUIDs, stamped with its id as they are read."""
        rows = live.cdrs_after(last_id, limit, core_uuids)
        if rows and self.switch_id is not None:
            db.session.execute(update(CallCdr).where(CallCdr.id.in_([i for i, _ in rows]), CallCdr.switch_id.is_(None))
                               .values(switch_id=self.switch_id))
            db.session.commit()
        return rows

    def store(self, *, call: dict, commit: bool = True) -> bool:
        """engine.telephony.calls.record with the call's switch."""
        return calls.record(call={**call, "switch_id": self.switch_id}, commit=commit)
