"""audit: the case's newest event hash on the case row (issue 16: one read less per case action)

A case action appends its events to the case's hash chain; it read the chain's head from
`case_event` on every action. The head now rides on the case row the action has locked and
updates anyway. NULL means "not known here, read it from the trail", so existing cases need no
backfill: their first action reads the head once and keeps it.

Revision ID: 0043
Revises: 0042
Create Date: 2026-12-07 10:30:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0043'
down_revision = '0042'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("case") as batch:
        batch.add_column(sa.Column("event_head", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("case") as batch:
        batch.drop_column("event_head")
