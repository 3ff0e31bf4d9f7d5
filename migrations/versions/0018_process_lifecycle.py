"""process lifecycle: a version is a draft, published (at most one per process, the one new
cases start on) or retired; who published it and when; the form definitions uploaded with it.
Existing versions: the newest of each process is published, older ones retired.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 16:05:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('process_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.String(length=12), nullable=False, server_default='draft'))
        batch_op.add_column(sa.Column('published_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('published_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('retired_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('forms', sa.JSON(), nullable=True))
        batch_op.create_index(batch_op.f('ix_process_version_state'), ['state'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_process_version_published_by_id_user_account'), 'user_account', ['published_by_id'], ['id'])
    # Until now the newest version started new cases: it is the published one.
    op.execute("""UPDATE process_version SET state = 'published', published_at = created_at
                  WHERE version = (SELECT max(p.version) FROM process_version p
                                   WHERE p.process_id = process_version.process_id)""")
    op.execute("""UPDATE process_version SET state = 'retired', retired_at = created_at
                  WHERE state = 'draft'""")


def downgrade():
    with op.batch_alter_table('process_version', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_process_version_published_by_id_user_account'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_process_version_state'))
        batch_op.drop_column('forms')
        batch_op.drop_column('retired_at')
        batch_op.drop_column('published_by_id')
        batch_op.drop_column('published_at')
        batch_op.drop_column('state')
