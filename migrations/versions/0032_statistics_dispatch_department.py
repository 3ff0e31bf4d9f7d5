"""statistics: each dispatch with the department it went to, from the index alone (issue 13)

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07 00:05:00

退回率 now counts a case at the department of its first dispatch in the period, read from the lead
sign-for limit each dispatch opens (engine.statistics.cases.return_rate), instead of joining every
dispatched case to read its current lead department. This partial index holds exactly those
limits, ordered by when they started, with the case and the department: a year of them
(760,000 at 1M cases) is read from the index without touching the table on PostgreSQL.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None

DISPATCHES = "stage = 'sign_for' AND role = 'lead'"


def upgrade():
    op.create_index('ix_deadline_dispatched', 'deadline', ['started_at'], unique=False,
                    postgresql_include=['case_id', 'department_id', 'round'],
                    postgresql_where=sa.text(DISPATCHES), sqlite_where=sa.text(DISPATCHES))


def downgrade():
    op.drop_index('ix_deadline_dispatched', table_name='deadline')
