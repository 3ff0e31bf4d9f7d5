"""first-contact responsibility and accountability records

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 18:10:00

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_contact_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_case_first_contact_id'), ['first_contact_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_case_first_contact_id_user_account'), 'user_account',
                                    ['first_contact_id'], ['id'])
    _search_triggers()
    # Until now the registering agent took every request first.
    op.execute('UPDATE "case" SET first_contact_id = created_by_id')
    op.create_table('accountability_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=24), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=40), nullable=False),
    sa.Column('deadline_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('evidence', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('found_at', sa.DateTime(), nullable=False),
    sa.Column('decision', sa.String(length=40), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_accountability_record_case_id_case')),
    sa.ForeignKeyConstraint(['deadline_id'], ['deadline.id'], name=op.f('fk_accountability_record_deadline_id_deadline')),
    sa.ForeignKeyConstraint(['person_id'], ['user_account.id'], name=op.f('fk_accountability_record_person_id_user_account')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_accountability_record_department_id_department')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_accountability_record_decided_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accountability_record')),
    sa.UniqueConstraint('rule', 'case_id', 'subject', name='uq_accountability_record_rule_case_subject')
    )
    with op.batch_alter_table('accountability_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accountability_record_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_accountability_record_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_accountability_record_found_at'), ['found_at'], unique=False)
        batch_op.create_index('ix_accountability_record_department_found', ['department_id', 'found_at'], unique=False)


def downgrade():
    with op.batch_alter_table('accountability_record', schema=None) as batch_op:
        batch_op.drop_index('ix_accountability_record_department_found')
        batch_op.drop_index(batch_op.f('ix_accountability_record_found_at'))
        batch_op.drop_index(batch_op.f('ix_accountability_record_person_id'))
        batch_op.drop_index(batch_op.f('ix_accountability_record_case_id'))
    op.drop_table('accountability_record')
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_case_first_contact_id_user_account'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_case_first_contact_id'))
        batch_op.drop_column('first_contact_id')
    _search_triggers()


ROW = """coalesce(new.title, '') || ' ' || coalesce(new.content, '') || ' ' || coalesce(new.address, '')"""


def _search_triggers():
    """SQLite rebuilds "case" to add foreign keys, dropping its triggers: put back migration
    0015's, which keep the words search table in step."""
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(f"""CREATE TRIGGER IF NOT EXISTS case_search_insert AFTER INSERT ON "case" BEGIN
                   INSERT INTO case_search(rowid, body) VALUES (new.id, {ROW}); END""")
    op.execute(f"""CREATE TRIGGER IF NOT EXISTS case_search_update AFTER UPDATE OF title, content, address ON "case"
                   BEGIN DELETE FROM case_search WHERE rowid = old.id;
                   INSERT INTO case_search(rowid, body) VALUES (new.id, {ROW}); END""")
    op.execute("""CREATE TRIGGER IF NOT EXISTS case_search_delete AFTER DELETE ON "case" BEGIN
                  DELETE FROM case_search WHERE rowid = old.id; END""")
