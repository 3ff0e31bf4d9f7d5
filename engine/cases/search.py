"""Searching the words of cases (title, content, address) in Chinese, on both databases.

Chinese has no spaces to split words at, so both databases index character trigrams of the text:
PostgreSQL a GIN `pg_trgm` index on the joined columns (C.UTF-8 classifies CJK characters as
letters, so they make trigrams), SQLite an FTS5 table with the `trigram` tokenizer kept in step by
triggers (migration 0015). A term of three or more characters is answered from the index. Many
Chinese words have two characters (路灯, 噪音): no trigram index can answer those, so they are a
substring scan of the cases the other conditions leave (both databases, same results).
"""
from __future__ import annotations

from sqlalchemy import and_, column, literal_column, select, table

from engine.db import db
from engine.models import Case

MAX_LENGTH = 100
INDEXED_FROM = 3     # characters a term needs for the trigram index to answer it
# The very expression the PostgreSQL index is built on: the planner only uses the index for it.
WORDS_SQL = """(coalesce("case".title, '') || ' ' || coalesce("case".content, '') || ' ' || coalesce("case".address, ''))"""
INDEX_NAME = "ix_case_words_trgm"
FTS_TABLE = "case_search"
_fts = table(FTS_TABLE, column("rowid"), column("body"))


def terms(words: str) -> list[str]:
    """The terms of a search: whitespace separates them, every one must occur."""
    return [t for t in words.split() if t][:10]


def words_condition(words: str):
    """SQL condition on Case: every term of `words` occurs in the title, content or address."""
    return and_(*[_term(t) for t in terms(words)])


def _term(term: str):
    if db.session.get_bind().dialect.name == "sqlite" and len(term) >= INDEXED_FROM:
        phrase = '"' + term.replace('"', '""') + '"'     # an FTS5 string: the term verbatim
        return Case.id.in_(select(_fts.c.rowid).where(_fts.c.body.op("MATCH")(phrase)))
    pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return literal_column(WORDS_SQL).ilike(pattern, escape="\\")


def not_modelled(_object, name, type_, _reflected, _compare_to) -> bool:
    """For Alembic's comparison: False for the search index and FTS tables, which no model describes."""
    if type_ == "table" and name and name.startswith((FTS_TABLE, "kb_search")):   # kb_: the knowledge base's
        return False
    if type_ == "column" and name == "search_vector":     # kb_article's generated tsvector (migration 0033)
        return False
    return not (type_ == "index" and name in (INDEX_NAME, "ix_kb_article_words"))
