"""telephony: call queues and the IVR menu as admin parameters (issue 18)

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-07 03:40:00

Two new tables only (nothing of 0037's switch ids is touched): `call_queue` (one mod_callcenter
queue: menu digit, priority, strategy, waits, position announcement) and `call_queue_agent` (the
seats serving it: the switch's tiers).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0038'
down_revision = '0037'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "call_queue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=64), nullable=False),
        sa.Column("digit", sa.String(length=1), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("strategy", sa.String(length=40), nullable=False),
        sa.Column("max_wait_time", sa.Integer(), nullable=False),
        sa.Column("max_wait_time_with_no_agent", sa.Integer(), nullable=False),
        sa.Column("voicemail_wait", sa.Integer(), nullable=False),
        sa.Column("announce_position", sa.Boolean(), nullable=False),
        sa.Column("announce_frequency", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("digit"),
    )
    op.create_table(
        "call_queue_agent",
        sa.Column("queue_id", sa.Integer(), nullable=False),
        sa.Column("extension", sa.String(length=16), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["queue_id"], ["call_queue.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("queue_id", "extension"),
    )


def downgrade():
    op.drop_table("call_queue_agent")
    op.drop_table("call_queue")
