"""cases: idempotency keys of intake (issue 16: a client's retry never opens a second case)

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-07 05:00:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0040'
down_revision = '0039'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "intake_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_intake_key_case_id_case"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_intake_key_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_key")),
        sa.UniqueConstraint("user_id", "key", name="uq_intake_key_user_key"),
    )
    op.create_index(op.f("ix_intake_key_created_at"), "intake_key", ["created_at"])


def downgrade():
    op.drop_index(op.f("ix_intake_key_created_at"), table_name="intake_key")
    op.drop_table("intake_key")
