"""the duplicate check's candidates: a category's newest cases (issue 14)

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-06 22:40:00

Every intake from a citizen's channel (and the agent's desk while typing) asks for the newest 300
open cases of the request's category in the last 30 days. With the category's index alone,
PostgreSQL read every case of a large category and sorted them (78 ms a request at 30,000 cases
of one category during bench/channels.py); (category, created_at) reads the newest ones in order
and stops at 300.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_case_category_created', 'case', ['category', 'created_at'], unique=False)


def downgrade():
    op.drop_index('ix_case_category_created', table_name='case')
