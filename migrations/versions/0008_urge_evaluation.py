"""urge evaluation

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 15:15:50.732136

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('urge', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evaluation', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('evaluation_note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('evaluated_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('evaluated_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_urge_evaluated_by_id_user_account'), 'user_account', ['evaluated_by_id'], ['id'])



def downgrade():
    with op.batch_alter_table('urge', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_urge_evaluated_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('evaluated_at')
        batch_op.drop_column('evaluated_by_id')
        batch_op.drop_column('evaluation_note')
        batch_op.drop_column('evaluation')

