"""telephony: switch ids on commands, calls and seats; call direction (issues 16, 18)

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-07 03:40:00

Several FreeSWITCH boxes, one worker each (docs/TELEPHONY.md, "Several switches"): what a worker
writes carries its switch id (`call_record`, `call_feed`, `call_cdr`, `agent_status` when its
events move a seat) and every queued command names the switch that must carry it out
(`telephony_command.switch_id`, NULL = the default switch; taken by (switch_id, status, id)).

`call_record.direction` ('inbound' / 'outbound'): outbound calls were recognised only by the
queue name 'outbound'; the existing rows are filled from it.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0037'
down_revision = '0036'
branch_labels = None
depends_on = None

SWITCHED = ('telephony_command', 'call_feed', 'call_cdr', 'agent_status', 'call_record')


def upgrade():
    for table in SWITCHED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('switch_id', sa.String(length=64), nullable=True))
    with op.batch_alter_table('call_record') as batch:
        batch.add_column(sa.Column('direction', sa.String(length=8), nullable=False, server_default='inbound'))
    op.create_index('ix_telephony_command_switch', 'telephony_command', ['switch_id', 'status', 'id'])
    record = sa.table('call_record', sa.column('queue', sa.String), sa.column('direction', sa.String))
    op.execute(record.update().where(record.c.queue == 'outbound').values(direction='outbound'))


def downgrade():
    # plain DROP COLUMN (SQLite 3.35+ too): a batch copy would lose call_record's expression index
    # (0022) and the AUTOINCREMENT of call_feed and call_cdr
    op.drop_index('ix_telephony_command_switch', table_name='telephony_command')
    op.drop_column('call_record', 'direction')
    for table in SWITCHED:
        op.drop_column(table, 'switch_id')
