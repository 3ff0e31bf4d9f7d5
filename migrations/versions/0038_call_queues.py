"""telephony: call queues and the IVR menu as admin parameters (issue 18)

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-07 03:40:00

(stub: filled by the issue's work)
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0038'
down_revision = '0037'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
