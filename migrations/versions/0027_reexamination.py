"""citizen rating and re-examination requests (issue 14)

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 21:30:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    # citizen_rating: the citizen's online rating, once per case; reexamination: the re-examination
    # request, once per case, linking the original case to the case of the reexamination process.
    op.create_table('citizen_rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('satisfaction', sa.String(length=24), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('completed_visit', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_citizen_rating_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_citizen_rating')),
    sa.UniqueConstraint('case_id', name=op.f('uq_citizen_rating_case_id'))
    )
    op.create_table('reexamination',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('reexam_case_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_reexamination_case_id_case')),
    sa.ForeignKeyConstraint(['reexam_case_id'], ['case.id'], name=op.f('fk_reexamination_reexam_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reexamination')),
    sa.UniqueConstraint('case_id', name=op.f('uq_reexamination_case_id')),
    sa.UniqueConstraint('reexam_case_id', name=op.f('uq_reexamination_reexam_case_id'))
    )


def downgrade():
    op.drop_table('reexamination')
    op.drop_table('citizen_rating')
