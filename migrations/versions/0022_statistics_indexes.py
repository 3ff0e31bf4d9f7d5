"""statistics indexes: the KPI queries' period filters (issue 13)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 18:10:00

Every KPI of engine.statistics selects the facts of a period by one moment: an event's
created_at per action, a case's closed_at, a limit's completed_at per stage, a call's arrival.
Without these indexes each of them read the whole table (bench/kpis.py, 1,000,000 cases,
5,000,000 events, 1,700,000 limits, 3,000,000 calls: 150-650 ms a query for one month, see
docs/PERFORMANCE.md). case_event (action, created_at, case_id) also answers "the cases with such
an event in the period" from the index alone. The call index is on the expression the queries
filter by, coalesce(arrived_at, created_at) (a record written before the switch reported the
arrival has only created_at).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.create_index('ix_case_event_action_created', ['action', 'created_at', 'case_id'], unique=False)
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.create_index('ix_case_closed', ['closed_at'], unique=False)
    with op.batch_alter_table('deadline', schema=None) as batch_op:
        batch_op.create_index('ix_deadline_stage_completed', ['stage', 'completed_at'], unique=False)
    op.create_index('ix_call_record_arrival_or_created', 'call_record',
                    [sa.text('coalesce(arrived_at, created_at)')], unique=False)


def downgrade():
    op.drop_index('ix_call_record_arrival_or_created', table_name='call_record')
    with op.batch_alter_table('deadline', schema=None) as batch_op:
        batch_op.drop_index('ix_deadline_stage_completed')
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_index('ix_case_closed')
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.drop_index('ix_case_event_action_created')
