from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import BlindIndexField, EncryptedCharField
from people.querysets import (
    PersonQuerySet,
    RegistryChangeQuerySet,
    RegistryImportQuerySet,
    ResidentQuerySet,
)
from places.models import Household, InGrid, Place


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Person(models.Model):
    """An identity: the same person may be a resident, a party member and a staff user."""

    name = models.CharField(_("full name"), max_length=50)
    # Encrypted at rest (core.fields); looked up and kept unique through the keyed hashes
    # beside them (people.selectors.person_with_id_number, …), never by value.
    id_number = EncryptedCharField(
        _("ID number"), max_length=18, null=True, blank=True, default=None
    )
    id_number_hash = BlindIndexField(
        source="id_number", purpose="id_number", null=True, default=None, unique=True
    )
    phone = EncryptedCharField(_("phone"), max_length=24, blank=True, default="")
    phone_hash = BlindIndexField(source="phone", purpose="phone", blank=True, default="")
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True, default="")
    # Search keys, kept by people.search.person_search_fields whenever name/phone/ID change:
    # pinyin ("zhangwei zw", surname readings too) and keyed hashes of the last four digits
    # people quote (hashed, not plain: the raw table then holds nothing of a number).
    search_key = models.CharField(max_length=255, blank=True, default="", editable=False)
    phone_last4_hash = BlindIndexField(
        source="phone", purpose="phone_last4", blank=True, default=""
    )
    id_last4_hash = BlindIndexField(source="id_number", purpose="id_last4", blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["name"], name="person_name"),
            models.Index(fields=["phone_hash"], name="person_phone_hash"),
            models.Index(fields=["phone_last4_hash"], name="person_phone_last4"),
            models.Index(fields=["id_last4_hash"], name="person_id_last4"),
        ]

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
    status_note = models.CharField(
        _("status note"),
        max_length=200,
        blank=True,
        default="",
        help_text=_("e.g. stranded in another city, where and until when"),
    )
    # Vulnerability flags (M2), read by care (M10) and requests (M11).
    is_elderly_alone = models.BooleanField(_("elderly living alone"), default=False)
    is_disabled = models.BooleanField(_("disabled"), default=False)
    has_chronic_illness = models.BooleanField(
        _("chronic illness needing regular treatment"), default=False
    )
    is_pregnant = models.BooleanField(_("pregnant"), default=False)
    in_hardship = models.BooleanField(_("family in hardship"), default=False)
    is_child_without_carer = models.BooleanField(_("child without carer"), default=False)
    care_note = models.CharField(
        _("care note"),
        max_length=200,
        blank=True,
        default="",
        help_text=_("e.g. dialysis every Tuesday, Thursday and Saturday"),
    )
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


# The vulnerability flags, in the order pages show them.
VULNERABILITY_FIELDS = (
    "is_elderly_alone",
    "is_disabled",
    "has_chronic_illness",
    "is_pregnant",
    "in_hardship",
    "is_child_without_carer",
)


class ChangeAction(models.TextChoices):
    CREATED = "created", _("Registered")
    EDITED = "edited", _("Edited")
    MOVED = "moved", _("Moved")
    STATUS = "status", _("Status changed")
    IMPORTED = "imported", _("Imported")


class RegistryChange(models.Model):
    """One change to the registry: who, when, what, old → new (ID and phone kept masked).

    Written only by people.services; never edited or deleted.
    """

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, null=True, blank=True, related_name="changes"
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="changes"
    )
    action = models.CharField(_("action"), max_length=16, choices=ChangeAction.choices)
    # [{"field": "phone", "old": "138****5678", "new": "139****1234"}, …]
    fields = models.JSONField(_("changes"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True, default="")

    objects = RegistryChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("registry change")
        verbose_name_plural = _("registry changes")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class ImportStatus(models.TextChoices):
    CHECKING = "checking", _("Checking the file")
    PREVIEWED = "previewed", _("Checked, waiting for confirmation")
    QUEUED = "queued", _("Waiting to run")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class RegistryImport(models.Model):
    """One uploaded registry spreadsheet, from preview to import. The file is kept, so the
    rejected rows can always be given back and nothing entered is lost."""

    community = models.ForeignKey(
        Place, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    community_path = models.CharField(max_length=255, db_index=True, editable=False)
    uploaded_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    file_name = models.CharField(_("file name"), max_length=200)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    content = models.BinaryField()
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    new_count = models.PositiveIntegerField(default=0)
    changed_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    # [{"row": 7, "column": "身份证号", "reason": "…", "values": {...}}, …] — the values are the
    # uploader's own, kept only to hand the rejected rows back.
    rejected = models.JSONField(default=list, blank=True)
    error = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = RegistryImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("registry import")
        verbose_name_plural = _("registry imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name
