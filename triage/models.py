"""Fever triage (分类筛查), the four categories (四类人员) and home observation (居家医学观察), M9.

A `TriageCase` follows one person from the first flag to release: the health centre sets its
category, the community or street its disposition; a designated hospital or isolation site gives
it a bed; home observation gives it twice-daily `FollowUp`s. Every change is a `CaseEvent`
(who, when, why), and the first moments (flagged, triaged, isolated, hospitalised) are kept on
the case so the dashboards can time them without reading the timeline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.fields import EncryptedCharField
from health.models import Slot
from places.models import Household, InGrid, Place
from triage.querysets import (
    BuildingDisclosureQuerySet,
    CaseEventQuerySet,
    FollowUpQuerySet,
    SiteQuerySet,
    TriageCaseQuerySet,
)

if TYPE_CHECKING:
    from people.models import Resident


class Category(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed case")
    SUSPECTED = "suspected", _("Suspected case")
    FEBRILE = "febrile", _("Febrile patient (other cause)")
    CLOSE_CONTACT = "close_contact", _("Close contact")
    CLEARED = "cleared", _("Cleared")


# The four categories (四类人员): nobody in them may be left at home waiting.
FOUR_CATEGORIES = (
    Category.CONFIRMED,
    Category.SUSPECTED,
    Category.FEBRILE,
    Category.CLOSE_CONTACT,
)


class Disposition(models.TextChoices):
    HOSPITAL = "hospital", _("Designated hospital")
    ISOLATION = "isolation", _("Isolation site")
    FEVER_CLINIC = "fever_clinic", _("Fever clinic referral")
    HOME_OBSERVATION = "home_observation", _("14-day home observation")
    RELEASED = "released", _("Released")


# Dispositions that need a bed at a registered site, and the site kind each needs.
BED_DISPOSITIONS = {Disposition.HOSPITAL: "hospital", Disposition.ISOLATION: "isolation"}


class Origin(models.TextChoices):
    FLAG = "flag", _("Abnormal health report")
    SCREENING = "screening", _("Grid worker's screening")
    CALL = "call", _("Resident's call")
    WALK_IN = "walk_in", _("Walk-in at the health centre")
    CONTACT = "contact", _("Traced as a close contact")


class CaseStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("triage case status", "Open")
    CLOSED = "closed", pgettext_lazy("triage case status", "Closed")


class CloseReason(models.TextChoices):
    RELEASED = "released", _("Released")
    MOVED_OUT = "moved_out", _("Moved out")
    DECEASED = "deceased", _("Deceased")


class Transport(models.TextChoices):
    NONE = "", _("Not needed")
    NEEDED = "needed", _("Needed")
    DONE = "done", _("Done")


class SiteKind(models.TextChoices):
    HOSPITAL = "hospital", _("Designated hospital")
    ISOLATION = "isolation", _("Isolation site")


class Site(models.Model):
    """A designated hospital (定点医院, beds) or isolation site (集中隔离点, rooms), registered by
    a street, district or the city with its capacity. `occupied` moves only with assignments,
    in one conditional UPDATE, so two workers taking the last bed cannot both win."""

    kind = models.CharField(_("kind"), max_length=10, choices=SiteKind.choices)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True, default="")
    phone = models.CharField(_("contact phone"), max_length=24, blank=True, default="")
    place = models.ForeignKey(
        Place, verbose_name=_("serves"), on_delete=models.PROTECT, related_name="+"
    )
    place_path = models.CharField(max_length=255, db_index=True, editable=False)
    capacity = models.PositiveIntegerField(_("capacity (beds or rooms)"))
    occupied = models.PositiveIntegerField(_("occupied"), default=0)
    is_active = models.BooleanField(_("taking people"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        verbose_name = _("hospital or isolation site")
        verbose_name_plural = _("hospitals and isolation sites")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(occupied__lte=F("capacity")), name="site_not_over_capacity"
            ),
            models.UniqueConstraint(fields=["place", "kind", "name"], name="site_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def free(self) -> int:
        return max(self.capacity - self.occupied, 0)


class TriageCase(InGrid):
    """One person's way from the first flag to release. At most one open case per resident."""

    building = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    # Empty only once retention anonymised the closed case (triage.retention). Typed as set on
    # purpose: such a case is statistics, shown by no page or endpoint (selectors.py), so every
    # case the code reads has both.
    household: models.ForeignKey[Household, Household] = models.ForeignKey(  # type: ignore[misc]
        Household, on_delete=models.PROTECT, related_name="+", null=True
    )
    resident: models.ForeignKey[Resident, Resident] = models.ForeignKey(  # type: ignore[misc]
        "people.Resident",
        verbose_name=_("resident"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
    )
    status = models.CharField(
        _("status"), max_length=8, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    flag = models.ForeignKey(
        "health.HealthFlag", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    category = models.CharField(
        _("category"), max_length=16, choices=Category.choices, blank=True, default=""
    )
    disposition = models.CharField(
        _("disposition"), max_length=16, choices=Disposition.choices, blank=True, default=""
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, null=True, blank=True
    )
    # Set while the person waits for triage (opened, or escalated back by a follow-up): the
    # health centre's queue is the open cases with this set, oldest first.
    triage_due_since = models.DateTimeField(null=True, blank=True)
    # Set while the person waits for a bed (transfer queue, 应收尽收); the alarm time once the
    # wait passed the limit (set once by the periodic job).
    bed_wanted_since = models.DateTimeField(null=True, blank=True)
    queue_alarm_at = models.DateTimeField(null=True, blank=True)
    transport = models.CharField(
        _("transport"), max_length=8, choices=Transport.choices, blank=True, default=""
    )
    # Close contacts: the index case and the last day of contact (observation ends 14 days
    # after it).
    index_case = models.ForeignKey(
        "self",
        verbose_name=_("index case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
    )
    last_contact_on = models.DateField(_("last contact on"), null=True, blank=True)
    observation_start = models.DateField(null=True, blank=True)
    observation_end = models.DateField(_("observation ends"), null=True, blank=True)
    # The moments the dashboards time (早发现、早报告、早隔离、早治疗).
    first_flagged_at = models.DateTimeField(_("first flagged at"))
    triaged_at = models.DateTimeField(_("first triaged at"), null=True, blank=True)
    isolated_at = models.DateTimeField(_("first isolated at"), null=True, blank=True)
    hospitalised_at = models.DateTimeField(_("first hospitalised at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), db_index=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    closed_at = models.DateTimeField(
        pgettext_lazy("triage case", "closed at"), null=True, blank=True
    )
    close_reason = models.CharField(
        _("closed because"), max_length=10, choices=CloseReason.choices, blank=True, default=""
    )
    # The latest assessment, for the queue and the case list (every one is in the timeline).
    temperature = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    symptoms = models.PositiveSmallIntegerField(default=0)
    # Free text holding health details: encrypted at rest (core.fields), never searched.
    test_result = EncryptedCharField(_("CT or test result"), max_length=200, blank=True, default="")
    note = EncryptedCharField(_("note"), max_length=500, blank=True, default="")
    # Set when retention anonymised the closed case (links to the person and free text gone).
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = TriageCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("triage case")
        verbose_name_plural = _("triage cases")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident"], condition=Q(status="open"), name="triagecase_one_open"
            ),
            models.CheckConstraint(
                condition=~Q(index_case=F("id")), name="triagecase_not_own_index"
            ),
        ]
        indexes = [
            models.Index(
                fields=["community", "triage_due_since"],
                condition=Q(status="open", triage_due_since__isnull=False),
                name="triagecase_queue",
            ),
            models.Index(
                fields=["street", "bed_wanted_since"],
                condition=Q(status="open", bed_wanted_since__isnull=False),
                name="triagecase_transfer",
            ),
            # The four categories, per street, oldest triage first: those still needing a
            # disposition are read from it (selectors.awaiting_disposition).
            models.Index(
                fields=["street", "triaged_at", "id"],
                condition=Q(status="open", category__in=FOUR_CATEGORIES),
                name="triagecase_awaiting",
            ),
            models.Index(fields=["community", "status"], name="triagecase_comm_status"),
            models.Index(fields=["street", "status"], name="triagecase_street_status"),
        ]

    def __str__(self) -> str:
        return f"case #{self.pk}"


class EventKind(models.TextChoices):
    OPENED = "opened", _("Case opened")
    FLAG_JOINED = "flag_joined", _("Another flag joined the case")
    ASSESSED = "assessed", _("Assessed")
    CATEGORY = "category", _("Category set")
    DISPOSITION = "disposition", _("Disposition set")
    BED_QUEUED = "bed_queued", _("Waiting for a bed")
    BED_ASSIGNED = "bed_assigned", _("Bed assigned")
    BED_RELEASED = "bed_released", _("Bed released")
    QUEUE_ALARM = "queue_alarm", _("Waited too long for a bed")
    TRANSPORT = "transport", _("Transport")
    CONTACT_LINKED = "contact_linked", _("Linked to an index case")
    FOLLOW_UP = "follow_up", _("Follow-up")
    ESCALATED = "escalated", _("Sent back to triage")
    CLOSED = "closed", _("Case closed")


class CaseEvent(models.Model):
    """One line of a case's timeline: who did what, when, from which value to which, and why.
    `by` is empty for the periodic jobs (the system)."""

    case = models.ForeignKey(TriageCase, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what"), max_length=16, choices=EventKind.choices)
    at = models.DateTimeField(_("when"), db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    from_value = models.CharField(max_length=32, blank=True, default="")
    to_value = models.CharField(max_length=32, blank=True, default="")
    reason = models.CharField(_("reason"), max_length=500, blank=True, default="")
    data = models.JSONField(default=dict, blank=True)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["kind", "at"], name="caseevent_kind_at")]

    def __str__(self) -> str:
        return f"{self.kind} @ {self.at:%Y-%m-%d %H:%M}"


class FollowUpStatus(models.TextChoices):
    DUE = "due", _("Due")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("No longer needed")


class FollowUpLevel(models.TextChoices):
    """Who must chase an empty slot: nobody yet, then the grid worker, then the health centre."""

    NONE = "", _("Not overdue")
    GRID_WORKER = "grid_worker", _("Grid worker")
    HEALTH_CENTRE = "health_centre", _("Health centre")


class FollowUpSource(models.TextChoices):
    SELF_REPORT = "self_report", _("Resident's own health report")
    WORKER = "worker", _("Grid worker")
    HEALTH_CENTRE = "health_centre", _("Health centre")


class FollowUp(InGrid):
    """One morning or afternoon check of a person in home observation; made for the whole
    observation at its start, cancelled when the person leaves home observation."""

    case = models.ForeignKey(TriageCase, on_delete=models.CASCADE, related_name="follow_ups")
    resident_id: int
    resident = models.ForeignKey(
        "people.Resident", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    day = models.DateField(_("day"))
    slot = models.CharField(_("slot"), max_length=2, choices=Slot.choices)
    due_at = models.DateTimeField(_("due by"))
    status = models.CharField(
        _("status"), max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.DUE
    )
    level = models.CharField(
        _("overdue with"), max_length=14, choices=FollowUpLevel.choices, blank=True, default=""
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=14, choices=FollowUpSource.choices, blank=True, default=""
    )
    report_id = models.BigIntegerField(null=True, blank=True)  # the health report that filled it
    temperature = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    symptoms = models.PositiveSmallIntegerField(default=0)
    abnormal = models.BooleanField(default=False)
    note = EncryptedCharField(_("note"), max_length=200, blank=True, default="")  # encrypted
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("home observation follow-up")
        verbose_name_plural = _("home observation follow-ups")
        ordering = ["day", "slot"]
        constraints = [
            models.UniqueConstraint(fields=["case", "day", "slot"], name="followup_unique_slot")
        ]
        indexes = [
            models.Index(
                fields=["resident", "day", "slot"],
                condition=Q(status="due"),
                name="followup_due_resident",
            ),
            models.Index(fields=["due_at"], condition=Q(status="due"), name="followup_due_at"),
            models.Index(fields=["grid", "level", "status"], name="followup_grid_level"),
            models.Index(fields=["community", "level", "status"], name="followup_comm_level"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.slot} case #{self.case_id}"


class DisclosureRule(models.Model):
    """The city's threshold: a building is marked as having cases on residents' notice boards
    only when at least this many confirmed or suspected cases are open in it."""

    city = models.OneToOneField(Place, on_delete=models.PROTECT, related_name="+")
    threshold = models.PositiveSmallIntegerField(_("cases needed before a building is shown"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("disclosure threshold")
        verbose_name_plural = _("disclosure thresholds")

    def __str__(self) -> str:
        return f"{self.city_id}: {self.threshold}"


class BuildingDisclosure(InGrid):
    """A building marked for residents' notice boards as having cases (never the household)."""

    building = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    building_path = models.CharField(max_length=255, db_index=True, editable=False)
    case_count = models.PositiveIntegerField(_("cases when marked"))
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    marked_at = models.DateTimeField(_("marked at"))
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = BuildingDisclosureQuerySet.as_manager()

    class Meta:
        verbose_name = _("building with cases")
        verbose_name_plural = _("buildings with cases")
        ordering = ["-marked_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["building"],
                condition=Q(withdrawn_at__isnull=True),
                name="disclosure_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"building {self.building_id}"
