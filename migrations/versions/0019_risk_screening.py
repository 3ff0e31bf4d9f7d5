"""risk screening (keyword lists, case risk flags, manual dispute register)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 18:10:00

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


# Long because a migration is one schema step as Alembic wrote it, read top to bottom.
def upgrade():
    op.create_table('risk_type',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('keywords', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('sort', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_risk_type_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_type')),
    sa.UniqueConstraint('code', name=op.f('uq_risk_type_code'))
    )
    op.create_table('case_risk_flag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('risk_type_code', sa.String(length=32), nullable=False),
    sa.Column('words', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('flagged_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_case_risk_flag_case_id_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_risk_flag')),
    sa.UniqueConstraint('case_id', 'risk_type_code', name=op.f('uq_case_risk_flag_case_id'))
    )
    with op.batch_alter_table('case_risk_flag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_risk_flag_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_case_risk_flag_flagged_type', ['flagged_at', 'risk_type_code'], unique=False)

    op.create_table('dispute_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('found_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('parties', sa.Text(), nullable=False),
    sa.Column('risk_type_code', sa.String(length=32), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('people_count', sa.Integer(), nullable=False),
    sa.Column('risk_level', sa.String(length=8), nullable=False),
    sa.Column('measures', sa.Text(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('reporter', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['department.id'], name=op.f('fk_dispute_record_area_id_department')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_dispute_record_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_dispute_record_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispute_record'))
    )
    with op.batch_alter_table('dispute_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispute_record_found_on'), ['found_on'], unique=False)
        batch_op.create_index('ix_dispute_record_department_found', ['department_id', 'found_on'], unique=False)


def downgrade():
    with op.batch_alter_table('dispute_record', schema=None) as batch_op:
        batch_op.drop_index('ix_dispute_record_department_found')
        batch_op.drop_index(batch_op.f('ix_dispute_record_found_on'))
    op.drop_table('dispute_record')
    with op.batch_alter_table('case_risk_flag', schema=None) as batch_op:
        batch_op.drop_index('ix_case_risk_flag_flagged_type')
        batch_op.drop_index(batch_op.f('ix_case_risk_flag_case_id'))
    op.drop_table('case_risk_flag')
    op.drop_table('risk_type')
