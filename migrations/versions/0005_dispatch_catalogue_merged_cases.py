"""dispatch catalogue; merged cases

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 14:54:19.504314

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dispatch_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('keyword', sa.String(length=50), nullable=False),
    sa.Column('lead_department_id', sa.Integer(), nullable=False),
    sa.Column('co_department_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['lead_department_id'], ['department.id'], name=op.f('fk_dispatch_rule_lead_department_id_department')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_dispatch_rule_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispatch_rule'))
    )
    with op.batch_alter_table('dispatch_rule', schema=None) as batch_op:
        batch_op.create_index('ix_dispatch_rule_category_active', ['category', 'active'], unique=False)

    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_case_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_case_merged_into_id_case'), 'case', ['merged_into_id'], ['id'])



def downgrade():
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_case_merged_into_id_case'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_case_merged_into_id'))
        batch_op.drop_column('merged_into_id')

    with op.batch_alter_table('dispatch_rule', schema=None) as batch_op:
        batch_op.drop_index('ix_dispatch_rule_category_active')

    op.drop_table('dispatch_rule')
