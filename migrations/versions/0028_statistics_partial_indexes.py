"""statistics: partial indexes for the rare facts, a covering index for the limits (issue 13)

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06 21:40:00

延期率 and 退回率 were the slowest figures of a month at 1,000,000 cases (bench/kpis.py):
one joined every case for its extension count, the other read every sign-for event's JSON to
find the returns. The extended cases and the returns are a few in a hundred: a partial index on
each answers "which of these cases" from a small index alone. The limits' period index carries
the columns the figures read (PostgreSQL's INCLUDE), so a month's limits are read without their
table. A case dispatched or handled again is a later round of its sign-for or handling limit:
the two partial indexes on those few rounds let the figures count the many cases with one round
as they are and group only the few (a year at 1M cases: grouping all of them spilled to disk). A figure grouped
by a case's column (category, channel, lead department …) joins the case through a narrow covering
index of those columns instead of reading the case rows.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None

RETURNED_PG = "action = 'sign_for' AND (data ->> 'decision') = 'return'"
RETURNED_SQLITE = "action = 'sign_for' AND JSON_EXTRACT(data, '$.\"decision\"') = 'return'"
DISPATCHED_AGAIN = "stage = 'sign_for' AND role = 'lead' AND round > 1"
HANDLED_AGAIN = "stage = 'handling' AND role = 'lead' AND round > 1"


def upgrade():
    op.create_index('ix_case_event_returned', 'case_event', ['created_at', 'case_id'], unique=False,
                    postgresql_where=sa.text(RETURNED_PG), sqlite_where=sa.text(RETURNED_SQLITE))
    op.create_index('ix_case_extended', 'case', ['id'], unique=False,
                    postgresql_where=sa.text("extension_count > 0"), sqlite_where=sa.text("extension_count > 0"))
    op.drop_index('ix_deadline_stage_completed', table_name='deadline')
    op.create_index('ix_deadline_stage_completed', 'deadline', ['stage', 'completed_at'], unique=False,
                    postgresql_include=['role', 'state', 'case_id', 'department_id'])
    # SQLite has no INCLUDE: there it is an index on the key alone, harmless and small
    op.create_index('ix_case_dimensions', 'case', ['id'], unique=False,
                    postgresql_include=['lead_department_id', 'category', 'channel', 'area_id', 'dispatch_mode'])
    op.create_index('ix_deadline_dispatched_again', 'deadline', ['started_at', 'case_id'], unique=False,
                    postgresql_where=sa.text(DISPATCHED_AGAIN), sqlite_where=sa.text(DISPATCHED_AGAIN))
    op.create_index('ix_deadline_handled_again', 'deadline', ['completed_at', 'case_id'], unique=False,
                    postgresql_where=sa.text(HANDLED_AGAIN), sqlite_where=sa.text(HANDLED_AGAIN))


def downgrade():
    op.drop_index('ix_deadline_handled_again', table_name='deadline')
    op.drop_index('ix_deadline_dispatched_again', table_name='deadline')
    op.drop_index('ix_case_dimensions', table_name='case')
    op.drop_index('ix_deadline_stage_completed', table_name='deadline')
    op.create_index('ix_deadline_stage_completed', 'deadline', ['stage', 'completed_at'], unique=False)
    op.drop_index('ix_case_extended', table_name='case')
    op.drop_index('ix_case_event_returned', table_name='case_event')
