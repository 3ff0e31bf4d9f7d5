"""work_item indexes: inbox order (state, created_at, id); completed by (completed_by_id, form_key)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 15:20:00

A department's inbox page (`/inbox?scope=department`) sorts the open items of its subtree by
creation time and shows 30. With only ix_work_item_inbox (state, department_id, ...) PostgreSQL
sorted every open item of the subtree first (36-100 ms at 100,000 cases); walking this index in
order and stopping after 30 matches takes under 1 ms.

The combined query filters by the handler who completed the lead's or a co-department's task;
without an index on completed_by_id that read every done item (they accumulate forever).
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.create_index('ix_work_item_state_created', ['state', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_work_item_completed_by', ['completed_by_id', 'form_key'], unique=False)


def downgrade():
    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.drop_index('ix_work_item_completed_by')
        batch_op.drop_index('ix_work_item_state_created')
