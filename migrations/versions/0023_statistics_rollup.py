"""statistics rollup: the additive KPIs per Shanghai day (issue 13)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 19:20:00

kpi_day holds, per day × leaf department × category × channel, the numerator and denominator of
every additive figure (engine.statistics.rollup fills it with the raw queries themselves), so a
month or a year sums a few thousand rows instead of reading a million cases. Its primary key
starts with the day: a period is an index range. rollup_state is one row: the days held and the
last nightly sweep.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('kpi_day',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('numerator', sa.Float(), nullable=False),
    sa.Column('denominator', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('day', 'code', 'department_id', 'category', 'channel', name=op.f('pk_kpi_day'))
    )
    op.create_table('rollup_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=True),
    sa.Column('last_day', sa.Date(), nullable=True),
    sa.Column('swept_on', sa.Date(), nullable=True),
    sa.Column('refreshed_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rollup_state'))
    )
    # the one state row exists from the start, so every refresh can lock it
    op.bulk_insert(sa.table('rollup_state', sa.column('id', sa.Integer())), [{'id': 1}])


def downgrade():
    op.drop_table('rollup_state')
    op.drop_table('kpi_day')
