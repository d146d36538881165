"""Resident requests (民呼我应), M11, and the vehicles that answer them (M12).

A `ServiceRequest` is one need of one resident: a trip to dialysis, medicine, food. It carries
its clocks as timestamps (`respond_due_at`, `done_due_at`, from the city's `SlaTarget` of its
category) and the level that holds it now (community → street → district). The community
dispatches a vehicle, people or supplies (`Dispatch`); what it cannot solve, or what waits too
long, goes up to the street (`Escalation`). Every change is a `RequestEvent`; the public ones are
what the resident reads.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from places.models import Household, InGrid, Place
from service_requests.querysets import (
    DispatchQuerySet,
    EscalationQuerySet,
    RequestEventQuerySet,
    ServiceRequestQuerySet,
    SlaTargetQuerySet,
    VehicleQuerySet,
)


class RequestCategory(models.TextChoices):
    URGENT_TRIP = "urgent_trip", _("Urgent medical trip")
    TREATMENT_TRIP = "treatment_trip", _("Regular treatment trip (e.g. dialysis)")
    MEDICINE = "medicine", _("Medicine purchase")
    FOOD = "food", _("Food and daily necessities")
    CARE = "care", _("Elderly or child care")
    PSYCHOLOGICAL = "psychological", _("Psychological support")
    OTHER = "other", _("Other")


class Urgency(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    SOON = "soon", _("Today")
    NORMAL = "normal", pgettext_lazy("urgency", "Normal")


class RequestStatus(models.TextChoices):
    NEW = "new", _("Waiting to be accepted")
    ACCEPTED = "accepted", _("Accepted")
    DISPATCHED = "dispatched", _("Help on the way")
    DONE = "done", _("Done, waiting for confirmation")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


# Statuses in which the request still needs work (the clocks run).
OPEN_STATUSES = (RequestStatus.NEW, RequestStatus.ACCEPTED, RequestStatus.DISPATCHED)


class Level(models.TextChoices):
    COMMUNITY = "community", _("Community")
    STREET = "street", _("Street")
    DISTRICT = "district", _("District")


class Source(models.TextChoices):
    RESIDENT = "resident", _("The resident")
    GRID_WORKER = "grid_worker", _("Grid worker on the resident's behalf")
    CARER = "carer", _("Carer, from a care contact")
    STAFF = "staff", _("Community office")
    HOTLINE = "hotline", _("12345 hotline (Open311)")


class SlaTarget(models.Model):
    """The city's response and completion targets for one category (minutes)."""

    city = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("category"), max_length=16, choices=RequestCategory.choices)
    respond_minutes = models.PositiveIntegerField(_("respond within (minutes)"))
    done_minutes = models.PositiveIntegerField(_("done within (minutes)"))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = SlaTargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("request time target")
        verbose_name_plural = _("request time targets")
        constraints = [
            models.UniqueConstraint(fields=["city", "category"], name="sla_unique_category"),
            models.CheckConstraint(
                condition=Q(respond_minutes__gt=0)
                & Q(done_minutes__gte=models.F("respond_minutes")),
                name="sla_respond_before_done",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.respond_minutes}/{self.done_minutes} min"


class ServiceRequest(InGrid):
    """One resident's need, from filing to the resident's confirmation."""

    building = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(
        "people.Resident", verbose_name=_("resident"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("category"), max_length=16, choices=RequestCategory.choices)
    urgency = models.CharField(
        _("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    details = models.CharField(_("details"), max_length=500)
    needed_by = models.DateTimeField(_("needed by"), null=True, blank=True)
    source = models.CharField(_("filed by"), max_length=12, choices=Source.choices)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.NEW
    )
    level = models.CharField(
        pgettext_lazy("request level", "handled by"),
        max_length=10,
        choices=Level.choices,
        default=Level.COMMUNITY,
    )
    created_at = models.DateTimeField(_("filed at"), db_index=True)
    # The clocks (from SlaTarget at filing or reopening) and the moments they stop.
    respond_due_at = models.DateTimeField(_("respond by"))
    done_due_at = models.DateTimeField(_("done by"))
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    closed_at = models.DateTimeField(
        pgettext_lazy("resident request", "closed at"), null=True, blank=True
    )
    # Closing: confirmed by the resident (or the grid worker for one without a phone), rated.
    confirmed = models.BooleanField(_("confirmed by the resident"), default=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(_("rating (1-5)"), null=True, blank=True)
    rating_comment = models.CharField(_("comment"), max_length=300, blank=True, default="")
    reopen_count = models.PositiveSmallIntegerField(default=0)
    # The Open311 client's own id, when the hotline filed it.
    external_id = models.CharField(max_length=64, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ServiceRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident request")
        verbose_name_plural = _("resident requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="request_rating_1_5",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(confirmed=True),
                name="request_rating_needs_confirmation",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "status"], name="request_community_status"),
            models.Index(fields=["street", "level", "status"], name="request_street_level"),
            models.Index(
                fields=["respond_due_at"],
                condition=Q(level="community", status__in=["new", "accepted", "dispatched"]),
                name="request_clock_respond",
            ),
            models.Index(
                fields=["done_due_at"],
                condition=Q(level="community", status__in=["new", "accepted", "dispatched"]),
                name="request_clock_done",
            ),
            models.Index(fields=["household", "created_at"], name="request_household"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.category}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class EventKind(models.TextChoices):
    FILED = "filed", _("Filed")
    ACCEPTED = "accepted", _("Accepted")
    NOTE = "note", _("Note")
    DISPATCHED = "dispatched", _("Dispatched")
    DISPATCH_CANCELLED = "dispatch_cancelled", _("Dispatch cancelled")
    ESCALATED = "escalated", _("Escalated")
    DONE = "done", _("Marked done")
    CONFIRMED = "confirmed", _("Confirmed by the resident")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")
    REOPENED = "reopened", _("Reopened")


class RequestEvent(models.Model):
    """The request's timeline. `public` events (and their text) are what the resident sees."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what"), max_length=20, choices=EventKind.choices)
    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.CharField(_("note"), max_length=500, blank=True, default="")
    public = models.BooleanField(_("shown to the resident"), default=True)

    objects = RequestEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"


class EscalationKind(models.TextChoices):
    RESPOND_LATE = "respond_late", _("Not responded to in time")
    DONE_LATE = "done_late", _("Not done in time")
    MANUAL = "manual", _("Cannot solve at this level")


class Escalation(models.Model):
    """One step up (上报街道统筹协调): automatic when a clock ran out, or by hand with a reason."""

    request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="escalations"
    )
    from_level = models.CharField(max_length=10, choices=Level.choices)
    to_level = models.CharField(max_length=10, choices=Level.choices)
    kind = models.CharField(_("why"), max_length=16, choices=EscalationKind.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True, default="")
    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = EscalationQuerySet.as_manager()

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["at", "pk"]
        constraints = [
            # A request leaves each level once: the periodic job and a person racing to move it
            # up cannot both win.
            models.UniqueConstraint(fields=["request", "from_level"], name="escalation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.from_level} → {self.to_level}"


class Vehicle(models.Model):
    """A vehicle of a community or street, with its usual driver, booked by time slot."""

    place = models.ForeignKey(
        Place, verbose_name=_("belongs to"), on_delete=models.PROTECT, related_name="+"
    )
    place_path = models.CharField(max_length=255, db_index=True, editable=False)
    name = models.CharField(_("name or plate"), max_length=60)
    seats = models.PositiveSmallIntegerField(_("seats"), default=4)
    driver_name = models.CharField(_("driver"), max_length=50, blank=True, default="")
    driver_phone = models.CharField(_("driver's phone"), max_length=24, blank=True, default="")
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    is_active = models.BooleanField(_("in service"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VehicleQuerySet.as_manager()

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ["place_path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["place", "name"], name="vehicle_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class DispatchKind(models.TextChoices):
    VEHICLE = "vehicle", _("Vehicle")
    PEOPLE = "people", _("People")
    SUPPLIES = "supplies", _("Supplies")


class DispatchStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CANCELLED = "cancelled", _("Cancelled")


class Dispatch(models.Model):
    """One resource sent for a request: a vehicle for a time slot, a person, or supplies."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.PROTECT, related_name="dispatches")
    kind = models.CharField(_("kind"), max_length=10, choices=DispatchKind.choices)
    level = models.CharField(
        pgettext_lazy("dispatch level", "by"), max_length=10, choices=Level.choices
    )
    status = models.CharField(
        max_length=10, choices=DispatchStatus.choices, default=DispatchStatus.ACTIVE
    )
    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.PROTECT, null=True, blank=True, related_name="dispatches"
    )
    driver_name = models.CharField(_("driver"), max_length=50, blank=True, default="")
    slot_start = models.DateTimeField(pgettext_lazy("time range", "from"), null=True, blank=True)
    slot_end = models.DateTimeField(pgettext_lazy("time range", "until"), null=True, blank=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dispatches",
    )
    # Supplies leave the stock through one ledger movement.
    movement = models.OneToOneField(
        "supplies.StockMovement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dispatch",
    )
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = DispatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="vehicle", vehicle__isnull=False, slot_start__lt=models.F("slot_end"))
                    | Q(kind="people", person__isnull=False)
                    | Q(kind="supplies", movement__isnull=False)
                ),
                name="dispatch_has_its_resource",
            ),
        ]
        indexes = [
            models.Index(
                fields=["vehicle", "slot_start"],
                condition=Q(status="active", vehicle__isnull=False),
                name="dispatch_vehicle_slot",
            ),
            models.Index(
                fields=["person", "status"],
                condition=Q(person__isnull=False),
                name="dispatch_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for #{self.request_id}"
