"""knowledge base (issue 15): categories, articles with every saved version, shared call recordings,
and the articles' Chinese full-text search over their jieba tokens (PostgreSQL: a GIN index on
to_tsvector('simple', search_words); SQLite: an FTS5 table over the same column kept in step by
triggers)

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07 00:05:00
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0033'
down_revision = '0032'
branch_labels = None
depends_on = None

VECTOR = "to_tsvector('simple'::regconfig, search_words)"


# Long because it is the five tables of one area, column by column, as the models declare them.
def upgrade():
    op.create_table(
        "kb_category",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("parent_id", sa.Integer(), sa.ForeignKey("kb_category.id"), nullable=True),
        sa.Column("path", sa.String(255), nullable=False),
        sa.Column("sort", sa.Integer(), nullable=False),
    )
    op.create_index("ix_kb_category_path", "kb_category", ["path"])
    op.create_table(
        "kb_article",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("category_id", sa.Integer(), sa.ForeignKey("kb_category.id"), nullable=False),
        sa.Column("department_id", sa.Integer(), sa.ForeignKey("department.id"), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published_version", sa.Integer(), nullable=True),
        sa.Column("review_note", sa.String(500), nullable=False),
        sa.Column("search_words", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("published_by_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
    )
    op.create_index("ix_kb_article_category_id", "kb_article", ["category_id"])
    op.create_index("ix_kb_article_state_valid", "kb_article", ["state", "valid_from", "valid_to"])
    op.create_index("ix_kb_article_department_state", "kb_article", ["department_id", "state"])
    op.create_table(
        "kb_article_version",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("kb_article.id"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("category_id", sa.Integer(), sa.ForeignKey("kb_category.id"), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("article_id", "number"),
    )
    op.create_table(
        "kb_article_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("kb_article.id"), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("from_state", sa.String(12), nullable=False),
        sa.Column("to_state", sa.String(12), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("actor_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_kb_article_event_article_id", "kb_article_event", ["article_id"])
    op.create_table(
        "kb_recording",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("kb_article.id"), nullable=False),
        sa.Column("call_record_id", sa.Integer(), sa.ForeignKey("call_record.id"), nullable=False),
        sa.Column("start_second", sa.Integer(), nullable=True),
        sa.Column("end_second", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(200), nullable=False),
        sa.Column("shared_by_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("shared_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_kb_recording_article_id", "kb_recording", ["article_id"])
    _search_index()


def _search_index():
    if op.get_bind().dialect.name == "postgresql":
        # Stored, so ranking reads the vector instead of re-parsing every matching article's words.
        op.execute(f"ALTER TABLE kb_article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({VECTOR}) STORED")
        op.execute("CREATE INDEX ix_kb_article_words ON kb_article USING gin (search_vector)")
        return
    # External content: the FTS table stores only its index; the words stay in kb_article.
    op.execute("""CREATE VIRTUAL TABLE kb_search USING fts5(search_words, content='kb_article',
                  content_rowid='id', tokenize='unicode61')""")
    op.execute("""CREATE TRIGGER kb_search_insert AFTER INSERT ON kb_article BEGIN
                  INSERT INTO kb_search(rowid, search_words) VALUES (new.id, new.search_words); END""")
    op.execute("""CREATE TRIGGER kb_search_update AFTER UPDATE OF search_words ON kb_article BEGIN
                  INSERT INTO kb_search(kb_search, rowid, search_words) VALUES ('delete', old.id, old.search_words);
                  INSERT INTO kb_search(rowid, search_words) VALUES (new.id, new.search_words); END""")
    op.execute("""CREATE TRIGGER kb_search_delete AFTER DELETE ON kb_article BEGIN
                  INSERT INTO kb_search(kb_search, rowid, search_words) VALUES ('delete', old.id, old.search_words); END""")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_kb_article_words")
        op.execute("ALTER TABLE kb_article DROP COLUMN IF EXISTS search_vector")
    else:
        for trigger in ("kb_search_insert", "kb_search_update", "kb_search_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS kb_search")
    op.drop_table("kb_recording")
    op.drop_table("kb_article_event")
    op.drop_table("kb_article_version")
    op.drop_table("kb_article")
    op.drop_table("kb_category")
