"""telephony: switch ids on commands, calls and seats; call direction (issues 16, 18)

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-07 03:40:00

(stub: filled by the issue's work)
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0037'
down_revision = '0036'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
