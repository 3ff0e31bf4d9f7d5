"""telephony: index the command table by call (issue 16: the worker confirms controls by call id)

Every answer, hold, transfer moment the worker writes looks for the call's newest unconfirmed
control (engine.telephony.live). Call controls are kept as the calls' audit, so the table grows
for good; without this index each look was a scan of it.

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-07 07:00:00
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0041'
down_revision = '0040'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_telephony_command_call", "telephony_command", ["call_id", "id"])


def downgrade():
    op.drop_index("ix_telephony_command_call", table_name="telephony_command")
