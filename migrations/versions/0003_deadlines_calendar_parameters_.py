"""deadlines, calendar, parameters, notifications

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 14:21:28.933261

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


# Long because a migration is one schema step as Alembic wrote it, read top to bottom.
def upgrade():
    op.create_table('calendar_day',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('is_workday', sa.Boolean(), nullable=False),
    sa.Column('label', sa.String(length=50), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_calendar_day_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_calendar_day'))
    )
    op.create_table('calendar_year',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['user_account.id'], name=op.f('fk_calendar_year_confirmed_by_id_user_account')),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_calendar_year'))
    )
    op.create_table('config_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('old', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('new', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_config_change_actor_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_config_change'))
    )
    with op.batch_alter_table('config_change', schema=None) as batch_op:
        batch_op.create_index('ix_config_change_area_key', ['area', 'key'], unique=False)

    op.create_table('parameter',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('value', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_parameter_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_parameter'))
    )
    op.create_table('deadline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=8), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('working_days', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('warn_at', sa.DateTime(), nullable=False),
    sa.Column('provisional', sa.Boolean(), nullable=False),
    sa.Column('colour', sa.String(length=8), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('paused_at', sa.DateTime(), nullable=True),
    sa.Column('paused_days', sa.Integer(), nullable=False),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.Column('notified_colour', sa.String(length=8), nullable=True),
    sa.Column('escalated_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_deadline_case_id_case')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_deadline_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline'))
    )
    with op.batch_alter_table('deadline', schema=None) as batch_op:
        batch_op.create_index('ix_deadline_case', ['case_id', 'state'], unique=False)
        batch_op.create_index('ix_deadline_state_due', ['state', 'due_at'], unique=False)

    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('recipient', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=120), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('provider_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_notification_case_id_case')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notification_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_notification_dedupe_key'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_notification_due', ['status', 'next_attempt_at'], unique=False)

    op.create_table('overtime_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('deadline_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('measures', sa.Text(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_overtime_report_actor_id_user_account')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_overtime_report_case_id_case')),
    sa.ForeignKeyConstraint(['deadline_id'], ['deadline.id'], name=op.f('fk_overtime_report_deadline_id_deadline')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_overtime_report'))
    )
    with op.batch_alter_table('overtime_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_overtime_report_case_id'), ['case_id'], unique=False)

    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('due_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('warn_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('due_provisional', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('suspended', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index(batch_op.f('ix_case_due_at'), ['due_at'], unique=False)

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=32), nullable=True))

    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('warn_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('due_provisional', sa.Boolean(), nullable=False, server_default=sa.false()))



# Long because a migration is one schema step as Alembic wrote it, read top to bottom.
def downgrade():
    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.drop_column('due_provisional')
        batch_op.drop_column('warn_at')

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('phone')

    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_due_at'))
        batch_op.drop_column('suspended')
        batch_op.drop_column('due_provisional')
        batch_op.drop_column('warn_at')
        batch_op.drop_column('due_at')

    with op.batch_alter_table('overtime_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_overtime_report_case_id'))

    op.drop_table('overtime_report')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_due')
        batch_op.drop_index(batch_op.f('ix_notification_case_id'))

    op.drop_table('notification')
    with op.batch_alter_table('deadline', schema=None) as batch_op:
        batch_op.drop_index('ix_deadline_state_due')
        batch_op.drop_index('ix_deadline_case')

    op.drop_table('deadline')
    op.drop_table('parameter')
    with op.batch_alter_table('config_change', schema=None) as batch_op:
        batch_op.drop_index('ix_config_change_area_key')

    op.drop_table('config_change')
    op.drop_table('calendar_year')
    op.drop_table('calendar_day')
