"""Chinese full-text search of cases: the same answers on both databases, from the trigram index
where a term is long enough for one, in the actor's scope, kept in step with intake edits."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from engine.cases import intake_edit, query
from engine.cases.service import list_cases
from engine.db import db
from tests.factories import open_case, to_handling


@pytest.fixture
def cases(actor, dept):
    agent = actor("agent")
    return {
        "noise": open_case(agent, title="夜间施工噪音扰民", content="工地每晚十一点后仍在打桩。", address="幸福路12号"),
        "lamp": open_case(agent, title="路灯不亮", content="Abc 小区门口路灯坏了三天。", address="人民大道88号"),
        "odd": open_case(agent, title="满意度100%_测试", content="物业费上涨。", address="幸福里"),
        "street": to_handling(actor, dept, lead="xs_xs", title="占道经营", content="早市摊贩占用人行道。",
                              address="西山街道幸福路口"),
    }


def found(actor, words: str) -> set[int]:
    return {c.id for c in list_cases(actor=actor, filters={"q": words}, page_size=100).items}


def test_words_are_found_in_title_content_and_address(actor, cases):
    center = actor("dispatcher")
    ids = {name: c.id for name, c in cases.items()}
    assert found(center, "施工噪音") == {ids["noise"]}                  # a title, from the index
    assert found(center, "路灯") == {ids["lamp"]}                       # two characters: a scan
    assert found(center, "打桩") == {ids["noise"]}                       # the content
    assert found(center, "幸福路") == {ids["noise"], ids["street"]}      # the address
    assert found(center, "幸福") == {ids["noise"], ids["odd"], ids["street"]}
    assert found(center, "幸福路 打桩") == {ids["noise"]}                # every term must occur
    assert found(center, "abc") == found(center, "ABC") == {ids["lamp"]}  # Latin letters in any case
    assert found(center, "100%") == found(center, "%_") == {ids["odd"]}  # wildcards are plain text
    assert found(center, "%") == {ids["odd"]} and found(center, "_") == {ids["odd"]}
    assert found(center, "地铁站") == set() and found(center, '"噪音"') == set()


def test_search_stays_in_scope_and_combines_with_the_other_filters(actor, dept, cases):
    street = cases["street"]
    assert found(actor("xs_handler"), "幸福") == {street.id}            # a street sees its own cases only
    center = actor("dispatcher")
    result = query.search(actor=center, filters=query.parse_filters({"q": "幸福", "category": "complaint"}))
    assert {f.case.id for f in result.items} == {cases["noise"].id, cases["odd"].id, street.id}
    assert result.total == 3
    elsewhere = str(dept("zjj"))                                        # leads none of them
    result = query.search(actor=center, filters=query.parse_filters({"q": "幸福", "lead_department_id": elsewhere}))
    assert result.total == 0


def test_an_intake_edit_is_searchable_at_once(actor, cases):
    case = cases["lamp"]
    intake_edit.edit_intake(case_id=case.id, actor=actor("agent"), reason="更正标题",
                            data={"title": "井盖缺失", "content": "人行道井盖丢失，有安全隐患。"},
                            expected_version=case.version)
    assert found(actor("dispatcher"), "井盖缺失") == {case.id} and found(actor("dispatcher"), "路灯") == set()


def test_a_long_term_is_answered_from_the_index(app, actor, cases, is_postgres):
    condition = query.conditions(actor("dispatcher"), query.parse_filters({"q": "施工噪音"}))
    statement = db.select(db.text("1")).select_from(db.metadata.tables["case"]).where(*condition)
    sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
    if is_postgres:
        db.session.execute(text("SET LOCAL enable_seqscan = off"))     # a handful of rows: force the choice
        plan = "\n".join(db.session.execute(text("EXPLAIN " + sql)).scalars())
        assert "ix_case_words_trgm" in plan
    else:
        plan = " ".join(str(row) for row in db.session.execute(text("EXPLAIN QUERY PLAN " + sql)))
        assert "case_search VIRTUAL TABLE" in plan
    db.session.rollback()


def test_too_long_a_search_is_refused(actor):
    from engine.errors import ValidationFailed
    with pytest.raises(ValidationFailed) as refused:
        query.parse_filters({"q": "字" * 101})
    assert "q" in refused.value.errors
    with pytest.raises(ValidationFailed):
        list_cases(actor=actor("dispatcher"), filters={"q": "字" * 101})
