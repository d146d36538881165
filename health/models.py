"""Daily health reports, door-to-door screening, sweeps, abnormal flags, the community's daily
report to its street, and the health of community workers (M8, M13, M18).

`HealthReport` is the hot table: one small row per (resident, day, slot), partitioned by day on
PostgreSQL (migration 0002). `CoverageCount` keeps per-(grid, day, slot) counters that always
equal a recount of the rows, so coverage at any level reads a few thousand counter rows instead
of millions of reports.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from health.querysets import (
    CoverageCountQuerySet,
    DailyReportQuerySet,
    HealthFlagQuerySet,
    HealthReportQuerySet,
    ReminderScheduleQuerySet,
    ReportDeadlineQuerySet,
    ScreeningVisitQuerySet,
    SweepCampaignQuerySet,
    WorkerHealthQuerySet,
)
from places.models import Household, InGrid, Place


class Slot(models.TextChoices):
    MORNING = "am", _("Morning")
    AFTERNOON = "pm", _("Afternoon")


class Symptom(models.IntegerChoices):
    """Stored as bits of one small integer: a report row stays small at 24 million a day."""

    FEVER = 1, _("Fever")
    COUGH = 2, _("Cough")
    SHORT_BREATH = 4, _("Shortness of breath")
    FATIGUE = 8, _("Fatigue")
    DIARRHOEA = 16, _("Diarrhoea")
    TASTE_SMELL = 32, _("Loss of taste or smell")


class Source(models.TextChoices):
    SELF = "self", _("Self-report")
    HOUSEHOLD = "household", _("Reported by a household member")
    SCREENING = "screening", _("Door-to-door screening")
    SYNC = "sync", _("Synced from a phone's offline queue")
    CALL = "call", _("Reported for them on a call")


class Presence(models.TextChoices):
    """What a screener found for one member of a household."""

    PRESENT = "present", _("Present")
    AWAY = "away", _("Away")
    REFUSED = "refused", _("Refused")
    NOBODY_HOME = "nobody_home", _("Nobody home")


class Declared(models.TextChoices):
    """One of the four categories a household declares to a screener (四类人员); triage decides."""

    NONE = "", _("None")
    CONFIRMED = "confirmed", _("Confirmed case")
    SUSPECTED = "suspected", _("Suspected case")
    FEBRILE = "febrile", _("Febrile patient")
    CLOSE_CONTACT = "close_contact", _("Close contact")


class ReportValues(models.Model):
    """What a health report says: the report row (its latest version) and each kept version."""

    presence = models.CharField(
        _("presence"), max_length=12, choices=Presence.choices, default=Presence.PRESENT
    )
    temperature = models.DecimalField(
        _("temperature (°C)"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    symptoms = models.PositiveSmallIntegerField(_("symptoms"), default=0)
    contact = models.BooleanField(_("contact with a confirmed or suspected case"), default=False)
    declared = models.CharField(
        _("declared category"), max_length=16, choices=Declared.choices, blank=True, default=""
    )
    abnormal = models.BooleanField(_("abnormal"), default=False)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)

    class Meta:
        abstract = True


class HealthReport(InGrid, ReportValues):
    """One resident's health in one slot of one day. Unique per (resident, day, slot)."""

    # The hot table: place columns carry no per-column index or constraint (services write them
    # and the composite indexes below serve every read); only the resident is enforced.
    city = models.ForeignKey(
        Place, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )
    district = models.ForeignKey(
        Place, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )
    street = models.ForeignKey(
        Place, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )
    community = models.ForeignKey(
        Place, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )
    grid = models.ForeignKey(
        Place, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )
    building = models.ForeignKey(
        Place, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    resident = models.ForeignKey(
        "people.Resident",
        verbose_name=_("resident"),
        on_delete=models.PROTECT,
        related_name="health_reports",
        db_index=False,
    )
    day = models.DateField(_("day"))
    slot = models.CharField(_("slot"), max_length=2, choices=Slot.choices)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        related_name="+",
        null=True,
        db_index=False,
        db_constraint=False,
    )
    # The client's key for this submission (a form's one-time token, a phone's queue id).
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, default=None)
    created_at = models.DateTimeField(_("received at"))

    objects = HealthReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("health report")
        verbose_name_plural = _("health reports")
        # On PostgreSQL every unique constraint includes `day`, the partition key.
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "day", "slot"], name="healthreport_one_per_slot"
            ),
            models.UniqueConstraint(
                fields=["day", "idempotency_key"], name="healthreport_idempotency"
            ),
        ]
        indexes = [
            models.Index(fields=["grid", "day", "slot"], name="healthreport_grid_day"),
            models.Index(fields=["community", "day"], name="healthreport_community_day"),
            models.Index(fields=["household", "day"], name="healthreport_household_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.slot} #{self.resident_id}"


class HealthReportRevision(ReportValues):
    """One version of a slot's report, kept when a later, different report amends it (a fever
    found after the morning's 36.8 °C). The report row holds the latest values; its versions,
    first to last, are here once it has been amended, with who sent each and when."""

    # The report table is partitioned by day on PostgreSQL: no foreign key into it.
    report_id = models.BigIntegerField()
    resident = models.ForeignKey(
        "people.Resident", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    day = models.DateField(_("day"))
    slot = models.CharField(_("slot"), max_length=2, choices=Slot.choices)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        related_name="+",
        null=True,
        db_constraint=False,
    )
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, default=None)
    created_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("health report version")
        verbose_name_plural = _("health report versions")
        indexes = [
            models.Index(fields=["resident", "day", "slot"], name="reportrevision_slot"),
            models.Index(fields=["day", "idempotency_key"], name="reportrevision_key"),
        ]
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.day} {self.slot} #{self.resident_id} @ {self.created_at:%H:%M}"


class CallOutcome(models.TextChoices):
    REACHED = "reached", _("Reached, reported for them")
    NO_ANSWER = "no_answer", _("No answer")
    REFUSED = "refused", _("Refused")


class CallResult(models.Model):
    """What came of calling one resident on the grid's call list (issue 15 item 18): every call
    is kept; the list shows the latest of the slot."""

    grid_id = models.BigIntegerField()
    resident = models.ForeignKey(
        "people.Resident", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    day = models.DateField()
    slot = models.CharField(max_length=2, choices=Slot.choices)
    outcome = models.CharField(_("result of the call"), max_length=12, choices=CallOutcome.choices)
    # The report made for them when reached (the report table is partitioned: no foreign key).
    report_id = models.BigIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    recorded_at = models.DateTimeField()
    # The form's one-time token: a form sent twice records one call.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        indexes = [models.Index(fields=["grid_id", "day", "slot"], name="callresult_grid_slot")]
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.day} {self.slot} #{self.resident_id}: {self.outcome}"


class CoverageCount(models.Model):
    """Counters of one grid's reports in one slot of one day. `reported` and `abnormal` always
    equal a recount of HealthReport; `expected` is the grid's residents living here, taken when
    the row is first needed that day (the registry may change during the day)."""

    grid = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+", db_index=False)
    community_id = models.BigIntegerField()
    street_id = models.BigIntegerField()
    district_id = models.BigIntegerField()
    city_id = models.BigIntegerField()
    day = models.DateField()
    slot = models.CharField(max_length=2, choices=Slot.choices)
    expected = models.PositiveIntegerField(null=True)
    reported = models.PositiveIntegerField(default=0)
    abnormal = models.PositiveIntegerField(default=0)

    objects = CoverageCountQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["grid", "day", "slot"], name="coverage_one_per_slot")
        ]
        indexes = [
            models.Index(fields=["community_id", "day"], name="coverage_community_day"),
            models.Index(fields=["street_id", "day"], name="coverage_street_day"),
            models.Index(fields=["district_id", "day"], name="coverage_district_day"),
            models.Index(fields=["city_id", "day"], name="coverage_city_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.slot} grid {self.grid_id}: {self.reported}/{self.expected}"


class FlagStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the grid worker")
    HANDED_OVER = "handed_over", _("Handed over to triage")
    DISMISSED = "dismissed", _("Dismissed")
    CASE_CLOSED = "case_closed", _("Case closed after triage")


# A person has at most one flag in these states: new abnormal reports join it.
ACTIVE_FLAG_STATUSES = (FlagStatus.OPEN, FlagStatus.HANDED_OVER)


class HealthFlag(InGrid):
    """An abnormal report raised for the grid worker and the community, and the hand-over of
    the person to triage (the triage workflow opens its case from a handed-over flag)."""

    resident = models.ForeignKey(
        "people.Resident", verbose_name=_("resident"), on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=12, choices=FlagStatus.choices, default=FlagStatus.OPEN
    )
    raised_at = models.DateTimeField(_("raised at"), db_index=True)
    # Report ids (no database link: the report table is partitioned).
    first_report_id = models.BigIntegerField()
    last_report_id = models.BigIntegerField()
    report_count = models.PositiveIntegerField(default=1)
    max_temperature = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    symptoms = models.PositiveSmallIntegerField(default=0)
    contact = models.BooleanField(default=False)
    declared = models.CharField(max_length=16, choices=Declared.choices, blank=True, default="")
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    close_note = models.CharField(_("note"), max_length=300, blank=True, default="")

    objects = HealthFlagQuerySet.as_manager()

    class Meta:
        verbose_name = _("abnormal report flag")
        verbose_name_plural = _("abnormal report flags")
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident"],
                condition=Q(status__in=["open", "handed_over"]),
                name="healthflag_one_active",
            )
        ]
        indexes = [models.Index(fields=["community", "status"], name="healthflag_comm_status")]

    def __str__(self) -> str:
        return f"flag #{self.pk}"


class SweepStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class SweepCampaign(models.Model):
    """A sweep (拉网式排查): every household in `scope` screened once between the two dates."""

    name = models.CharField(_("name"), max_length=100)
    scope = models.ForeignKey(
        Place, verbose_name=_("scope"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(max_length=255, db_index=True, editable=False)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    status = models.CharField(
        _("status"), max_length=8, choices=SweepStatus.choices, default=SweepStatus.OPEN
    )
    note = models.CharField(_("instructions"), max_length=500, blank=True, default="")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The campaign report, frozen when it closes.
    report = models.JSONField(default=dict, blank=True)

    objects = SweepCampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("sweep campaign")
        verbose_name_plural = _("sweep campaigns")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="sweep_dates_in_order"
            )
        ]

    def __str__(self) -> str:
        return self.name


class VisitOutcome(models.TextChoices):
    SCREENED = "screened", _("Screened")
    NOBODY_HOME = "nobody_home", _("Nobody home — revisit")


class ScreeningVisit(InGrid):
    """A screener at one household's door: who was there and what was found."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="+"
    )
    building = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    slot = models.CharField(_("slot"), max_length=2, choices=Slot.choices)
    outcome = models.CharField(_("outcome"), max_length=12, choices=VisitOutcome.choices)
    # [{"resident": 12, "presence": "present", "report": 345}, …]
    members = models.JSONField(default=list, blank=True)
    present_count = models.PositiveSmallIntegerField(default=0)
    away_count = models.PositiveSmallIntegerField(default=0)
    refused_count = models.PositiveSmallIntegerField(default=0)
    abnormal_count = models.PositiveSmallIntegerField(default=0)
    campaign = models.ForeignKey(
        SweepCampaign, on_delete=models.PROTECT, null=True, blank=True, related_name="visits"
    )
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, default=None)

    objects = ScreeningVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("screening visit")
        verbose_name_plural = _("screening visits")
        ordering = ["-recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recorded_by", "idempotency_key"], name="visit_idempotency"
            )
        ]
        indexes = [
            models.Index(fields=["building", "day"], name="visit_building_day"),
            models.Index(fields=["campaign", "household"], name="visit_campaign_household"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.household_id} {self.outcome}"


class ReportDeadline(models.Model):
    """The time of day by which a street's communities submit their daily report."""

    street = models.OneToOneField(
        Place, verbose_name=_("street"), on_delete=models.CASCADE, related_name="+"
    )
    street_path = models.CharField(max_length=255, db_index=True, editable=False)
    deadline = models.TimeField(_("daily deadline (Beijing time)"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReportDeadlineQuerySet.as_manager()

    class Meta:
        verbose_name = _("daily report deadline")
        verbose_name_plural = _("daily report deadlines")

    def __str__(self) -> str:
        return f"{self.street_id} {self.deadline}"


class DailyReportStatus(models.TextChoices):
    DRAFT = "draft", _("Not submitted")
    SUBMITTED = "submitted", _("Submitted")


class DailyReport(models.Model):
    """A community's daily report to its street (日报): figures generated from the day's data,
    reviewed (and the hand-kept figures filled in) by the community admin, then submitted."""

    community = models.ForeignKey(
        Place, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    community_path = models.CharField(max_length=255, db_index=True, editable=False)
    day = models.DateField(_("day"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DailyReportStatus.choices,
        default=DailyReportStatus.DRAFT,
    )
    figures = models.JSONField(_("figures"), default=dict)
    generated_at = models.DateTimeField(_("generated at"))
    deadline = models.DateTimeField(_("deadline"))
    note = models.CharField(_("remarks"), max_length=1000, blank=True, default="")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    objects = DailyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("community daily report")
        verbose_name_plural = _("community daily reports")
        ordering = ["-day", "community_path"]
        constraints = [
            models.UniqueConstraint(fields=["community", "day"], name="dailyreport_one_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.community_id}"

    @property
    def late(self) -> bool:
        from django.utils import timezone

        if self.submitted_at is not None:
            return self.submitted_at > self.deadline
        return timezone.now() > self.deadline


class WorkerHealth(models.Model):
    """A community worker's own health on one day (防止带病上岗); an unwell worker is off duty."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="health_days"
    )
    community = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    community_path = models.CharField(max_length=255, db_index=True, editable=False)
    day = models.DateField(_("day"))
    temperature = models.DecimalField(_("temperature (°C)"), max_digits=3, decimal_places=1)
    symptoms = models.PositiveSmallIntegerField(_("symptoms"), default=0)
    contact = models.BooleanField(_("contact with a confirmed or suspected case"), default=False)
    fit = models.BooleanField(_("fit for duty"))
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(_("reported at"))

    objects = WorkerHealthQuerySet.as_manager()

    class Meta:
        verbose_name = _("worker health report")
        verbose_name_plural = _("worker health reports")
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="workerhealth_one_per_day")
        ]
        indexes = [models.Index(fields=["community", "day"], name="workerhealth_community_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.user_id}"


class ReminderSchedule(models.Model):
    """When the city chases a slot's missing reports (DingTalk's 2020 check-in: a push at 9:00,
    the supervisor at 12:00, a call at 15:00): the resident, then the grid worker, then the
    community admin. Nothing goes out in quiet hours; a level due then waits for their end while
    its slot is open. Without a row, the defaults below hold."""

    city = models.OneToOneField(
        Place,
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "city"},
    )
    am_resident_at = models.TimeField(_("morning: remind residents at"), default="09:00")
    am_grid_at = models.TimeField(_("morning: tell grid workers at"), default="11:00")
    am_community_at = models.TimeField(_("morning: tell community admins at"), default="13:00")
    pm_resident_at = models.TimeField(_("afternoon: remind residents at"), default="16:00")
    pm_grid_at = models.TimeField(_("afternoon: tell grid workers at"), default="18:00")
    pm_community_at = models.TimeField(_("afternoon: tell community admins at"), default="20:00")
    quiet_from = models.TimeField(_("quiet hours from"), default="22:00")
    quiet_until = models.TimeField(_("quiet hours until"), default="07:00")
    text_household_phones = models.BooleanField(
        _("text the household's contact number when no one in it has an account"), default=True
    )

    objects = ReminderScheduleQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder schedule")
        verbose_name_plural = _("reminder schedules")

    def __str__(self) -> str:
        return str(_("Reminder schedule"))


class ReportReminder(models.Model):
    """One household chased at one level in one slot: the escalation's memory (a level is sent
    once) and what conversion is measured from (a report within an hour of level 1)."""

    # No database constraint: the rows come from residents' households in one INSERT … SELECT,
    # and checking half a million keys at commit (FOR KEY SHARE on every household) doubled the
    # job at city scale (bench/reminders.py). Deleting a household still deletes its rows.
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    grid_id = models.BigIntegerField()
    community_id = models.BigIntegerField()
    city_id = models.BigIntegerField()
    day = models.DateField()
    slot = models.CharField(max_length=2, choices=Slot.choices)
    level = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["household", "day", "slot", "level"], name="reportreminder_once"
            )
        ]
        indexes = [
            models.Index(fields=["grid_id", "day", "slot", "level"], name="reportreminder_grid"),
            models.Index(fields=["city_id", "day", "slot", "level"], name="reportreminder_round"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.slot} L{self.level} #{self.household_id}"
