"""An article's text: rich text sanitised on the way in, plain text and jieba tokens for search.

Only a small set of tags survives (the editor's bold, italic, lists, links, headings); scripts,
styles, event attributes and javascript: links never reach the database, so the pages may show
the stored HTML as it is.
"""
from __future__ import annotations

import html
import logging
import re
from functools import lru_cache

import nh3

TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote"}
ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
TITLE_WEIGHT = 3        # title tokens are repeated: a word of the title counts as much as three of the body
# Words callers say that tell nothing about the matter (the agent types what the caller says).
STOP_WORDS = frozenset("""你好 您好 一下 怎么 怎样 如何 需要 哪里 什么 我想 请问 问题 可以 这个 那个 没有 现在 谢谢
    就是 还是 因为 所以 已经 我们 你们 他们 一个 知道 咨询 市民 来电 反映 情况 想问 是否 能否 需不需要
    办理 相关 规定 部门 工作日""".split())     # the last ones: in nearly every article of a government hotline
_WORD = re.compile(r"[\w]", re.UNICODE)


def sanitize(body: str) -> str:
    """The HTML the editor sent, with everything outside the allowed tags and links removed."""
    return nh3.clean(body or "", tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer").strip()


def plain(body_html: str) -> str:
    """The text of sanitised HTML, block ends as spaces (for search, previews and answers)."""
    spaced = re.sub(r"</(p|li|h2|h3|h4|blockquote)>|<br\s*/?>", "\n", body_html or "")
    return html.unescape(nh3.clean(spaced, tags=set())).strip()


@lru_cache(maxsize=1)
def segmenter():
    import jieba
    import jieba.analyse

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def _tokens(text: str) -> list[str]:
    return [t.lower() for t in segmenter().cut_for_search(text) if _WORD.search(t) and t.strip()]


def search_words(title: str, body_html: str) -> str:
    """The words the index holds: the title's tokens TITLE_WEIGHT times, then the body's."""
    return " ".join(_tokens(title) * TITLE_WEIGHT + _tokens(plain(body_html)))


def query_terms(typed: str, limit: int = 6) -> list[str]:
    """The terms a search looks for, most telling first (jieba's TF-IDF keywords of what was typed).

    A short query keeps every word it has; a long one (the case text an agent types) its keywords.
    """
    typed = (typed or "")[:2000]
    keywords = [t.lower() for t in segmenter().analyse.extract_tags(typed, topK=limit * 2)]
    if not keywords:
        keywords = _tokens(typed)
    seen: list[str] = []
    for term in keywords:
        if term not in STOP_WORDS and term not in seen and _WORD.search(term):
            seen.append(term)
    return seen[:limit]
