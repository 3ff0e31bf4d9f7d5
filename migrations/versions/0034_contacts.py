"""contacts, call notes and imports (issue 15)

Contacts (one per citizen or organisation) with their normalised phones (unique), tags, links
to the cases, calls and SMS seen with those phones, the learn job's cursors and the audit of
manual merges; call notes (通话备注); Excel import jobs and their per-row errors.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-07 00:05:00
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0034'
down_revision = '0033'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    _contacts()
    _contact_history()
    _imports()


def _contacts():
    op.create_table(
        'contact',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('kind', sa.String(12), nullable=False),
        sa.Column('name', sa.String(100), nullable=False),
        sa.Column('other_names', JSON, nullable=False),
        sa.Column('organisation', sa.String(200), nullable=False),
        sa.Column('address', sa.String(300), nullable=False),
        sa.Column('classification', sa.String(12), nullable=False),
        sa.Column('notes', sa.Text(), nullable=False),
        sa.Column('sms_consent', sa.Boolean(), nullable=False),
        sa.Column('sms_consent_at', sa.DateTime()),
        sa.Column('outbound_consent', sa.Boolean(), nullable=False),
        sa.Column('outbound_consent_at', sa.DateTime()),
        sa.Column('source', sa.String(12), nullable=False),
        sa.Column('merged_into_id', sa.Integer(), sa.ForeignKey('contact.id')),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
    )
    op.create_table(
        'contact_phone',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('contact_id', sa.Integer(), sa.ForeignKey('contact.id'), nullable=False),
        sa.Column('phone', sa.String(32), nullable=False, unique=True),
        sa.Column('label', sa.String(20), nullable=False),
        sa.Column('source', sa.String(12), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
    )
    op.create_index('ix_contact_phone_contact_id', 'contact_phone', ['contact_id'])
    op.create_table(
        'contact_tag',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('contact_id', sa.Integer(), sa.ForeignKey('contact.id'), nullable=False),
        sa.Column('tag', sa.String(40), nullable=False),
        sa.UniqueConstraint('contact_id', 'tag'),
    )
    op.create_index('ix_contact_tag_tag', 'contact_tag', ['tag'])


def _contact_history():
    op.create_index('ix_contact_name', 'contact', ['name'])
    op.create_index('ix_contact_merged_into_id', 'contact', ['merged_into_id'])
    op.create_table(
        'contact_link',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('contact_id', sa.Integer(), sa.ForeignKey('contact.id'), nullable=False),
        sa.Column('source', sa.String(12), nullable=False),
        sa.Column('source_id', sa.Integer(), nullable=False),
        sa.UniqueConstraint('source', 'source_id'),
    )
    op.create_index('ix_contact_link_contact', 'contact_link', ['contact_id', 'source'])
    op.create_table(
        'contact_cursor',
        sa.Column('source', sa.String(12), primary_key=True),
        sa.Column('last_id', sa.Integer(), nullable=False),
    )
    op.create_table(
        'contact_merge',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('kept_id', sa.Integer(), sa.ForeignKey('contact.id'), nullable=False),
        sa.Column('merged_id', sa.Integer(), sa.ForeignKey('contact.id'), nullable=False),
        sa.Column('actor_id', sa.Integer(), sa.ForeignKey('user_account.id')),
        sa.Column('moved', JSON, nullable=False),
        sa.Column('reason', sa.String(200), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
    )
    op.create_index('ix_contact_merge_kept_id', 'contact_merge', ['kept_id'])
    op.create_index('ix_contact_merge_merged_id', 'contact_merge', ['merged_id'])
    op.create_table(
        'call_note',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('call_record_id', sa.Integer(), sa.ForeignKey('call_record.id'), nullable=False),
        sa.Column('contact_id', sa.Integer(), sa.ForeignKey('contact.id')),
        sa.Column('author_id', sa.Integer(), sa.ForeignKey('user_account.id'), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
    )
    op.create_index('ix_call_note_call_record_id', 'call_note', ['call_record_id'])
    op.create_index('ix_call_note_contact_id', 'call_note', ['contact_id'])


def _imports():
    op.create_table(
        'import_job',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('target', sa.String(32), nullable=False),
        sa.Column('filename', sa.String(200), nullable=False),
        sa.Column('file_sha256', sa.String(64), nullable=False),
        sa.Column('headers', JSON, nullable=False),
        sa.Column('mapping', JSON, nullable=False),
        sa.Column('options', JSON, nullable=False),
        sa.Column('state', sa.String(10), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('processed', sa.Integer(), nullable=False),
        sa.Column('good', sa.Integer(), nullable=False),
        sa.Column('bad', sa.Integer(), nullable=False),
        sa.Column('duplicates', sa.Integer(), nullable=False),
        sa.Column('checkpoint', sa.Integer(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('worker', sa.String(64)),
        sa.Column('heartbeat_at', sa.DateTime()),
        sa.Column('error', sa.Text()),
        sa.Column('created_by_id', sa.Integer(), sa.ForeignKey('user_account.id'), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('started_at', sa.DateTime()),
        sa.Column('finished_at', sa.DateTime()),
    )
    op.create_index('ix_import_job_state', 'import_job', ['state', 'heartbeat_at'])
    op.create_table(
        'import_error',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('job_id', sa.Integer(), sa.ForeignKey('import_job.id'), nullable=False),
        sa.Column('row_no', sa.Integer(), nullable=False),
        sa.Column('field', sa.String(40), nullable=False),
        sa.Column('code', sa.String(24), nullable=False),
        sa.Column('message', sa.String(200), nullable=False),
        sa.Column('raw', JSON, nullable=False),
    )
    op.create_index('ix_import_error_job_row', 'import_error', ['job_id', 'row_no'])


def downgrade():
    for index, table in (('ix_import_error_job_row', 'import_error'), ('ix_import_job_state', 'import_job')):
        op.drop_index(index, table_name=table)
    op.drop_table('import_error')
    op.drop_table('import_job')
    op.drop_index('ix_call_note_contact_id', table_name='call_note')
    op.drop_index('ix_call_note_call_record_id', table_name='call_note')
    op.drop_table('call_note')
    op.drop_index('ix_contact_merge_kept_id', table_name='contact_merge')
    op.drop_index('ix_contact_merge_merged_id', table_name='contact_merge')
    op.drop_table('contact_merge')
    op.drop_table('contact_cursor')
    op.drop_index('ix_contact_link_contact', table_name='contact_link')
    op.drop_table('contact_link')
    op.drop_index('ix_contact_tag_tag', table_name='contact_tag')
    op.drop_table('contact_tag')
    op.drop_index('ix_contact_phone_contact_id', table_name='contact_phone')
    op.drop_table('contact_phone')
    op.drop_index('ix_contact_name', table_name='contact')
    op.drop_index('ix_contact_merged_into_id', table_name='contact')
    op.drop_table('contact')
