"""Exporting the registry: scoped, masked unless the role may export in full (with a reason),
and every export is in the access log with its count and filters — never the data."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from core.errors import NotAllowed
from core.models import AuditEvent
from people.exports import registry_export
from people.models import ResidentStatus
from people.selectors import RegistryFilters
from people.tests.registry_helpers import actor, client_for, id_number, register
from testkit import TinyCity

pytestmark = pytest.mark.django_db


def _rows(content: bytes) -> list[list[object]]:
    wb = load_workbook(io.BytesIO(content), read_only=True)
    return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]


def _download(response) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(response.streaming_content)


def test_masked_export_for_a_grid_worker(tiny_city: TinyCity) -> None:
    r = register(
        tiny_city.inside.household, "张伟", phone="13912345678", flags=("is_elderly_alone",)
    )
    client = client_for(tiny_city, "grid_worker")
    page = client.get("/registry/export/").content.decode()
    assert 'name="full"' not in page  # a grid worker may export only masked
    before = AuditEvent.objects.count()
    response = client.post("/registry/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    rows = _rows(_download(response))
    header = rows[0]
    assert header[:4] == ["网格", "楼栋", "房号", "姓名"] and "身份证号" in header
    body = {row[header.index("姓名")]: row for row in rows[1:]}
    assert set(body) == {"张内0", "张内1", "张伟"}  # the grid only
    row = body["张伟"]
    id_number = r.person.id_number or ""
    assert row[header.index("身份证号")] == f"{id_number[:6]}********{id_number[-4:]}"
    assert row[header.index("联系电话")] == "139****5678"
    assert row[header.index("独居老人")] == "是" and row[header.index("残疾")] == "否"
    with translation.override("zh-hans"):  # labels in the headers' language, whatever the UI's
        assert row[header.index("状态")] == str(ResidentStatus.PRESENT.label)
    event = AuditEvent.objects.order_by("-pk").first()
    assert AuditEvent.objects.count() == before + 1 and event is not None
    assert event.action == "export_masked" and event.user == tiny_city.users["grid_worker"]
    assert event.detail["count"] == 3 and event.detail["full"] is False
    assert event.place_path.startswith(tiny_city.inside.grid.path)
    assert id_number not in str(event.detail) and "张伟" not in str(event.detail)


def test_full_export_needs_a_reason_and_is_audited(tiny_city: TinyCity) -> None:
    r = register(tiny_city.sibling.household, "李娜", phone="13912345678")
    client = client_for(tiny_city, "community_admin")
    before = AuditEvent.objects.count()
    response = client.post("/registry/export/?q=lina", {"full": "on", "reason": " "})
    assert response.status_code == 400
    assert 'data-testid="error-reason"' in response.content.decode()
    assert AuditEvent.objects.count() == before
    response = client.post(
        "/registry/export/?q=lina&status=living",
        {"full": "on", "reason": "区指挥部排查名单"},
    )
    assert response.status_code == 200
    rows = _rows(_download(response))
    header = rows[0]
    assert len(rows) == 2
    assert rows[1][header.index("身份证号")] == r.person.id_number
    assert rows[1][header.index("联系电话")] == "13912345678"
    event = AuditEvent.objects.get(pk__gt=0, action="export")
    assert event.detail == {
        "count": 1,
        "filters": {"q": True, "status": "living"},
        "full": True,
        "reason": "区指挥部排查名单",
    }
    assert event.place_path == tiny_city.inside.community.path
    assert "lina" not in str(event.detail) and "13912345678" not in str(event.detail)


def test_roles_that_may_not_export_in_full_are_refused(tiny_city: TinyCity) -> None:
    with pytest.raises(NotAllowed):
        registry_export(
            actor=actor(tiny_city, "grid_worker"),
            filters=RegistryFilters(),
            full=True,
            reason="想要",
        )
    # Logins are audited too (core.audit): count the exports only.
    exports = AuditEvent.objects.filter(action="export")
    before = exports.count()
    response = client_for(tiny_city, "grid_worker").post(
        "/registry/export/", {"full": "on", "reason": "想要"}
    )
    assert response.status_code == 403
    for role in ("building_head", "health_worker", "volunteer", "resident"):
        assert client_for(tiny_city, role).get("/registry/export/").status_code == 403, role
        assert client_for(tiny_city, role).post("/registry/export/").status_code == 403, role
    assert exports.count() == before


def test_export_is_scoped_and_follows_the_filters(tiny_city: TinyCity) -> None:
    register(tiny_city.inside.household, "孙奶奶", flags=("is_elderly_alone",))
    register(tiny_city.other_district.household, "孙爷爷", flags=("is_elderly_alone",))
    export = registry_export(
        actor=actor(tiny_city, "district_admin"),
        filters=RegistryFilters(flags=("is_elderly_alone",)),
    )
    rows = _rows(export.file.read())
    assert [row[3] for row in rows[1:]] == ["孙奶奶"]
    assert export.count == 1 and not export.full
    # The city sees both; the list page's export link carries its filters.
    export = registry_export(
        actor=actor(tiny_city, "city_admin"), filters=RegistryFilters(flags=("is_elderly_alone",))
    )
    assert export.count == 2
    html = (
        client_for(tiny_city, "community_admin")
        .get("/registry/", {"flag": "is_elderly_alone"})
        .content.decode()
    )
    assert "/registry/export/?flag=is_elderly_alone" in html


def test_a_big_export_streams(tiny_city: TinyCity, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    from people.models import Person, Resident
    from places.services import ancestor_columns

    columns = ancestor_columns(tiny_city.inside.building)
    people = Person.objects.bulk_create(Person(name=f"居民{i}") for i in range(3000))
    Resident.objects.bulk_create(
        Resident(person=p, household=tiny_city.inside.household, **columns) for p in people
    )
    with django_assert_max_num_queries(12):
        export = registry_export(
            actor=actor(tiny_city, "community_admin"), filters=RegistryFilters()
        )
    assert export.count == 3004
    assert len(_rows(export.file.read())) == 3005


def test_export_covers_only_the_areas_of_export_roles(tiny_city: TinyCity) -> None:
    """A community admin who is also building head elsewhere exports the community only."""
    from accounts.models import Grant
    from accounts.selectors import actor_for_user

    user = tiny_city.users["community_admin"]
    Grant.objects.create(user=user, role="building_head", place=tiny_city.other_street.building)
    both = actor_for_user(user)
    export = registry_export(actor=both, filters=RegistryFilters(), full=True, reason="核对")
    names = {row[3] for row in _rows(export.file.read())[1:]}
    assert names == {"张内0", "张内1", "【SIB】邻居0", "【SIB】邻居1"}


# ---- nothing in a masked file gives the ID back (issue 15, item 5) ----------------------------


def _cells_text(content: bytes) -> str:
    return "\n".join(str(c) for row in _rows(content) for c in row if c is not None)


def test_a_masked_export_shows_the_birth_year_not_the_birth_date(tiny_city: TinyCity) -> None:
    """The hidden digits of 420103********6672 are the birth date: the masked file must not
    carry it in another column."""
    born = datetime.date(1983, 3, 6)
    r = register(tiny_city.inside.household, "王芳", id_no=id_number(born=born))
    id_no = r.person.id_number or ""
    for role in ("grid_worker", "community_admin", "street_admin", "city_admin"):
        content = registry_export(actor=actor(tiny_city, role), filters=RegistryFilters()).file
        data = content.read()
        rows = _rows(data)
        header = rows[0]
        assert "出生日期" not in header and "出生年份" in header, role
        row = next(row for row in rows[1:] if row[header.index("姓名")] == "王芳")
        assert row[header.index("出生年份")] == 1983
        assert row[header.index("身份证号")] == f"{id_no[:6]}********{id_no[-4:]}"
        text = _cells_text(data)
        assert "1983-03-06" not in text and "19830306" not in text, role
        assert "0306" not in text.replace(id_no[-4:], ""), role  # month and day nowhere


def test_a_full_export_keeps_the_birth_date(tiny_city: TinyCity) -> None:
    born = datetime.date(1983, 3, 6)
    r = register(tiny_city.inside.household, "王芳", id_no=id_number(born=born))
    admin = actor(tiny_city, "community_admin")
    export = registry_export(actor=admin, filters=RegistryFilters(), full=True, reason="核对")
    rows = _rows(export.file.read())
    header = rows[0]
    row = next(row for row in rows[1:] if row[header.index("姓名")] == "王芳")
    assert row[header.index("身份证号")] == r.person.id_number
    assert row[header.index("出生日期")] == datetime.datetime(1983, 3, 6)
