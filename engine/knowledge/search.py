"""Chinese full-text search of the articles, ranked by relevance, on both databases.

Chinese has no spaces, so the words are cut by jieba when an article is saved and kept, space
separated, in `kb_article.search_words` (title tokens repeated, engine.knowledge.text). The query
is cut the same way and reduced to its most telling keywords (jieba's TF-IDF); the two first must both
occur when that fills a page (few articles to rank), else the first alone, else any of the first three:
- PostgreSQL: `search_vector`, a stored `to_tsvector('simple', search_words)` with a GIN index,
  matched by `@@` and ranked by the sum of each keyword's `ts_rank` weighted by jieba's IDF of it
  (ts_rank alone knows no rarity: a common word would count as much as a rare one);
- SQLite: the FTS5 table `kb_search` over the same column (unicode61 splits at the spaces),
  matched by MATCH and ranked by FTS5's `bm25()`, which weighs rarity from the corpus itself.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, literal_column, or_, select, text as sql_text

from engine.db import db
from engine.knowledge.text import query_terms, segmenter
from engine.models import KbArticle, KbCategory

DEFAULT_IDF = 8.0
FALLBACK_TERMS = 3       # words the any-word fallback looks for and ranks by


@dataclass(frozen=True)
class Hit:
    article_id: int
    score: float


def valid_now(today):
    """SQL condition: published and within its validity today (what agents are offered)."""
    return and_(KbArticle.state == "published",
                or_(KbArticle.valid_from.is_(None), KbArticle.valid_from <= today),
                or_(KbArticle.valid_to.is_(None), KbArticle.valid_to >= today))


def in_category(category_id: int):
    """SQL condition: the article's category is that one or lies below it."""
    path = select(KbCategory.path).where(KbCategory.id == category_id).scalar_subquery()
    return KbArticle.category_id.in_(select(KbCategory.id).where(KbCategory.path.like(path + "%")))


def search(typed: str, conditions: list, *, limit: int, offset: int = 0) -> tuple[list[Hit], int]:
    """Ranked hits among the articles meeting `conditions`, and how many matched in all."""
    terms = query_terms(typed)
    if not terms:
        return [], 0
    run = _postgres if db.session.get_bind().dialect.name == "postgresql" else _sqlite
    # Narrowest first, widening only while a page is not filled (page-independent): the two most
    # telling words together, then the most telling alone, then any of the few most telling. Each
    # ranks what it matched by every word; few articles match the narrow ones, so few are ranked
    # (a long complaint's common word, 投诉, alone brought 9,000 of 50,000 to rank: 144 ms p95).
    steps = [(2, 2), (1, 1), (1, FALLBACK_TERMS)] if len(terms) > 1 else [(1, 1)]
    for required, among in steps:
        hits, total = run(terms, conditions, limit, offset, required=required, among=among)
        if total >= limit or (required, among) == steps[-1]:
            return hits, total
    return [], 0


def _idf(term: str) -> float:
    tfidf = segmenter().analyse.default_tfidf
    return tfidf.idf_freq.get(term, tfidf.median_idf or DEFAULT_IDF)


def _postgres(terms: list[str], conditions: list, limit: int, offset: int, required: int, among: int):
    """Articles holding the first `required` terms (all of them), or with required 1 any of the
    first `among`; ranked by every term."""
    vector = literal_column("kb_article.search_vector")
    query = " & ".join(_quoted(terms[:required])) if required > 1 else " | ".join(_quoted(terms[:among]))
    matched = vector.op("@@")(func.to_tsquery(literal_column("'simple'::regconfig"), query))
    score = sum((func.ts_rank(vector, func.plainto_tsquery(literal_column("'simple'::regconfig"), t)) * _idf(t)
                 for t in terms[1:]),
                func.ts_rank(vector, func.plainto_tsquery(literal_column("'simple'::regconfig"), terms[0])) * _idf(terms[0]))
    rows = db.session.execute(select(KbArticle.id, score.label("score"), func.count().over().label("total"))
                              .where(matched, *conditions)
                              .order_by(literal_column("score").desc(), KbArticle.id).limit(limit).offset(offset)).all()
    return [Hit(r.id, float(r.score)) for r in rows], _total(rows, offset, conditions, matched)


def _total(rows, offset: int, conditions: list, matched) -> int:
    """The window's count rides on every row; a page past the end has none and counts once more."""
    if rows:
        return rows[0].total
    if not offset:
        return 0
    return db.session.execute(select(func.count()).select_from(KbArticle).where(matched, *conditions)).scalar()


def _quoted(terms: list[str]) -> list[str]:
    """tsquery lexemes, quoted so that no character of a term is read as an operator."""
    return ["'" + t.replace("\\", "\\\\").replace("'", "''") + "'" for t in terms]


def _sqlite(terms: list[str], conditions: list, limit: int, offset: int, required: int, among: int):
    """As _postgres; bm25 ranks by the terms matched."""
    quoted = ['"' + t.replace('"', '""') + '"' for t in terms]
    match = " AND ".join(quoted[:required]) if required > 1 else " OR ".join(quoted[:among])
    # MATERIALIZED: the matches are found once; else the planner may walk the articles by state and
    # run the full-text match again for each of them (seconds over 50,000 articles).
    fts = select(literal_column("rowid").label("id"), literal_column("bm25(kb_search)").label("rank")) \
        .select_from(sql_text("kb_search")).where(literal_column("kb_search").op("MATCH")(match)) \
        .cte("fts").prefix_with("MATERIALIZED")
    matched = KbArticle.id.in_(select(fts.c.id))
    rows = db.session.execute(select(KbArticle.id, fts.c.rank, func.count().over().label("total")).select_from(fts)
                              .join(KbArticle, and_(KbArticle.id == fts.c.id, *conditions))
                              .order_by(fts.c.rank, KbArticle.id).limit(limit).offset(offset)).all()
    return [Hit(r.id, -float(r.rank)) for r in rows], _total(rows, offset, conditions, matched)
