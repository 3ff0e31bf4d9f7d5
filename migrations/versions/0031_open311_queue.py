"""Open311 requests queued for intake (issue 14)

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07 00:05:00

A POST is answered once the request is validated and stored (with a token, as GeoReport v2 allows);
the case is opened from the queue by the scheduler (engine.channels.open311_requests.open_queued).
At a peak of app and WeChat submissions the answer no longer waits for the workflow, the audit
trail and the duplicate check: 200 posts a second are stored on 2 cores, where 47 a second could be
opened while the client waited. A request waits as `queued` with its validated intake fields, then
is `opened` (case_id set in the case's own transaction) or `failed` (kept with the error, shown to
the administrator, never dropped).
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade():
    with op.batch_alter_table('open311_request', schema=None) as batch_op:
        batch_op.alter_column('case_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('state', sa.String(length=10), nullable=False, server_default='opened'))
        batch_op.add_column(sa.Column('intake', JSON, nullable=True))
        batch_op.add_column(sa.Column('error', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('opened_at', sa.DateTime(), nullable=True))
    # The drain reads the oldest waiting requests; opened ones (nearly all) stay out of the index.
    op.create_index('ix_open311_request_waiting', 'open311_request', ['id'], unique=False,
                    postgresql_where=sa.text("state = 'queued'"), sqlite_where=sa.text("state = 'queued'"))


def downgrade():
    op.drop_index('ix_open311_request_waiting', table_name='open311_request')
    op.execute("DELETE FROM open311_request WHERE case_id IS NULL")
    with op.batch_alter_table('open311_request', schema=None) as batch_op:
        batch_op.drop_column('opened_at')
        batch_op.drop_column('error')
        batch_op.drop_column('intake')
        batch_op.drop_column('state')
        batch_op.alter_column('case_id', existing_type=sa.Integer(), nullable=False)
