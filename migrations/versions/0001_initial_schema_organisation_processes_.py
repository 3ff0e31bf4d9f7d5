"""initial schema: organisation, processes, cases, work items, audit

Revision ID: 0001
Revises: 
Create Date: 2026-11-29 13:47:43.263291

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


# Long because a migration is one schema step as Alembic wrote it, read top to bottom.
def upgrade():
    op.create_table('case_number_counter',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_case_number_counter'))
    )
    op.create_table('department',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('path', sa.String(length=255), nullable=False),
    sa.Column('requires_reply_approval', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['department.id'], name=op.f('fk_department_parent_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department')),
    sa.UniqueConstraint('code', name=op.f('uq_department_code'))
    )
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_department_path'), ['path'], unique=False)

    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_user_account_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('username', name=op.f('uq_user_account_username'))
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_account_department_id'), ['department_id'], unique=False)

    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_api_token_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_table('process_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_id', sa.String(length=100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('xml', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_process_version_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_version')),
    sa.UniqueConstraint('process_id', 'version', name=op.f('uq_process_version_process_id'))
    )
    with op.batch_alter_table('process_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_version_process_id'), ['process_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_process_version_sha256'), ['sha256'], unique=False)

    op.create_table('user_role',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_user_role_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_role')),
    sa.UniqueConstraint('user_id', 'role', name=op.f('uq_user_role_user_id'))
    )
    with op.batch_alter_table('user_role', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_role_user_id'), ['user_id'], unique=False)

    op.create_table('case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_no', sa.String(length=20), nullable=False),
    sa.Column('query_code', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('process_version_id', sa.Integer(), nullable=False),
    sa.Column('blob', sa.JSON(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('citizen_name', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('confidential', sa.Boolean(), nullable=False),
    sa.Column('dispatch_mode', sa.String(length=16), nullable=True),
    sa.Column('lead_department_id', sa.Integer(), nullable=True),
    sa.Column('sign_due_at', sa.DateTime(), nullable=True),
    sa.Column('handle_due_at', sa.DateTime(), nullable=True),
    sa.Column('urge_count', sa.Integer(), nullable=False),
    sa.Column('reopen_count', sa.Integer(), nullable=False),
    sa.Column('return_count', sa.Integer(), nullable=False),
    sa.Column('extension_count', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_case_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['lead_department_id'], ['department.id'], name=op.f('fk_case_lead_department_id_department')),
    sa.ForeignKeyConstraint(['process_version_id'], ['process_version.id'], name=op.f('fk_case_process_version_id_process_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case')),
    sa.UniqueConstraint('case_no', name=op.f('uq_case_case_no')),
    sa.UniqueConstraint('query_code', name=op.f('uq_case_query_code'))
    )
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_channel'), ['channel'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_handle_due_at'), ['handle_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_lead_department_id'), ['lead_department_id'], unique=False)
        batch_op.create_index('ix_case_phone_created', ['phone', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_stage'), ['stage'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_status'), ['status'], unique=False)
        batch_op.create_index('ix_case_status_created', ['status', 'created_at'], unique=False)

    op.create_table('case_department',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=8), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('dispatch_round', sa.Integer(), nullable=False),
    sa.Column('opinion', sa.Text(), nullable=True),
    sa.Column('opinion_by_id', sa.Integer(), nullable=True),
    sa.Column('opinion_at', sa.DateTime(), nullable=True),
    sa.Column('signed_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_case_department_case_id_case')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_case_department_department_id_department')),
    sa.ForeignKeyConstraint(['opinion_by_id'], ['user_account.id'], name=op.f('fk_case_department_opinion_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_department'))
    )
    with op.batch_alter_table('case_department', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_department_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_case_department_dept_active', ['department_id', 'active'], unique=False)

    op.create_table('case_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('from_stage', sa.String(length=32), nullable=True),
    sa.Column('to_stage', sa.String(length=32), nullable=True),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_case_event_actor_id_user_account')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_case_event_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_event'))
    )
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.create_index('ix_case_event_case_id_id', ['case_id', 'id'], unique=False)

    op.create_table('urge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('opinion', sa.Text(), nullable=False),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(), nullable=True),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.Column('response', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['acknowledged_by_id'], ['user_account.id'], name=op.f('fk_urge_acknowledged_by_id_user_account')),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_urge_actor_id_user_account')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_urge_case_id_case')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_urge_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_urge')),
    sa.UniqueConstraint('case_id', 'seq', name=op.f('uq_urge_case_id'))
    )
    with op.batch_alter_table('urge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_urge_case_id'), ['case_id'], unique=False)

    op.create_table('work_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=True),
    sa.Column('task_name', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('form_key', sa.String(length=64), nullable=False),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('urge_id', sa.Integer(), nullable=True),
    sa.Column('claimed_by_id', sa.Integer(), nullable=True),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=True),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.Column('completed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_work_item_case_id_case')),
    sa.ForeignKeyConstraint(['claimed_by_id'], ['user_account.id'], name=op.f('fk_work_item_claimed_by_id_user_account')),
    sa.ForeignKeyConstraint(['completed_by_id'], ['user_account.id'], name=op.f('fk_work_item_completed_by_id_user_account')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_work_item_department_id_department')),
    sa.ForeignKeyConstraint(['urge_id'], ['urge.id'], name=op.f('fk_work_item_urge_id_urge')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_item'))
    )
    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.create_index('ix_work_item_case_state', ['case_id', 'state'], unique=False)
        batch_op.create_index('ix_work_item_claimed', ['claimed_by_id', 'state'], unique=False)
        batch_op.create_index('ix_work_item_inbox', ['state', 'department_id', 'role', 'created_at'], unique=False)



# Long because a migration is one schema step as Alembic wrote it, read top to bottom.
def downgrade():
    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.drop_index('ix_work_item_inbox')
        batch_op.drop_index('ix_work_item_claimed')
        batch_op.drop_index('ix_work_item_case_state')

    op.drop_table('work_item')
    with op.batch_alter_table('urge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_urge_case_id'))

    op.drop_table('urge')
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.drop_index('ix_case_event_case_id_id')

    op.drop_table('case_event')
    with op.batch_alter_table('case_department', schema=None) as batch_op:
        batch_op.drop_index('ix_case_department_dept_active')
        batch_op.drop_index(batch_op.f('ix_case_department_case_id'))

    op.drop_table('case_department')
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_index('ix_case_status_created')
        batch_op.drop_index(batch_op.f('ix_case_status'))
        batch_op.drop_index(batch_op.f('ix_case_stage'))
        batch_op.drop_index('ix_case_phone_created')
        batch_op.drop_index(batch_op.f('ix_case_lead_department_id'))
        batch_op.drop_index(batch_op.f('ix_case_handle_due_at'))
        batch_op.drop_index(batch_op.f('ix_case_created_at'))
        batch_op.drop_index(batch_op.f('ix_case_channel'))
        batch_op.drop_index(batch_op.f('ix_case_category'))

    op.drop_table('case')
    with op.batch_alter_table('user_role', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_role_user_id'))

    op.drop_table('user_role')
    with op.batch_alter_table('process_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_version_sha256'))
        batch_op.drop_index(batch_op.f('ix_process_version_process_id'))

    op.drop_table('process_version')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))

    op.drop_table('api_token')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_account_department_id'))

    op.drop_table('user_account')
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_department_path'))

    op.drop_table('department')
    op.drop_table('case_number_counter')
