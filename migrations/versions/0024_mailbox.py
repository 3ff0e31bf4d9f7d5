"""mayor's mailbox (mail intake records) (issue 14)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 21:30:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    # Long because it is one table's definition, column by column, as Alembic writes it.
    # Every mail received, kept (raw bytes in the file store) with its outcome; and how far the
    # IMAP poller read each folder. See engine/channels/mailbox.py.
    op.create_table('inbound_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=64), nullable=False),
    sa.Column('message_id', sa.String(length=300), nullable=True),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('imap_mailbox', sa.String(length=300), nullable=True),
    sa.Column('imap_uidvalidity', sa.BigInteger(), nullable=True),
    sa.Column('imap_uid', sa.BigInteger(), nullable=True),
    sa.Column('raw_sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sender', sa.String(length=320), nullable=False),
    sa.Column('sender_name', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('failure_code', sa.String(length=40), nullable=True),
    sa.Column('failure_detail', sa.Text(), nullable=True),
    sa.Column('notes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_inbound_mail_case_id_case')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_inbound_mail_uploaded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_mail')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_inbound_mail_dedupe_key')),
    sa.UniqueConstraint('imap_mailbox', 'imap_uidvalidity', 'imap_uid', name='uq_inbound_mail_imap')
    )
    with op.batch_alter_table('inbound_mail', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbound_mail_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_inbound_mail_state_created', ['state', 'created_at'], unique=False)
    # A file a citizen sent through a channel (a mail's attachment, a web form's photo) has no
    # uploading user.
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.alter_column('uploaded_by_id', existing_type=sa.Integer(), nullable=True)
    op.create_table('imap_cursor',
    sa.Column('mailbox', sa.String(length=300), nullable=False),
    sa.Column('uidvalidity', sa.BigInteger(), nullable=False),
    sa.Column('last_uid', sa.BigInteger(), nullable=False),
    sa.Column('polled_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('mailbox', name=op.f('pk_imap_cursor'))
    )


def downgrade():
    op.drop_table('imap_cursor')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.alter_column('uploaded_by_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('inbound_mail', schema=None) as batch_op:
        batch_op.drop_index('ix_inbound_mail_state_created')
        batch_op.drop_index(batch_op.f('ix_inbound_mail_case_id'))
    op.drop_table('inbound_mail')
