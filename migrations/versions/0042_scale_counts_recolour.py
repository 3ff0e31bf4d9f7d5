"""scale: indexes for the inbox and combined-query counts and for recolouring (1M cases)

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-07 08:00:00

At 1,000,000 cases (bench/scale.py) three figures grew with the table. Recolouring read every
open deadline to find the few whose colour had changed: two partial indexes on the open limits,
by colour and due/warn date, find just those. The combined query counted a department's open
cases by reading their rows for the status: (lead_department_id, status) counts them from the
index. The inbox's "mine" count read the work items for claimed_by_id: an index carrying it
counts from the index alone.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0042'
down_revision = '0041'
branch_labels = None
depends_on = None

OPEN = "state = 'open'"


def upgrade():
    op.create_index('ix_deadline_open_colour_due', 'deadline', ['colour', 'due_at'], unique=False,
                    postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))
    op.create_index('ix_deadline_open_colour_warn', 'deadline', ['colour', 'warn_at'], unique=False,
                    postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))
    op.create_index('ix_case_lead_status', 'case', ['lead_department_id', 'status'], unique=False)
    op.create_index('ix_work_item_inbox_claimed', 'work_item', ['state', 'department_id', 'role', 'claimed_by_id'],
                    unique=False)


def downgrade():
    op.drop_index('ix_work_item_inbox_claimed', table_name='work_item')
    op.drop_index('ix_case_lead_status', table_name='case')
    op.drop_index('ix_deadline_open_colour_warn', table_name='deadline')
    op.drop_index('ix_deadline_open_colour_due', table_name='deadline')
