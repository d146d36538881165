"""Mobilising people in a community (M5–M7, M13): posts and responsibility zones, the duty
roster, patrols, service activities and what workers need to keep working.

Rows are few per community (tens of posts, hundreds of shifts a week), so each carries its
community and the community's path: offices see their subtree by path prefix, a worker sees
what they are on (a post they lead or belong to, a shift they are assigned to…).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mobilisation.duty_querysets import (
    ActivityParticipantQuerySet,
    ActivityQuerySet,
    PatrolFindingQuerySet,
    PatrolQuerySet,
    PatrolRouteQuerySet,
    PostQuerySet,
    ShiftAssignmentQuerySet,
    ShiftQuerySet,
    WorkerNeedQuerySet,
    ZoneQuerySet,
)
from places.models import Place

USER = settings.AUTH_USER_MODEL


class InCommunity(models.Model):
    """The community a row belongs to and its path (scoping by prefix, no join)."""

    community = models.ForeignKey(
        Place, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    community_path = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        abstract = True


# --- posts and zones (先锋岗、示范岗、责任区) -------------------------------------------------


class PostKind(models.TextChoices):
    VANGUARD = "vanguard", _("Vanguard post")
    MODEL = "model", _("Model post")
    GATE = "gate", _("Gate duty")
    TRAFFIC = "traffic", _("Traffic control")
    PRICE_WATCH = "price_watch", _("Price watch")
    SUPPLY_DELIVERY = "delivery", _("Supply delivery")
    DISINFECTION = "disinfection", _("Disinfection")
    OTHER = "other", _("Other")


class Post(InCommunity):
    """A named post of a community with a leader, members and shifts."""

    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=16, choices=PostKind.choices)
    # Where it stands: a grid or building of the community, and/or words ("north gate").
    place = models.ForeignKey(
        Place,
        verbose_name=_("place"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    location = models.CharField(_("location"), max_length=120, blank=True, default="")
    leader = models.ForeignKey(
        USER,
        verbose_name=_("leader"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="posts_led",
    )
    # A shift with fewer people than this is a gap.
    needed_per_shift = models.PositiveSmallIntegerField(_("people needed per shift"), default=1)
    duties = models.CharField(_("duties"), max_length=300, blank=True, default="")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        db_table = "duty_post"  # the table duty made, kept (no data moves)
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(name="post_needs_someone", condition=Q(needed_per_shift__gte=1)),
        ]

    def __str__(self) -> str:
        return self.name


class PostMember(models.Model):
    """A person on a post (a removal keeps the row: the history of who served where)."""

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="memberships")
    user = models.ForeignKey(
        USER, verbose_name=_("member"), on_delete=models.PROTECT, related_name="post_memberships"
    )
    added_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(_("added at"))
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        db_table = "duty_postmember"  # the table duty made, kept (no data moves)
        verbose_name = _("post member")
        verbose_name_plural = _("post members")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user"],
                condition=Q(removed_at__isnull=True),
                name="postmember_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.post_id}"


class Zone(InCommunity):
    """A responsibility zone (责任区): grids or buildings a leader and members answer for.
    Residents of those buildings see who is responsible for them."""

    name = models.CharField(_("name"), max_length=80)
    places: models.ManyToManyField[Place, ZonePlace] = models.ManyToManyField(
        Place, verbose_name=_("grids or buildings"), related_name="zones", through="ZonePlace"
    )
    leader = models.ForeignKey(
        USER,
        verbose_name=_("leader"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="zones_led",
    )
    duties = models.CharField(_("duties"), max_length=300, blank=True, default="")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = ZoneQuerySet.as_manager()

    class Meta:
        db_table = "duty_zone"  # the table duty made, kept (no data moves)
        verbose_name = _("responsibility zone")
        verbose_name_plural = _("responsibility zones")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class ZonePlace(models.Model):
    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="zone_places")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    # The place's path, so "the zones over this building" is a prefix test with no join.
    place_path = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        db_table = "duty_zoneplace"  # the table duty made, kept (no data moves)
        constraints = [
            models.UniqueConstraint(fields=["zone", "place"], name="zoneplace_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.place_id} in {self.zone_id}"


class ZoneMember(models.Model):
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="memberships")
    user = models.ForeignKey(
        USER, verbose_name=_("member"), on_delete=models.PROTECT, related_name="zone_memberships"
    )
    added_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(_("added at"))
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        db_table = "duty_zonemember"  # the table duty made, kept (no data moves)
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "user"],
                condition=Q(removed_at__isnull=True),
                name="zonemember_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.zone_id}"


# --- the duty roster (战时值班备勤) -------------------------------------------------------------


class Shift(InCommunity):
    """One shift of a post (e.g. 08:00–14:00 on 3 February)."""

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.PROTECT, related_name="shifts"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    # Copied from the post when the shift is made; may be raised for one shift.
    needed = models.PositiveSmallIntegerField(_("people needed"), default=1)
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    objects = ShiftQuerySet.as_manager()

    class Meta:
        db_table = "duty_shift"  # the table duty made, kept (no data moves)
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="shift_ends_after_start", condition=Q(ends_at__gt=models.F("starts_at"))
            ),
            models.CheckConstraint(name="shift_needs_someone", condition=Q(needed__gte=1)),
        ]
        indexes = [models.Index(fields=["community", "starts_at"], name="shift_community_start")]

    def __str__(self) -> str:
        return f"{self.post_id} {self.starts_at:%Y-%m-%d %H:%M}"


class ShiftAssignment(InCommunity):
    """A person on a shift. The times are copied from the shift so that "does this person
    already have a shift then?" is one indexed query. Hours are set at check-out."""

    shift = models.ForeignKey(Shift, on_delete=models.PROTECT, related_name="assignments")
    user = models.ForeignKey(
        USER, verbose_name=_("person"), on_delete=models.PROTECT, related_name="shift_assignments"
    )
    # The person's work unit when assigned (hours roll up per unit), if they are a cadre.
    unit = models.ForeignKey(
        "party.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    starts_at = models.DateTimeField(editable=False)
    ends_at = models.DateTimeField(editable=False)
    assigned_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(pgettext_lazy("shift assignment", "assigned at"))
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_note = models.CharField(_("why removed"), max_length=200, blank=True, default="")
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2, null=True, blank=True)

    objects = ShiftAssignmentQuerySet.as_manager()

    class Meta:
        db_table = "duty_shiftassignment"  # the table duty made, kept (no data moves)
        verbose_name = _("shift assignment")
        verbose_name_plural = _("shift assignments")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "user"],
                condition=Q(removed_at__isnull=True),
                name="shiftassignment_one_active",
            ),
            models.CheckConstraint(
                name="shiftassignment_out_after_in",
                condition=Q(checked_out_at__isnull=True)
                | Q(checked_in_at__isnull=False, checked_out_at__gte=models.F("checked_in_at")),
            ),
        ]
        indexes = [
            models.Index(
                fields=["user", "starts_at"],
                condition=Q(removed_at__isnull=True),
                name="shiftassignment_user_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.shift_id}"


# --- patrols (巡查巡防巡控) ---------------------------------------------------------------------


class PatrolRoute(InCommunity):
    name = models.CharField(_("name"), max_length=80)
    checkpoints = models.CharField(
        _("checkpoints"), max_length=400, blank=True, default="", help_text=_("one per line")
    )
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = PatrolRouteQuerySet.as_manager()

    class Meta:
        db_table = "duty_patrolroute"  # the table duty made, kept (no data moves)
        verbose_name = _("patrol route")
        verbose_name_plural = _("patrol routes")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Patrol(InCommunity):
    """One round along a route, by one or more people, with its findings."""

    route = models.ForeignKey(
        PatrolRoute, verbose_name=_("route"), on_delete=models.PROTECT, related_name="patrols"
    )
    patrollers: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        USER, verbose_name=_("patrollers"), related_name="patrols"
    )
    started_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True, default="")

    objects = PatrolQuerySet.as_manager()

    class Meta:
        db_table = "duty_patrol"  # the table duty made, kept (no data moves)
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.route_id} {self.started_at:%Y-%m-%d %H:%M}"


class FindingKind(models.TextChoices):
    GATHERING = "gathering", _("People gathering")
    UNMASKED = "unmasked", _("People without masks")
    ELDERLY_ALONE = "elderly_alone", _("Elderly person unattended")
    FEVER = "fever", _("Someone with fever or symptoms")
    SANITATION = "sanitation", _("Rubbish or sanitation problem")
    OUTSIDER = "outsider", _("Unregistered person or vehicle")
    OTHER = "other", _("Other")


class PatrolFinding(InCommunity):
    """Something seen on a patrol. A finding about a resident can become a resident request
    or a triage case in one step; the link is kept here."""

    patrol = models.ForeignKey(Patrol, on_delete=models.PROTECT, related_name="findings")
    kind = models.CharField(_("what"), max_length=16, choices=FindingKind.choices)
    at = models.DateTimeField(_("time"))
    building = models.ForeignKey(
        Place,
        verbose_name=_("building"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    where = models.CharField(_("where"), max_length=120, blank=True, default="")
    details = models.CharField(_("details"), max_length=400, blank=True, default="")
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(
        "people.Resident",
        verbose_name=_("resident"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    request = models.ForeignKey(
        "service_requests.ServiceRequest",
        verbose_name=_("request raised"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    case = models.ForeignKey(
        "triage.TriageCase",
        verbose_name=_("triage case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PatrolFindingQuerySet.as_manager()

    class Meta:
        db_table = "duty_patrolfinding"  # the table duty made, kept (no data moves)
        verbose_name = _("patrol finding")
        verbose_name_plural = _("patrol findings")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"


# --- service activities (防控疫情、党员先行) ----------------------------------------------------


class ActivityKind(models.TextChoices):
    PUBLICITY = "publicity", _("Publicity and explanation")
    HELP = "help", _("Help for people in difficulty")
    SANITATION = "sanitation", _("Sanitation and disinfection")
    SAFETY = "safety", _("Safety and order")
    OTHER = "other", _("Other")


class Activity(InCommunity):
    """A service activity with its people, time, place and outcome; hours served come from its
    participants."""

    kind = models.CharField(_("kind"), max_length=12, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=120)
    where = models.CharField(_("where"), max_length=120, blank=True, default="")
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"))
    outcome = models.CharField(_("outcome"), max_length=500, blank=True, default="")
    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.PROTECT, null=True, blank=True
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"))

    objects = ActivityQuerySet.as_manager()

    class Meta:
        db_table = "duty_activity"  # the table duty made, kept (no data moves)
        verbose_name = _("service activity")
        verbose_name_plural = _("service activities")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="activity_ends_after_start", condition=Q(ended_at__gt=models.F("started_at"))
            ),
        ]
        indexes = [models.Index(fields=["community", "started_at"], name="activity_community")]

    def __str__(self) -> str:
        return self.title


class ActivityParticipant(InCommunity):
    """One person's part in an activity, with the hours they served."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        USER, verbose_name=_("person"), on_delete=models.PROTECT, related_name="activity_parts"
    )
    unit = models.ForeignKey(
        "party.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)

    objects = ActivityParticipantQuerySet.as_manager()

    class Meta:
        db_table = "duty_activityparticipant"  # the table duty made, kept (no data moves)
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=["activity", "user"], name="participant_once"),
            models.CheckConstraint(
                name="participant_hours_range", condition=Q(hours__gt=0) & Q(hours__lte=24)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.activity_id}"


# --- worker wellbeing (防止带病上岗, 解决后顾之忧) ---------------------------------------------


class NeedKind(models.TextChoices):
    MEALS = "meals", _("Meals at work")
    COMMUTING = "commuting", _("Commuting")
    PROTECTION = "protection", _("Protective equipment")
    FAMILY = "family", _("Family difficulty")
    LIVING = "living", _("Living difficulty")
    HEALTH = "health", _("Health")
    OTHER = "other", _("Other")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the street")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class WorkerNeed(InCommunity):
    """A community worker's difficulty (meals, commuting, family…), answered by the street."""

    street = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+", editable=False)
    worker = models.ForeignKey(
        USER, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="needs"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=NeedKind.choices)
    details = models.CharField(_("details"), max_length=500)
    filed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("filed at"))
    status = models.CharField(
        _("status"), max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN
    )
    answer = models.CharField(_("answer"), max_length=500, blank=True, default="")
    answered_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = WorkerNeedQuerySet.as_manager()

    class Meta:
        db_table = "duty_workerneed"  # the table duty made, kept (no data moves)
        verbose_name = _("worker need")
        verbose_name_plural = _("worker needs")
        ordering = ["-filed_at", "-pk"]
        indexes = [models.Index(fields=["street", "status"], name="workerneed_street")]

    def __str__(self) -> str:
        return f"{self.kind} {self.worker_id}"
