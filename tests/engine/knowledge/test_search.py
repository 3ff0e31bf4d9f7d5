"""Search relevance on a fixed Chinese corpus, on the configured database (SQLite FTS5 / PostgreSQL
tsvector over jieba tokens): the expected article comes first; drafts and expired articles are
never suggested to agents."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from engine.knowledge import articles
from engine.knowledge.text import query_terms, search_words
from tests.engine.knowledge.helpers import category, kb_clean, published  # noqa: F401  (fixtures)

CORPUS = [
    ("住房公积金提取办理指南", "<p>购房、租房、退休可以提取住房公积金，携带身份证和银行卡到管理中心办理提取。</p>"),
    ("住房公积金贷款额度计算", "<p>公积金贷款额度按缴存余额的15倍计算，最高60万元。</p>"),
    ("社保卡丢失补办流程", "<p>社保卡丢失后先挂失，再带身份证到银行网点补办社保卡。</p>"),
    ("灵活就业人员社保缴费", "<p>灵活就业人员可在电子税务局缴纳养老保险和医疗保险。</p>"),
    ("小学一年级入学报名", "<p>适龄儿童凭户口簿和房产证在网上报名入学，非本市户籍需居住证。</p>"),
    ("网购七日无理由退货", "<p>网购商品收货七日内可以无理由退货，商家拒绝的可投诉。</p>"),
    ("夜间施工噪音投诉处理", "<p>晚上十点后工地施工产生噪音扰民，由生态环境局查处，可拍视频取证。</p>"),
    ("路灯不亮报修", "<p>道路路灯不亮、损坏由城市管理局维修，三个工作日内修复。</p>"),
    ("出租车拒载投诉", "<p>出租车拒载、绕路，记下车牌号，向交通运输局投诉。</p>"),
    ("居住证办理条件", "<p>在本市居住半年以上，有合法稳定就业或住所，可申请居住证。</p>"),
]
EXPECTED = [
    ("公积金提取", "住房公积金提取办理指南"),
    ("公积金贷款能贷多少", "住房公积金贷款额度计算"),
    ("社保卡丢了怎么补办", "社保卡丢失补办流程"),
    ("晚上工地施工噪音太大睡不着", "夜间施工噪音投诉处理"),
    ("网购退货", "网购七日无理由退货"),
    ("您好，我家孩子今年六岁，想咨询一下小学入学报名需要什么材料", "小学一年级入学报名"),
    ("出租车司机拒载", "出租车拒载投诉"),
]


@pytest.fixture
def corpus(actor, dept, category):
    cat = category("政策咨询")
    return {title: published(actor, dept, cat, title, body).id for title, body in CORPUS}


@pytest.mark.parametrize("query, expected", EXPECTED)
def test_the_expected_article_ranks_first(corpus, actor, query, expected):
    found = articles.suggest(actor=actor("agent"), typed=query)
    assert found, query
    assert found[0].title == expected


def test_a_word_in_the_title_outranks_the_same_word_in_a_body(corpus, actor):
    titles = [a.title for a in articles.suggest(actor=actor("agent"), typed="居住证")]
    assert titles[0] == "居住证办理条件" and "小学一年级入学报名" in titles


def test_only_published_currently_valid_articles_are_suggested(corpus, actor, dept, category):
    writer = actor("zjj_handler")
    cat = category("政策咨询")
    articles.create(actor=writer, data={"title": "公积金提取新规（草稿）", "body": "<p>公积金提取</p>", "category_id": cat})
    yesterday = date.today() - timedelta(days=2)
    published(actor, dept, cat, "公积金提取旧规", "<p>公积金提取</p>", valid_to=yesterday.isoformat())
    future = published(actor, dept, cat, "公积金提取明年新规", "<p>公积金提取</p>",
                       valid_from=(date.today() + timedelta(days=30)).isoformat())
    retired = published(actor, dept, cat, "公积金提取废止规定", "<p>公积金提取</p>")
    articles.transition(actor=writer, article_id=retired.id, action="retire")
    titles = {a.title for a in articles.suggest(actor=actor("agent"), typed="公积金提取")}
    assert titles == {"住房公积金提取办理指南", "住房公积金贷款额度计算"}
    # the list page of an approver still finds them all (with their states)
    listed = {a.title for a in articles.list_articles(actor=actor("shift_lead"), q="公积金提取").items}
    assert {"公积金提取新规（草稿）", "公积金提取旧规", future.title, retired.title} <= listed


def test_search_pages_and_counts(corpus, actor):
    first = articles.list_articles(actor=actor("agent"), q="投诉", page_size=2)
    second = articles.list_articles(actor=actor("agent"), q="投诉", page=2, page_size=2)
    assert first.total == second.total >= 3
    assert not {a.id for a in first.items} & {a.id for a in second.items}


def test_operators_in_a_query_are_words_not_syntax(corpus, actor):
    assert articles.suggest(actor=actor("agent"), typed="\"公积金\" OR ' | & ! NEAR(提取)")[0].title.startswith("住房公积金")
    assert articles.suggest(actor=actor("agent"), typed="！！！？？") == []


def test_tokens_weight_the_title_and_keep_only_keywords_of_long_text():
    words = search_words("公积金提取", "<p>身份证</p>").split()
    assert words.count("公积金") == 3 and words.count("身份证") == 1
    assert "怎么" not in query_terms("我想问一下公积金怎么提取")
