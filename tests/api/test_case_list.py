"""工单查询 (/cases): words search and page links that scale to a city's day."""
from __future__ import annotations

import re

import pytest

from api.pages.cases import case as case_page
from tests.api.test_pages import _fresh_limits, signin  # noqa: F401  (fixtures)
from tests.factories import open_case


@pytest.fixture
def seven(actor, monkeypatch):
    """Seven cases, two a page: four pages."""
    monkeypatch.setattr(case_page, "PAGE_SIZE", 2)
    titles = ["夜间施工噪音扰民", "路灯不亮", "井盖缺失", "占道经营", "油烟扰民", "停车难", "楼道堆物"]
    return [open_case(actor("agent"), title=t) for t in titles]


def links(page: str) -> list[str]:
    nav = re.search(r'<nav class="pager".*?</nav>', page, re.S).group(0)
    return re.findall(r">([^<>]+)</a>", nav)


def test_the_list_pages_with_links_to_every_part(signin, seven):
    dispatcher = signin("dispatcher")
    first = dispatcher.get("/cases").get_data(as_text=True)
    assert "共 7 件" in first and seven[-1].case_no in first and seven[0].case_no not in first   # newest first
    assert links(first) == ["1", "2", "3", "4", "下一页 ›"]
    last = dispatcher.get("/cases?page=4").get_data(as_text=True)
    assert seven[0].case_no in last and links(last) == ["‹ 上一页", "1", "2", "3", "4"]
    assert 'aria-current="page"' in last and 'href="/cases?page=3" rel="prev"' in last
    res = dispatcher.get("/cases?page=40")                           # past the end: the last page
    assert res.status_code == 302 and res.headers["Location"].endswith("/cases?page=4")


def test_words_search_the_title_content_and_address(signin, seven):
    dispatcher = signin("dispatcher")
    page = dispatcher.get("/cases?q=扰民").get_data(as_text=True)
    assert "共 2 件" in page and seven[0].case_no in page and seven[4].case_no in page
    assert 'value="扰民"' in page                                     # the words stay in the box
    page = dispatcher.get("/cases?q=施工噪音").get_data(as_text=True)
    assert "共 1 件" in page and seven[0].case_no in page
    res = dispatcher.get("/cases?q=" + "字" * 101)
    assert res.status_code == 422 and "检索字词：最多 100 个字符" in res.get_data(as_text=True)
    assert "name=\"q\"" in res.get_data(as_text=True)                  # the list page, not a dead end


def test_the_api_searches_words_and_answers_an_empty_page_past_the_end(api, seven):
    body = api("dispatcher").get("/api/v1/cases?q=扰民").json
    assert body["total"] == 2 and {c["id"] for c in body["items"]} == {seven[0].id, seven[4].id}
    past = api("dispatcher").get("/api/v1/cases?page=9&page_size=5").json
    assert past["items"] == [] and past["total"] == 7                # clients paging until empty stop
    assert api("dispatcher").get("/api/v1/cases?q=" + "字" * 101).status_code == 422
