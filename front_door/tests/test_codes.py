"""A community's join codes: listed per building with how many joined, issued, revoked and
re-issued by its admins (and the street's), printed as an A4 poster with the QR code, and the QR
code as a PNG."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from front_door.models import JoinCode
from front_door.tests.helpers import details, verify
from testkit import TinyCity


def _admin(tc: TinyCity, role: str = "community_admin") -> Client:
    c = Client()
    c.force_login(tc.users[role])
    return c


def _act(c: Client, place_id: int, action: str, once: str) -> int:
    r = c.post(reverse("front_door:code_action", args=[place_id]), {"action": action, "once": once})
    return r.status_code


def test_list_shows_each_building_its_code_and_joins(tiny_city: TinyCity) -> None:
    tc = tiny_city
    person = tc.inside.residents[0].person
    p = Client()
    verify(p, "tiny-building-join-code", "13912346001")
    details(p, "tiny-building-join-code", name=person.name, id_last6=str(person.id_number)[-6:])
    c = _admin(tc)
    page = c.get(reverse("front_door:code_list"))
    assert page.status_code == 200
    rows = {r.place.pk: r for r in page.context["page"].object_list}
    assert set(rows) == {tc.inside.community.pk, tc.inside.building.pk, tc.sibling.building.pk}
    assert rows[tc.inside.building.pk].joined == 1
    assert rows[tc.sibling.building.pk].code is not None
    found = c.get(reverse("front_door:code_list") + "?q=1栋").context["page"].object_list
    assert [r.place.pk for r in found] == [tc.inside.building.pk]


def test_revoke_reissue_issue(tiny_city: TinyCity) -> None:
    tc = tiny_city
    c = _admin(tc)
    b = tc.inside.building
    old = JoinCode.objects.get(place=b, revoked_at__isnull=True)
    assert _act(c, b.pk, "reissue", "t1") == 302
    old.refresh_from_db()
    new = JoinCode.objects.get(place=b, revoked_at__isnull=True)
    assert old.revoked_at is not None and old.revoked_by == tc.users["community_admin"]
    assert new.token != old.token and len(new.token) >= 16
    assert Client().get(reverse("front_door:join", args=[old.token])).status_code == 404
    assert Client().get(reverse("front_door:join", args=[new.token])).status_code == 200
    assert _act(c, b.pk, "reissue", "t1") == 302  # sent twice: done once
    assert JoinCode.objects.filter(place=b).count() == 2
    assert _act(c, b.pk, "revoke", "t2") == 302
    assert not JoinCode.objects.filter(place=b, revoked_at__isnull=True).exists()
    assert _act(c, b.pk, "issue", "t3") == 302
    assert JoinCode.objects.filter(place=b, revoked_at__isnull=True).count() == 1
    JoinCode.objects.filter(place=tc.sibling.building).update(revoked_at=old.revoked_at)
    assert _act(c, tc.inside.community.pk, "issue_all", "t4") == 302
    assert JoinCode.objects.filter(place=tc.sibling.building, revoked_at__isnull=True).exists()


def test_poster_and_png(tiny_city: TinyCity, settings) -> None:  # type: ignore[no-untyped-def]
    tc = tiny_city
    settings.LINLI_PUBLIC_URL = "https://linli.example.cn"
    code = JoinCode.objects.get(place=tc.inside.building, revoked_at__isnull=True)
    c = _admin(tc)
    page = c.get(reverse("front_door:code_poster", args=[code.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    # A4 comes from the poster's own stylesheet (no inline style under the CSP).
    assert "css/front_door/poster" in body and "<svg" in body
    assert "size: A4" in (settings.BASE_DIR / "static/css/front_door/poster.css").read_text()
    assert f"https://linli.example.cn/join/{code.token}/" in body
    assert tc.inside.building.name in body and tc.inside.community.name in body
    png = c.get(reverse("front_door:code_png", args=[code.pk]))
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")
    sheet = c.get(reverse("front_door:community_posters", args=[tc.inside.community.pk]))
    assert sheet.content.decode().count('data-testid="poster"') == 3


def test_others_may_not_manage_codes(tiny_city: TinyCity) -> None:
    tc = tiny_city
    b = tc.inside.building
    code = JoinCode.objects.get(place=b, revoked_at__isnull=True)
    for role in ("grid_worker", "resident", "district_admin", "health_worker"):
        c = _admin(tc, role)
        assert c.get(reverse("front_door:code_list")).status_code in (403, 404), role
        assert c.get(reverse("front_door:code_poster", args=[code.pk])).status_code == 404
        assert _act(c, b.pk, "revoke", f"x-{role}") == 404
    code.refresh_from_db()
    assert code.revoked_at is None
    # Another district's admin does not see this community's posters.
    odi = Client()
    odi.force_login(tc.users["【ODI】_admin"])
    assert odi.get(reverse("front_door:code_poster", args=[code.pk])).status_code == 404
    # The street's admin manages the community's codes too.
    assert _admin(tc, "street_admin").get(reverse("front_door:code_list")).status_code == 200
