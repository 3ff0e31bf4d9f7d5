"""outbound campaigns (issue 15)

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-07 00:05:00

A campaign (外呼任务) with its retry rule, the agents who work it (with skill tags), its targets
(one per normalised phone, or per case for satisfaction re-visits) and every attempt. The
attempts and targets keep the normalised phone, indexed: a contact's page lists its outbound
calls by phone.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0035'
down_revision = '0034'
branch_labels = None
depends_on = None


# Long because one migration is one schema step, read top to bottom.
def upgrade():
    op.create_table(
        'campaign',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('purpose', sa.String(length=12), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('assignment', sa.String(length=8), nullable=False),
        sa.Column('max_attempts', sa.Integer(), nullable=False),
        sa.Column('retry_minutes', sa.Integer(), nullable=False),
        sa.Column('retry_results', sa.String(length=60), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=True),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['owner_id'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_campaign_state', 'campaign', ['state'])
    op.create_table(
        'campaign_agent',
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('skills', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id']),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id']),
        sa.PrimaryKeyConstraint('campaign_id', 'user_id'),
    )
    op.create_table(
        'campaign_target',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=40), nullable=False),
        sa.Column('phone', sa.String(length=32), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('call_record_id', sa.Integer(), nullable=True),
        sa.Column('notes', sa.String(length=500), nullable=False),
        sa.Column('skill', sa.String(length=50), nullable=False),
        sa.Column('agent_id', sa.Integer(), nullable=True),
        sa.Column('state', sa.String(length=8), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
        sa.Column('last_result', sa.String(length=12), nullable=True),
        sa.Column('last_attempt_at', sa.DateTime(), nullable=True),
        sa.Column('dial_call_id', sa.String(length=64), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id']),
        sa.ForeignKeyConstraint(['case_id'], ['case.id']),
        sa.ForeignKeyConstraint(['call_record_id'], ['call_record.id']),
        sa.ForeignKeyConstraint(['agent_id'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('campaign_id', 'key', name='uq_campaign_target_key'),
    )
    op.create_index('ix_campaign_target_queue', 'campaign_target', ['agent_id', 'state', 'next_attempt_at'])
    op.create_index('ix_campaign_target_campaign_state', 'campaign_target', ['campaign_id', 'state'])
    op.create_index('ix_campaign_target_phone', 'campaign_target', ['phone'])
    op.create_table(
        'campaign_attempt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('target_id', sa.Integer(), nullable=False),
        sa.Column('phone', sa.String(length=32), nullable=False),
        sa.Column('agent_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('result', sa.String(length=12), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=False),
        sa.Column('call_back_at', sa.DateTime(), nullable=True),
        sa.Column('call_id', sa.String(length=64), nullable=True),
        sa.Column('call_record_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id']),
        sa.ForeignKeyConstraint(['target_id'], ['campaign_target.id']),
        sa.ForeignKeyConstraint(['agent_id'], ['user_account.id']),
        sa.ForeignKeyConstraint(['call_record_id'], ['call_record.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_campaign_attempt_campaign_id', 'campaign_attempt', ['campaign_id'])
    op.create_index('ix_campaign_attempt_target_id', 'campaign_attempt', ['target_id'])
    op.create_index('ix_campaign_attempt_phone', 'campaign_attempt', ['phone'])


def downgrade():
    op.drop_table('campaign_attempt')
    op.drop_table('campaign_target')
    op.drop_table('campaign_agent')
    op.drop_table('campaign')
