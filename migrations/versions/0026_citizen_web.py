"""citizen web form verification and inbound SMS (issue 14)

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 21:30:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


# Long because a migration is one schema step as Alembic wrote it, read top to bottom.
def upgrade():
    # phone_verification: salted hashes of the codes sent to prove a phone; web_submission: what the
    # per-phone and per-address limits count (one row per accepted or honeypot-caught post);
    # inbound_sms: every message the webhook took, once per carrier id, with its result.
    op.create_table('phone_verification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('salt', sa.String(length=32), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('client_ip', sa.String(length=64), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_phone_verification'))
    )
    op.create_index('ix_phone_verification_phone_created', 'phone_verification', ['phone', 'created_at'], unique=False)
    op.create_table('web_submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('place_key', sa.String(length=120), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('client_ip', sa.String(length=64), nullable=False),
    sa.Column('honeypot', sa.Boolean(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_web_submission_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_web_submission'))
    )
    op.create_index('ix_web_submission_phone_created', 'web_submission', ['phone', 'created_at'], unique=False)
    op.create_index('ix_web_submission_place_created', 'web_submission', ['place_key', 'created_at'], unique=False)
    op.create_table('inbound_sms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.String(length=100), nullable=False),
    sa.Column('sender', sa.String(length=32), nullable=False),
    sa.Column('recipient', sa.String(length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('result', sa.String(length=16), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('answer', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_inbound_sms_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_sms')),
    sa.UniqueConstraint('message_id', name=op.f('uq_inbound_sms_message_id'))
    )
    op.create_index(op.f('ix_inbound_sms_sender'), 'inbound_sms', ['sender'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_inbound_sms_sender'), table_name='inbound_sms')
    op.drop_table('inbound_sms')
    op.drop_index('ix_web_submission_place_created', table_name='web_submission')
    op.drop_index('ix_web_submission_phone_created', table_name='web_submission')
    op.drop_table('web_submission')
    op.drop_index('ix_phone_verification_phone_created', table_name='phone_verification')
    op.drop_table('phone_verification')
