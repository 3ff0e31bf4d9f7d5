"""saved custom reports and department evaluation

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 18:10:00

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    # Department evaluation keeps no table: its weights and bands are parameters (evaluation.*).
    op.create_table('saved_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('spec', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_saved_report_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_report')),
    sa.UniqueConstraint('role', 'name', name='uq_saved_report_role_name')
    )
    with op.batch_alter_table('saved_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_report_created_by_id'), ['created_by_id'], unique=False)


def downgrade():
    with op.batch_alter_table('saved_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_report_created_by_id'))
    op.drop_table('saved_report')
