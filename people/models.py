from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from people.querysets import PersonQuerySet, ResidentQuerySet
from places.models import Household, InGrid, Place


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Person(models.Model):
    """An identity: the same person may be a resident, a party member and a staff user."""

    name = models.CharField(_("full name"), max_length=50)
    id_number = models.CharField(
        _("ID number"), max_length=18, unique=True, null=True, blank=True, default=None
    )
    phone = models.CharField(_("phone"), max_length=24, blank=True, default="")
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["name"], name="person_name")]

    def __str__(self) -> str:
        return self.name


class Relation(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Father or mother")
    GRANDCHILD = "grandchild", _("Grandchild")
    OTHER = "other", _("Other")


class ResidentStatus(models.TextChoices):
    PRESENT = "present", _("Living here")
    AWAY = "away", _("Temporarily away")
    MOVED_OUT = "moved_out", _("Moved out")
    DECEASED = "deceased", _("Deceased")


class Resident(InGrid):
    """A person living in a household (实有人口)."""

    person = models.OneToOneField(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="resident"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="residents"
    )
    # The household's building, denormalised like the InGrid columns.
    building = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+", editable=False)
    relation = models.CharField(
        _("relation to head"), max_length=16, choices=Relation.choices, default=Relation.OTHER
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ResidentStatus.choices, default=ResidentStatus.PRESENT
    )
    status_since = models.DateField(_("status since"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        indexes = [
            models.Index(fields=["community", "status"], name="resident_community_status"),
            models.Index(fields=["grid", "status"], name="resident_grid_status"),
        ]

    def __str__(self) -> str:
        return self.person.name
