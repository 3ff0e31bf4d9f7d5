"""Knowledge base (知识库): the standard answers agents give on a call, and examples of good answers.

Owns the category tree (`categories`), articles with every saved version and the way from draft
through the center's approval to publication and retirement (`articles`, `history`), who may read,
edit and approve them (`access`: a department maintains its own subtree's articles, the center's
shift leads, supervisors and leaders approve), the sanitising of their rich text and their jieba
tokens (`text`), Chinese full-text search ranked by relevance on PostgreSQL and SQLite (`search`),
the direct answer (直接答复) that cites an article on a case (`citing`), and call recordings shared
as examples (`recordings`). Imports `organisation` and `cases` (triage) through their surfaces.
"""
from engine.knowledge import access, articles, categories, citing, history, recordings, search, text

__all__ = ["access", "articles", "categories", "citing", "history", "recordings", "search", "text"]
