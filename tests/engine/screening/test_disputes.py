"""The manual 矛盾纠纷排查表: validation naming the fields, who may register for which
department, and the list within each one's scope."""
from __future__ import annotations

from datetime import date

import pytest

from engine import screening
from engine.errors import NotFound, PermissionDenied, ValidationFailed
from tests.engine.screening.helpers import demo_lists  # noqa: F401  (fixture)


def dispute(dept, department="xs_xs", **changes) -> dict:
    return {"found_on": "2026-11-20", "place": "青松镇河桥村村委会", "area_id": str(dept("xs_qs")),
            "parties": "村民甲、某建筑公司", "risk_type_code": "land_demolition", "description": "征地补偿款分配争议",
            "people_count": "12", "risk_level": "larger", "measures": "村委会组织调解", "department_id": str(dept(department)),
            "reporter": "网格员 刘", **changes}


def test_register_and_read(actor, dept, demo_lists):
    row = screening.disputes.register(actor=actor("xs_xs_handler"), data=dispute(dept))
    assert (row.found_on, row.people_count, row.risk_level, row.department_id, row.area_id) == \
        (date(2026, 11, 20), 12, "larger", dept("xs_xs"), dept("xs_qs"))
    assert row.created_by_id == actor("xs_xs_handler").user_id
    assert screening.disputes.get_dispute(actor("xs_leader"), row.id).id == row.id      # parent district
    with pytest.raises(PermissionDenied):
        screening.disputes.get_dispute(actor("dh_leader"), row.id)
    with pytest.raises(NotFound):
        screening.disputes.get_dispute(actor("leader"), row.id + 1000)


def test_validation_names_each_field(actor, dept, demo_lists):
    with pytest.raises(ValidationFailed) as missing:
        screening.disputes.register(actor=actor("leader"), data={"measures": "无"})
    assert set(missing.value.errors) == {"found_on", "place", "parties", "risk_type_code", "description",
                                         "people_count", "risk_level", "department_id", "reporter"}
    with pytest.raises(ValidationFailed) as bad:
        screening.disputes.register(actor=actor("leader"), data=dispute(
            dept, found_on="2026-13-01", risk_type_code="nonsense", people_count="0", risk_level="huge",
            area_id=str(dept("zjj"))))
    assert set(bad.value.errors) == {"found_on", "risk_type_code", "people_count", "risk_level"}
    with pytest.raises(ValidationFailed) as later:
        screening.disputes.register(actor=actor("leader"), data=dispute(dept, found_on="2099-01-01",
                                                                        area_id=str(dept("zjj"))))
    assert set(later.value.errors) == {"found_on", "area_id"}     # a bureau is no area


def test_who_registers_for_which_department(actor, dept, demo_lists):
    with pytest.raises(PermissionDenied):
        screening.disputes.register(actor=actor("dh_hb_leader"), data=dispute(dept))          # not their subtree
    with pytest.raises(PermissionDenied):
        screening.disputes.register(actor=actor("agent"), data=dispute(dept))
    assert screening.disputes.register(actor=actor("xs_leader"), data=dispute(dept)).department_id == dept("xs_xs")
    assert screening.disputes.register(actor=actor("supervisor"), data=dispute(dept, "zjj")).department_id == dept("zjj")


def test_list_filters_and_scope(actor, dept, demo_lists):
    center = actor("leader")
    a = screening.disputes.register(actor=center, data=dispute(dept, found_on="2026-11-01"))
    b = screening.disputes.register(actor=center, data=dispute(dept, "dh_hb", found_on="2026-11-10", risk_level="major",
                                                               risk_type_code="petition"))
    c = screening.disputes.register(actor=center, data=dispute(dept, "xs_qs", found_on="2026-11-20"))
    ids = lambda page: [r.id for r in page.items]   # noqa: E731
    assert ids(screening.disputes.list_disputes(center)) == [c.id, b.id, a.id]           # newest found first
    assert ids(screening.disputes.list_disputes(actor("xs_leader"))) == [c.id, a.id]
    assert ids(screening.disputes.list_disputes(actor("xs_xs_handler"))) == [a.id]
    assert ids(screening.disputes.list_disputes(center, start=date(2026, 11, 5), end=date(2026, 11, 20))) == [c.id, b.id]
    assert ids(screening.disputes.list_disputes(center, risk_level="major")) == [b.id]
    assert ids(screening.disputes.list_disputes(center, risk_type="land_demolition", department_id=dept("xs"))) == \
        [c.id, a.id]
    second = screening.disputes.list_disputes(center, page=2, page_size=2)
    assert (second.total, ids(second)) == (3, [a.id])
