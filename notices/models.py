"""Notices (宣传引导, M14), public opinion (舆情, M15), supervision (督导, M16) and the protection
guide (M19).

A notice is addressed to places: a whole city is one `NoticeTarget` row, however many
residents live there, so publishing is instant. Reading is recorded when a resident opens it
(`NoticeRead`), and each community records how it relayed the notice (`NoticeRelay`); reach per
community is reads over the community's residents, counted when asked.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from notices.querysets import (
    AreaLeadQuerySet,
    GuideItemQuerySet,
    IncidentActionQuerySet,
    InInspectionQuerySet,
    InspectionQuerySet,
    NoticeQuerySet,
    NoticeReadQuerySet,
    NoticeRelayQuerySet,
    NoticeTargetQuerySet,
    OpinionIncidentQuerySet,
    RectificationQuerySet,
    RectificationUpdateQuerySet,
    SupervisionTeamQuerySet,
)
from places.models import Place

USER = settings.AUTH_USER_MODEL


# --- notices ------------------------------------------------------------------------------


class NoticeKind(models.TextChoices):
    ORDER = "order", _("Order (通令)")
    ANNOUNCEMENT = "announcement", _("Announcement (通告)")
    REBUTTAL = "rebuttal", _("Rebuttal (辟谣)")
    DEED = "deed", _("Exemplary deeds (先进典型)")
    BUILDING = "building", _("Building notice")


class Notice(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=NoticeKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    # The command that issues it (city, district, street or community) and its path.
    issuer = models.ForeignKey(
        Place, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    issuer_path = models.CharField(max_length=255, db_index=True, editable=False)
    published_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("published at"), db_index=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A rebuttal answers an opinion incident.
    incident = models.ForeignKey(
        "notices.OpinionIncident",
        verbose_name=_("rumour"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rebuttals",
    )
    # A building notice ("a case in this building") names its building; see notices.publishing.
    building = models.ForeignKey(
        Place,
        verbose_name=_("building"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class NoticeTarget(models.Model):
    """One place a notice is addressed to; everyone under it receives the notice."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="targets")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    place_path = models.CharField(max_length=255, editable=False)

    objects = NoticeTargetQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notice", "place"], name="notice_target_once")
        ]
        indexes = [
            models.Index(fields=["place_path"], name="notice_target_path"),
        ]

    def __str__(self) -> str:
        return f"{self.notice_id} → {self.place_id}"


class RelayChannel(models.TextChoices):
    BROADCAST = "broadcast", _("Broadcast")
    LOUDSPEAKER = "loudspeaker", _("Loudspeaker")
    POSTER = "poster", _("Poster")
    ONLINE_GROUP = "online_group", _("Online group")
    DOOR_TO_DOOR = "door_to_door", _("Door to door")


class NoticeRelay(models.Model):
    """How one community passed a notice on to its residents, with its explanation."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="relays")
    community = models.ForeignKey(
        Place, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    community_path = models.CharField(max_length=255, db_index=True, editable=False)
    channels = models.JSONField(_("channels"), default=list)  # RelayChannel values
    explanation = models.TextField(_("explanation for residents"), blank=True, default="")
    relayed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    relayed_at = models.DateTimeField(_("relayed at"))

    objects = NoticeRelayQuerySet.as_manager()

    class Meta:
        verbose_name = _("relay")
        verbose_name_plural = _("relays")
        constraints = [
            models.UniqueConstraint(fields=["notice", "community"], name="notice_relay_once")
        ]

    def __str__(self) -> str:
        return f"{self.notice_id} · {self.community_id}"


class NoticeRead(models.Model):
    """A user opened a notice (once; the first time counts)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    # The reader's community as a resident (reach counts residents), else empty.
    community = models.ForeignKey(
        Place, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    community_path = models.CharField(max_length=255, blank=True, default="", editable=False)
    read_at = models.DateTimeField(_("read at"))

    objects = NoticeReadQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notice", "user"], name="notice_read_once")]
        indexes = [models.Index(fields=["notice", "community"], name="notice_read_reach")]

    def __str__(self) -> str:
        return f"{self.notice_id} · {self.user_id}"


# --- public opinion (舆情) -------------------------------------------------------------------


class IncidentKind(models.TextChoices):
    RUMOUR = "rumour", _("Rumour")
    INCIDENT = "incident", _("Sudden public-opinion incident")


class Urgency(models.TextChoices):
    NORMAL = "normal", pgettext_lazy("urgency", "Normal")
    URGENT = "urgent", _("Urgent")
    CRITICAL = "critical", _("Critical")


class IncidentStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    HANDLING = "handling", _("Being handled")
    CLOSED = "closed", _("Closed")


class OpinionIncident(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=IncidentKind.choices)
    summary = models.TextField(_("what is said"))
    where_seen = models.CharField(
        _("where seen"), max_length=200, help_text=_("e.g. 新华社区业主群")
    )
    reach = models.PositiveIntegerField(_("people reached (estimate)"), default=0)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    # The street handles it; the community where it was seen, when known.
    street = models.ForeignKey(
        Place, verbose_name=_("street"), on_delete=models.PROTECT, related_name="+"
    )
    community = models.ForeignKey(
        Place,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The street's path: the street and the offices above it see the incident at once.
    place_path = models.CharField(max_length=255, db_index=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=IncidentStatus.choices, default=IncidentStatus.REPORTED
    )
    reported_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("reported at"), db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = OpinionIncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("opinion incident")
        verbose_name_plural = _("opinion incidents")
        ordering = ["-reported_at", "-pk"]
        indexes = [models.Index(fields=["status", "place_path"], name="incident_open_path")]

    def __str__(self) -> str:
        return self.summary[:40]


class IncidentAction(models.Model):
    """One step of handling, in order: who did what, and the status it left."""

    incident = models.ForeignKey(OpinionIncident, on_delete=models.CASCADE, related_name="actions")
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("what was done"))
    status = models.CharField(_("status"), max_length=10, choices=IncidentStatus.choices)

    objects = IncidentActionQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.incident_id} · {self.status}"


# --- supervision (工作组下沉, 分片包干) ---------------------------------------------------------


class SupervisionTeam(models.Model):
    """A city or district supervision team (督导组)."""

    name = models.CharField(_("name"), max_length=120)
    place = models.ForeignKey(
        Place, verbose_name=_("city or district"), on_delete=models.PROTECT, related_name="+"
    )
    place_path = models.CharField(max_length=255, db_index=True, editable=False)
    leader = models.ForeignKey(
        USER,
        verbose_name=_("leader"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    members: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        USER, verbose_name=_("members"), blank=True, related_name="supervision_teams"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SupervisionTeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("supervision team")
        verbose_name_plural = _("supervision teams")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class AreaLead(models.Model):
    """分片包干: a street leader responsible for a set of its communities."""

    street = models.ForeignKey(
        Place, verbose_name=_("street"), on_delete=models.PROTECT, related_name="+"
    )
    street_path = models.CharField(max_length=255, db_index=True, editable=False)
    leader = models.ForeignKey(
        USER, verbose_name=_("leader"), on_delete=models.PROTECT, related_name="area_leads"
    )
    communities: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        Place, verbose_name=_("communities"), related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AreaLeadQuerySet.as_manager()

    class Meta:
        verbose_name = _("area lead")
        verbose_name_plural = _("area leads")
        constraints = [models.UniqueConstraint(fields=["street", "leader"], name="area_lead_once")]

    def __str__(self) -> str:
        return f"{self.street_id} · {self.leader_id}"


class Inspection(models.Model):
    """One visit to a street or community: its checklist, findings and rectifications."""

    place = models.ForeignKey(
        Place, verbose_name=_("inspected"), on_delete=models.PROTECT, related_name="+"
    )
    place_path = models.CharField(max_length=255, db_index=True, editable=False)
    team = models.ForeignKey(
        SupervisionTeam,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
    )
    inspector = models.ForeignKey(
        USER, verbose_name=_("inspector"), on_delete=models.PROTECT, related_name="+"
    )
    inspected_on = models.DateField(_("inspected on"))
    summary = models.TextField(_("summary"), blank=True, default="")
    created_at = models.DateTimeField(_("recorded at"))

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.place_id} · {self.inspected_on}"


class ItemResult(models.TextChoices):
    OK = "ok", _("In order")
    PROBLEM = "problem", _("Problem found")
    NOT_APPLICABLE = "na", _("Not applicable")


class InspectionItem(models.Model):
    """One checklist item as found (e.g. 门岗值守, 体温检测, 关爱对象台账)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="items")
    place_path = models.CharField(max_length=255, db_index=True, editable=False)
    position = models.PositiveSmallIntegerField(default=0)
    item = models.CharField(_("checklist item"), max_length=120)
    result = models.CharField(_("result"), max_length=8, choices=ItemResult.choices)
    note = models.CharField(_("finding"), max_length=300, blank=True, default="")

    objects = InInspectionQuerySet.as_manager()

    class Meta:
        ordering = ["inspection", "position", "pk"]

    def __str__(self) -> str:
        return self.item


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("To rectify")
    REPORTED = "reported", _("Reported done")
    CLOSED = "closed", _("Verified and closed")


class Rectification(models.Model):
    """整改: a finding to fix, with its owner and deadline; overdue ones surface."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="rectifications"
    )
    item = models.ForeignKey(
        InspectionItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rectifications",
    )
    place_path = models.CharField(max_length=255, db_index=True, editable=False)
    finding = models.TextField(_("finding"))
    owner_name = models.CharField(_("responsible"), max_length=60)
    owner = models.ForeignKey(
        USER,
        verbose_name=_("responsible user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RectificationStatus.choices,
        default=RectificationStatus.OPEN,
    )
    done_at = models.DateTimeField(_("reported done at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = RectificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["status", "deadline"], name="rectification_due")]

    def __str__(self) -> str:
        return self.finding[:40]


class RectificationUpdate(models.Model):
    """Follow-up: what the owner reported or the inspector checked, and the status it left."""

    rectification = models.ForeignKey(
        Rectification, on_delete=models.CASCADE, related_name="updates"
    )
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="+")
    place_path = models.CharField(max_length=255, db_index=True, editable=False)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("note"))
    status = models.CharField(_("status"), max_length=10, choices=RectificationStatus.choices)

    objects = RectificationUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.rectification_id} · {self.status}"


# --- protection guide (公众防护指南) ----------------------------------------------------------


class GuideTopic(models.TextChoices):
    HOME = "home", _("At home and disinfection")
    GOING_OUT = "going_out", _("Going out")
    MASKS = "masks", _("Masks")
    HANDS = "hands", _("Hand washing")
    CARING = "caring", _("Caring for a sick family member")
    FEVER = "fever", _("If you have a fever")
    OTHER = "other", _("Other")


class GuideItem(models.Model):
    """One item of the protection guide, in plain Chinese with an English version."""

    topic = models.CharField(_("topic"), max_length=12, choices=GuideTopic.choices)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    body_zh = models.TextField(_("text (Chinese)"))
    title_en = models.CharField(_("title (English)"), max_length=200)
    body_en = models.TextField(_("text (English)"))
    source = models.CharField(
        _("source"), max_length=200, help_text=_("e.g. 国家卫生健康委员会、中国疾控中心")
    )
    # Editors: the city's admins; city_path is the city they edit for.
    city = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    city_path = models.CharField(max_length=255, db_index=True, editable=False)
    published = models.BooleanField(_("published"), default=True)
    updated_at = models.DateTimeField(_("updated at"))
    updated_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = GuideItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("guide item")
        verbose_name_plural = _("guide items")
        ordering = ["topic", "position", "pk"]

    def __str__(self) -> str:
        return self.title_zh
