"""Study pages: the list with own progress, a programme, a material marked studied once with a
reflection, completion with drill-down and reminders, a branch's discussion, a new programme from
the seed. Another district's member or office sees nothing (404); a member cannot read the
completion (403)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core.once import once_token
from outreach.models import DiscussionPost, StudyProgramme, StudyRecord, StudyReminder
from outreach.tests.test_study_helpers import StudyWorld, build_study_world, study_all
from testkit import TinyCity

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tiny_city: TinyCity) -> StudyWorld:
    return build_study_world(tiny_city)


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    c.cookies["django_language"] = "en"
    return c


def test_member_studies_a_material_once_and_writes_a_reflection(world: StudyWorld) -> None:
    c = _client(world.users["a1"])
    p = world.programme
    r = c.get(reverse("party:study_list"))
    assert r.status_code == 200 and p.title in r.content.decode()
    assert "Studied 0 of 8" in r.content.decode()
    m = p.materials.order_by("position").first()
    assert m is not None
    url = reverse("party:material", kwargs={"material_id": m.pk})
    page = c.get(url).content.decode()
    assert m.title in page and "人民日报" in page and "2020-01-28" in page
    assert 'data-testid="mark-studied"' in page
    token = once_token()
    for _ in range(2):  # the same form sent twice
        r = c.post(url, {"action": "study", "once": token})
        assert r.status_code == 302
    assert StudyRecord.objects.filter(material=m).count() == 1
    r = c.post(url, {"action": "reflect", "once": once_token(), "reflection": ""})
    assert r.status_code == 400 and "Write your reflection first." in r.content.decode()
    c.post(url, {"action": "reflect", "once": once_token(), "reflection": "坚定信心"})
    page = c.get(url).content.decode()
    assert "坚定信心" in page and "Studied 1 of 8" in page
    page = c.get(reverse("party:programme", kwargs={"programme_id": p.pk})).content.decode()
    assert page.count('data-studied="1"') == 1 and "Studied 1 of 8" in page


def test_a_member_elsewhere_and_an_office_elsewhere_see_nothing(world: StudyWorld) -> None:
    tc, p = world.tc, world.programme
    own = StudyProgramme.objects.get(title="二月主题党日")  # district A's, tiny city sample
    m = own.materials.get()
    for user in (world.users["d1"], tc.users["【ODI】_admin"]):
        c = _client(user)
        assert c.get(reverse("party:programme", kwargs={"programme_id": own.pk})).status_code == 404
        assert c.get(reverse("party:material", kwargs={"material_id": m.pk})).status_code == 404
        assert "二月主题党日" not in c.get(reverse("party:study_list")).content.decode().replace(
            "【ODI】二月主题党日", ""
        )
    # The city's programme: 【ODI】's member reads it but not district A's branch thread.
    c = _client(world.users["d1"])
    url = reverse("party:discussion", kwargs={"programme_id": p.pk})
    assert c.get(url).status_code == 200  # their own branch
    assert c.get(f"{url}?org={world.branch.pk}").status_code == 404
    r = c.post(f"{url}?org={world.branch.pk}", {"once": once_token(), "body": "x"})
    assert r.status_code == 404
    assert c.get(reverse("party:completion", kwargs={"programme_id": p.pk})).status_code == 403
    odi = _client(tc.users["【ODI】_admin"])
    r = odi.get(reverse("party:completion", kwargs={"programme_id": p.pk}))
    assert r.status_code == 200 and "甲社区" not in r.content.decode()
    assert odi.get(f"{url}?org={world.branch.pk}").status_code == 404
    r = odi.get(
        reverse("party:completion", kwargs={"programme_id": p.pk}) + f"?org={world.branch.pk}"
    )
    assert r.status_code == 404
    # A resident (no membership, no office) sees no programme.
    r = _client(tc.users["resident"]).get(reverse("party:programme", kwargs={"programme_id": p.pk}))
    assert r.status_code == 404


def test_discussion_thread_of_the_branch(world: StudyWorld) -> None:
    p = world.programme
    url = reverse("party:discussion", kwargs={"programme_id": p.pk})
    c = _client(world.users["a1"])
    assert world.branch.name in c.get(url).content.decode()
    token = once_token()
    for _ in range(2):
        c.post(url, {"once": token, "body": "大家都学了吗"})
    assert DiscussionPost.objects.filter(programme=p).count() == 1
    r = c.post(url, {"once": once_token(), "body": ""})
    assert r.status_code == 400
    page = _client(world.users["a2"]).get(url).content.decode()
    assert "大家都学了吗" in page and "党员甲一" in page
    # The community admin reads the branch's thread; the sibling branch's member does not.
    admin = _client(world.tc.users["community_admin"])
    assert "大家都学了吗" in admin.get(f"{url}?org={world.branch.pk}").content.decode()
    assert _client(world.users["s1"]).get(f"{url}?org={world.branch.pk}").status_code == 404


def test_completion_page_drill_down_and_remind(world: StudyWorld) -> None:
    p = world.programme
    study_all(world, "a1")
    study_all(world, "a2", 2)
    c = _client(world.tc.users["community_admin"])
    url = reverse("party:completion", kwargs={"programme_id": p.pk})
    page = c.get(url).content.decode()
    assert 'data-members="8" data-started="2" data-completed="1"' in page
    page = c.get(f"{url}?org={world.branch.pk}").content.decode()
    assert 'data-members="5" data-started="2" data-completed="1"' in page
    assert "党员甲三" in page and "13912345678" not in page
    remind = reverse("party:remind", kwargs={"programme_id": p.pk})
    token = once_token()
    for _ in range(2):
        r = c.post(remind, {"once": token, "org": world.branch.pk})
        assert r.status_code == 302
    (sent,) = StudyReminder.objects.filter(programme=p)
    assert sent.recipients == 3 and sent.org == world.branch
    # The unit admin may not remind the community's branch (it does not see it: 404).
    u = _client(world.tc.users["unit_admin"])
    assert u.post(remind, {"once": once_token(), "org": world.branch.pk}).status_code == 404
    # A member sees the reminder on the study list.
    assert (
        "Reminder from"
        in _client(world.users["a3"]).get(reverse("party:study_list")).content.decode()
    )


def test_new_programme_from_the_seed(world: StudyWorld) -> None:
    c = _client(world.tc.users["district_admin"])
    url = reverse("party:programme_new")
    assert c.get(url).status_code == 200
    r = c.post(url, {"once": once_token(), "place": world.tc.inside.district.pk, "title": ""})
    assert r.status_code == 400 and StudyProgramme.objects.count() == 3
    form = {
        "once": once_token(),
        "place": world.tc.inside.district.pk,
        "title": "三月主题党日",
        "starts_on": "2026-03-01",
        "ends_on": "2026-03-31",
        "orgs": [world.committee.pk],
        "from_seed": "on",
    }
    r = c.post(url, form)
    assert r.status_code == 302
    new = StudyProgramme.objects.get(title="三月主题党日")
    assert new.materials.count() == 8
    r = c.post(url, {**form, "once": once_token(), "from_seed": ""})
    assert r.status_code == 400  # no material
    assert StudyProgramme.objects.filter(title="三月主题党日").count() == 1
    assert _client(world.users["a1"]).get(url).status_code == 403
    assert _client(world.tc.users["community_admin"]).get(url).status_code == 403
