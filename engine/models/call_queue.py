"""Call queues (mod_callcenter queues) as admin parameters: the IVR menu digit that leads to each,
its priority among the queues, strategy, waits, position announcement, and the seats serving it.

The switch reads them from the web (mod_xml_curl fetches callcenter.conf, rendered from these rows)
and the worker applies them with `callcenter_config` (engine.telephony.queues).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import db, utcnow


class CallQueue(db.Model):
    """One queue of the switch (`name` is the mod_callcenter queue, e.g. `complaint@default`)."""

    __tablename__ = "call_queue"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(64))                          # 咨询, 投诉, 企业热线
    digit: Mapped[str | None] = mapped_column(String(1), unique=True)       # the IVR menu key, or none
    priority: Mapped[int] = mapped_column(Integer, default=5)               # 1 (first) .. 9 (last)
    strategy: Mapped[str] = mapped_column(String(40), default="longest-idle-agent")
    max_wait_time: Mapped[int] = mapped_column(Integer, default=0)          # seconds; 0: no limit
    max_wait_time_with_no_agent: Mapped[int] = mapped_column(Integer, default=0)
    voicemail_wait: Mapped[int] = mapped_column(Integer, default=0)         # offer voicemail after; 0: never
    announce_position: Mapped[bool] = mapped_column(Boolean, default=True)
    announce_frequency: Mapped[int] = mapped_column(Integer, default=30)    # seconds between announcements
    active: Mapped[bool] = mapped_column(Boolean, default=True)             # loaded on the switch
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    agents: Mapped[list["CallQueueAgent"]] = relationship(
        back_populates="queue", cascade="all, delete-orphan", order_by="CallQueueAgent.extension")


class CallQueueAgent(db.Model):
    """A seat serving a queue: the mod_callcenter tier (`<extension>@default`, level, position)."""

    __tablename__ = "call_queue_agent"

    queue_id: Mapped[int] = mapped_column(ForeignKey("call_queue.id", ondelete="CASCADE"), primary_key=True)
    extension: Mapped[str] = mapped_column(String(16), primary_key=True)
    level: Mapped[int] = mapped_column(Integer, default=1)
    position: Mapped[int] = mapped_column(Integer, default=1)

    queue: Mapped[CallQueue] = relationship(back_populates="agents")
