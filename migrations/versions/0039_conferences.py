"""telephony: conferences and their live members (issue 18)

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-07 03:40:00

`conference`: a host's conference room on a case (name `case-<case_no>-<id>`, open/ended, the
switch's Conference-Unique-ID); `conference_member`: each party, invited (its leg is our
origination uuid) or seen joining, with the switch's Member-ID and mute state, moved by the
worker from `conference::maintenance` events.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0039'
down_revision = '0038'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'conference',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('host_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=8), nullable=False),
        sa.Column('switch_uuid', sa.String(length=64), nullable=True),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('ended_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['case.id']),
        sa.ForeignKeyConstraint(['host_id'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('name'),
    )
    op.create_index('ix_conference_case', 'conference', ['case_id', 'started_at'])
    op.create_index('ix_conference_status', 'conference', ['status', 'id'])
    op.create_table(
        'conference_member',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('conference_id', sa.Integer(), nullable=False),
        sa.Column('leg_id', sa.String(length=64), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('label', sa.String(length=120), nullable=False),
        sa.Column('number', sa.String(length=32), nullable=False),
        sa.Column('status', sa.String(length=8), nullable=False),
        sa.Column('muted', sa.Boolean(), nullable=False),
        sa.Column('talking', sa.Boolean(), nullable=False),
        sa.Column('command_id', sa.Integer(), nullable=True),
        sa.Column('invited_at', sa.DateTime(), nullable=False),
        sa.Column('joined_at', sa.DateTime(), nullable=True),
        sa.Column('left_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['conference_id'], ['conference.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('conference_id', 'leg_id', name='uq_conference_member_leg'),
    )
    op.create_index('ix_conference_member_conference_id', 'conference_member', ['conference_id'])


def downgrade():
    op.drop_index('ix_conference_member_conference_id', table_name='conference_member')
    op.drop_table('conference_member')
    op.drop_index('ix_conference_status', table_name='conference')
    op.drop_index('ix_conference_case', table_name='conference')
    op.drop_table('conference')
