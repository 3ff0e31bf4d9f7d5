"""case words search: a trigram index of title, content and address (PostgreSQL pg_trgm GIN,
SQLite FTS5 trigram table kept in step by triggers), for Chinese full-text search of cases

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 15:10:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

# Must stay identical to engine.cases.search.WORDS_SQL (the planner matches the expression).
WORDS = """(coalesce("case".title, '') || ' ' || coalesce("case".content, '') || ' ' || coalesce("case".address, ''))"""
ROW = """coalesce(new.title, '') || ' ' || coalesce(new.content, '') || ' ' || coalesce(new.address, '')"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(f'CREATE INDEX ix_case_words_trgm ON "case" USING gin ({WORDS} gin_trgm_ops)')
        return
    op.execute("CREATE VIRTUAL TABLE case_search USING fts5(body, tokenize='trigram')")
    op.execute("""INSERT INTO case_search(rowid, body) SELECT id, coalesce(title, '') || ' ' ||
                  coalesce(content, '') || ' ' || coalesce(address, '') FROM "case" """)
    op.execute(f"""CREATE TRIGGER case_search_insert AFTER INSERT ON "case" BEGIN
                   INSERT INTO case_search(rowid, body) VALUES (new.id, {ROW}); END""")
    op.execute(f"""CREATE TRIGGER case_search_update AFTER UPDATE OF title, content, address ON "case" BEGIN
                   DELETE FROM case_search WHERE rowid = old.id;
                   INSERT INTO case_search(rowid, body) VALUES (new.id, {ROW}); END""")
    op.execute("""CREATE TRIGGER case_search_delete AFTER DELETE ON "case" BEGIN
                  DELETE FROM case_search WHERE rowid = old.id; END""")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_case_words_trgm")
        return
    for trigger in ("case_search_insert", "case_search_update", "case_search_delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS case_search")
