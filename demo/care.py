"""The demo city's care (关爱帮扶): vulnerable households of the demo community with carers —
the cadre, the volunteer and the two grid workers — contacts logged (one visit found a need that
became a request), some contacts overdue, one household silent long enough for the alarm, and a
carer who left, so the handover list has something on it. Through the services, by the demo
accounts; the vulnerability flags are set as a registry edit would, and the clock moved back."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import Grant, User
from accounts.selectors import actor_for_user
from care.assignments import care_assign, carer_leave
from care.contacts import care_contact_log
from care.models import CareAssignment
from care.tasks import care_alarms_raise
from core.roles import Role
from people.models import Resident, ResidentStatus
from places.models import Household

NOTES = [
    ("is_elderly_alone", "独居，子女在外地"),
    ("has_chronic_illness", "每周二、四、六上午透析"),
    ("is_elderly_alone", "行动不便，需送菜上门"),
    ("in_hardship", "低保户，需关注生活物资"),
    ("is_disabled", "肢体残疾，坐轮椅"),
    ("is_elderly_alone", "高血压，每天服药"),
]


def seed_care(now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    admin_user = User.objects.get(username="community_admin")
    admin = actor_for_user(admin_user)
    community = (
        Grant.objects.select_related("place").get(user=admin_user, role=Role.COMMUNITY_ADMIN).place
    )
    assert community is not None
    carers = {
        name: User.objects.get(username=name)
        for name in ("cadre", "volunteer", "grid_worker", "grid_worker2")
    }
    grid_of = {
        name: Grant.objects.get(user=carers[name], role=Role.GRID_WORKER).place_id
        for name in ("grid_worker", "grid_worker2")
    }
    # Flag one older resident in each of 16 households (as a registry edit would).
    households: list[Household] = []
    for n, resident in enumerate(
        Resident.objects.filter(
            community=community, status=ResidentStatus.PRESENT, relation="head"
        ).order_by("person__birth_date", "pk")[:16]
    ):
        flag, note = NOTES[n % len(NOTES)]
        setattr(resident, flag, True)
        resident.care_note = note
        resident.save(update_fields=[flag, "care_note", "updated_at"])
        households.append(resident.household)
    plan: list[tuple[str, int, int]] = []
    for household in households:
        if household.grid_id == grid_of["grid_worker"] and len(plan) % 3 == 0:
            plan.append(("grid_worker", 1, 7))
        elif household.grid_id == grid_of["grid_worker2"] and len(plan) % 4 == 0:
            plan.append(("grid_worker2", 1, 7))
        else:
            plan.append(("cadre" if len(plan) % 2 == 0 else "volunteer", 1, 3))
    started = now - datetime.timedelta(days=4)
    assignments: list[CareAssignment] = []
    for household, (carer, phone, visit) in zip(households[:-3], plan, strict=False):
        assignments.append(
            care_assign(
                actor=admin,
                household=household,
                carer_user_id=carers[carer].pk,
                phone_every_days=phone,
                visit_every_days=visit,
                plan_note="上午九点后打电话" if phone == 1 else "",
                now=started,
            )
        )
    # Contacts: yesterday's calls and visits; today one visit finds a need → a request.
    for n, assignment in enumerate(assignments):
        if n % 5 == 4:
            continue  # nobody reached these since the start: overdue, and one raises the alarm
        care_contact_log(
            actor=actor_for_user(assignment.carer),
            assignment=assignment,
            kind="visit" if n % 3 == 0 else "phone",
            health="well",
            outcome="精神不错，按时吃药" if n % 2 else "电话打通，一切正常",
            at=now - datetime.timedelta(days=1, hours=n % 5),
            now=now,
        )
    first = next((a for a in assignments if a.carer.username == "cadre"), None)
    if first is not None:
        care_contact_log(
            actor=actor_for_user(first.carer),
            assignment=first,
            kind="visit",
            health="unwell",
            outcome="老人有点咳嗽，体温正常",
            needs="止咳药和降压药快吃完了",
            request_category="medicine",
            request_urgency="soon",
            now=now,
        )
    care_alarms_raise(now)
    # The second grid worker was taken off care duty: their households wait for a new carer.
    if any(a.carer_id == carers["grid_worker2"].pk for a in assignments):
        carer_leave(
            actor=admin,
            carer_user_id=carers["grid_worker2"].pk,
            community=community,
            note="调去卡口值守",
            now=now - datetime.timedelta(hours=2),
        )
    return CareAssignment.objects.count()
