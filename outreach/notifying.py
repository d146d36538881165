"""Members are told of a themed study they have not completed, through
`notifications.services.notify`: when the programme opens, again when it is about to close, and
when their branch sends a reminder. Members are selected in the database (the programme's
organisations' subtrees, less those who studied every material) and told in pages of users;
each dedupe key names one programme and stage, so a job run twice tells nobody twice."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications.kinds import Kind
from notifications.services import notify
from outreach.study_models import StudyMaterial, StudyProgramme, StudyRecord, StudyReminder
from outreach.study_selectors import taking_part_q
from party.models import PartyMember

# "About to close": this many days before the programme's last day (inclusive).
ENDING_DAYS = 2
BATCH = 5000


def _members_to_remind(
    programme: StudyProgramme, *, not_started_only: bool = False, org_path: str = ""
) -> QuerySet[PartyMember] | None:
    q = taking_part_q(programme)
    if q is None:
        return None
    members = PartyMember.objects.filter(q)
    if org_path:
        members = members.filter(org__path__startswith=org_path)
    if not_started_only:
        return members.exclude(
            Exists(StudyRecord.objects.filter(programme=programme, member=OuterRef("pk")))
        )
    materials = StudyMaterial.objects.filter(programme=programme).count()
    # One record per material and member (study_record_once): a count of records is a count
    # of materials studied.
    completed = (
        StudyRecord.objects.filter(programme=programme)
        .order_by()
        .values("member_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=materials)
        .values("member_id")
    )
    return members.exclude(pk__in=completed)


def _tell(programme: StudyProgramme, members: QuerySet[PartyMember], dedupe_key: str) -> int:
    """Tell the accounts of these members, a page of users at a time."""
    users = User.objects.filter(
        Q(person_id__in=members.values("person_id")), is_active=True
    ).order_by("pk")
    link = reverse("party:programme", args=[programme.pk])
    told = 0
    after = 0
    while True:
        ids = list(users.filter(pk__gt=after).values_list("pk", flat=True)[:BATCH])
        if not ids:
            return told
        after = ids[-1]
        told += notify(
            Kind.STUDY_REMINDER, ids, {"title": programme.title}, dedupe_key=dedupe_key, link=link
        )


def study_reminders_tell(now: datetime.datetime | None = None) -> int:
    """Programmes open today: members who have not completed one are told once when it opens
    and once more in its last ENDING_DAYS days."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    told = 0
    for programme in StudyProgramme.objects.filter(starts_on__lte=today, ends_on__gte=today):
        members = _members_to_remind(programme)
        if members is None:
            continue
        stage = "ending" if (programme.ends_on - today).days < ENDING_DAYS else "open"
        told += _tell(programme, members, f"study_reminder:{programme.pk}:{stage}")
    return told


def branch_reminder_tell(reminder: StudyReminder) -> int:
    """A branch reminded its members who have not started: each is told in their inbox."""
    programme = StudyProgramme.objects.get(pk=reminder.programme_id)
    members = _members_to_remind(programme, not_started_only=True, org_path=reminder.org.path)
    if members is None:
        return 0
    return _tell(programme, members, f"study_reminder:{programme.pk}:sent:{reminder.pk}")
