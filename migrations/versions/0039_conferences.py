"""telephony: conferences and their live members (issue 18)

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-07 03:40:00

(stub: filled by the issue's work)
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0039'
down_revision = '0038'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
