"""Themed party day study (主题党日, M3): a programme of materials, each member's record of what
they studied (with a reflection), a branch's discussion thread and the reminders a branch sent.

Imported by party.models, so Django registers these as party's models. Each row carries the
paths it is scoped by (the member's organisation's `scope_path`, its unit), so lists and
completion counts are one indexed filter, no join up the organisation tree.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from outreach.study_querysets import (
    DiscussionPostQuerySet,
    StudyMaterialQuerySet,
    StudyProgrammeQuerySet,
    StudyRecordQuerySet,
    StudyReminderQuerySet,
)
from party.models import PartyMember, PartyOrg, Unit
from places.models import Place

USER = settings.AUTH_USER_MODEL


class StudyProgramme(models.Model):
    """A themed party day published by an organisation department (city or district)."""

    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True, default="")
    starts_on = models.DateField(pgettext_lazy("date range", "from"))
    ends_on = models.DateField(pgettext_lazy("date range", "until"))
    # The city or district whose organisation department publishes it.
    place = models.ForeignKey(
        Place, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    place_path = models.CharField(max_length=255, db_index=True, editable=False)
    # The organisations that take part: every member of their subtrees studies.
    orgs: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        PartyOrg, verbose_name=_("taking part"), related_name="study_programmes"
    )
    published_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StudyProgrammeQuerySet.as_manager()

    class Meta:
        db_table = "party_studyprogramme"  # the table party made, kept (no data moves)
        verbose_name = _("study programme")
        verbose_name_plural = _("study programmes")
        ordering = ["-starts_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class StudyMaterial(models.Model):
    programme = models.ForeignKey(
        StudyProgramme, on_delete=models.CASCADE, related_name="materials"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    source = models.CharField(_("source"), max_length=200, blank=True, default="")
    issued_on = models.DateField(_("dated"), null=True, blank=True)
    # Kept with the programme's path so a material is scoped like its programme.
    place_path = models.CharField(max_length=255, db_index=True, editable=False)

    objects = StudyMaterialQuerySet.as_manager()

    class Meta:
        db_table = "party_studymaterial"  # the table party made, kept (no data moves)
        verbose_name = _("study material")
        verbose_name_plural = _("study materials")
        ordering = ["programme", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class StudyRecord(models.Model):
    """One member studied one material (once; a second mark changes nothing)."""

    programme = models.ForeignKey(StudyProgramme, on_delete=models.CASCADE, related_name="+")
    material = models.ForeignKey(StudyMaterial, on_delete=models.CASCADE, related_name="records")
    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="study_records")
    # The member's organisation and unit when they studied: completion rolls up by these.
    org = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    scope_path = models.CharField(max_length=255, db_index=True, editable=False)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    studied_at = models.DateTimeField(_("studied at"))
    reflection = models.TextField(_("reflection"), blank=True, default="")
    reflected_at = models.DateTimeField(_("reflection written at"), null=True, blank=True)

    objects = StudyRecordQuerySet.as_manager()

    class Meta:
        db_table = "party_studyrecord"  # the table party made, kept (no data moves)
        verbose_name = _("study record")
        verbose_name_plural = _("study records")
        ordering = ["-studied_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["material", "member"], name="study_record_once"),
        ]
        indexes = [models.Index(fields=["programme", "org_path"], name="study_record_rollup")]

    def __str__(self) -> str:
        return f"{self.member_id} · {self.material_id}"


class DiscussionPost(models.Model):
    """A message in a branch's online discussion of a programme."""

    programme = models.ForeignKey(StudyProgramme, on_delete=models.CASCADE, related_name="+")
    org = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, related_name="+")
    scope_path = models.CharField(max_length=255, db_index=True, editable=False)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        PartyMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("posted at"))

    objects = DiscussionPostQuerySet.as_manager()

    class Meta:
        db_table = "party_discussionpost"  # the table party made, kept (no data moves)
        verbose_name = _("discussion message")
        verbose_name_plural = _("discussion messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["programme", "org"], name="discussion_thread")]

    def __str__(self) -> str:
        return f"{self.org_id} · {self.created_at:%Y-%m-%d %H:%M}"


class StudyReminder(models.Model):
    """A branch secretary reminded the members who had not started; they see it on their home
    page until they study."""

    programme = models.ForeignKey(StudyProgramme, on_delete=models.CASCADE, related_name="+")
    org = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, related_name="+")
    scope_path = models.CharField(max_length=255, db_index=True, editable=False)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("sent at"))
    recipients = models.PositiveIntegerField(_("reminded"), default=0)

    objects = StudyReminderQuerySet.as_manager()

    class Meta:
        db_table = "party_studyreminder"  # the table party made, kept (no data moves)
        verbose_name = _("study reminder")
        verbose_name_plural = _("study reminders")
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.org_id} · {self.sent_at:%Y-%m-%d}"
