"""Recognition and accountability (M17): a person's frontline record (entries by their
organisation; the figures the system already knows are read live, outreach.frontline), nominations
and commendation decisions, accountability records (问责) and activists found on the front line
(入党积极分子). Imported by party.models.

Every row names the party organisation responsible for it and carries that organisation's
`scope_path` and unit, so scoping is one filter (party.recognition_querysets)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from outreach.recognition_querysets import CommendationQuerySet, RecognitionQuerySet
from party.models import PartyOrg, Unit
from places.models import Place

USER = settings.AUTH_USER_MODEL


class ByOrganisation(models.Model):
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    org = models.ForeignKey(
        PartyOrg, verbose_name=_("party organisation"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(max_length=255, db_index=True, editable=False)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))

    objects = RecognitionQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-recorded_at", "-pk"]


class FrontlineEntry(ByOrganisation):
    """What the organisation wrote into a person's frontline record (a deed, a remark)."""

    happened_on = models.DateField(_("date"))
    text = models.TextField(_("what they did"))

    class Meta(ByOrganisation.Meta):
        db_table = "party_frontlineentry"  # the table party made, kept (no data moves)
        verbose_name = _("frontline record entry")
        verbose_name_plural = _("frontline record entries")

    def __str__(self) -> str:
        return f"{self.person_id} · {self.happened_on}"


class Commendation(models.Model):
    """A commendation decision (表彰决定), e.g. 附件八's 全市优秀共产党员."""

    title = models.CharField(_("honour"), max_length=120, help_text=_("e.g. 全市优秀共产党员"))
    decision_text = models.TextField(_("decision text"))
    authority = models.CharField(_("decided by"), max_length=120, help_text=_("e.g. 中共武汉市委"))
    decided_on = models.DateField(_("decided on"))
    # The city or district whose department records it.
    place = models.ForeignKey(
        Place, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    place_path = models.CharField(max_length=255, db_index=True, editable=False)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))
    # The exemplary-deeds notice it was published as (notices.Notice), once published.
    notice = models.ForeignKey(
        "notices.Notice", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CommendationQuerySet.as_manager()

    class Meta:
        db_table = "party_commendation"  # the table party made, kept (no data moves)
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class NominationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    COMMENDED = "commended", _("Commended")
    NOT_ADOPTED = "not_adopted", _("Not adopted")


class Nomination(ByOrganisation):
    """The organisation proposes a person for an honour; a commendation decision settles it."""

    title = models.CharField(_("honour"), max_length=120)
    deeds = models.TextField(_("deeds"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=NominationStatus.choices,
        default=NominationStatus.PROPOSED,
    )
    commendation = models.ForeignKey(
        Commendation, on_delete=models.PROTECT, null=True, blank=True, related_name="nominations"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta(ByOrganisation.Meta):
        db_table = "party_nomination"  # the table party made, kept (no data moves)
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")

    def __str__(self) -> str:
        return f"{self.person_id} · {self.title}"


class Accountability(ByOrganisation):
    """问责: what was found, what was decided and by which authority."""

    finding = models.TextField(_("finding"))
    decision = models.TextField(_("decision"))
    authority = models.CharField(_("decided by"), max_length=120)
    decided_on = models.DateField(_("decided on"))

    class Meta(ByOrganisation.Meta):
        db_table = "party_accountability"  # the table party made, kept (no data moves)
        verbose_name = _("accountability record")
        verbose_name_plural = _("accountability records")

    def __str__(self) -> str:
        return f"{self.person_id} · {self.decided_on}"


class Activist(ByOrganisation):
    """A person found on the front line who wants to join the party (入党积极分子), recorded for
    the party organisation that will cultivate them."""

    found_where = models.CharField(
        _("found where"), max_length=200, help_text=_("e.g. gate duty at 新华社区")
    )
    found_on = models.DateField(_("found on"))
    note = models.TextField(_("note"), blank=True, default="")

    class Meta(ByOrganisation.Meta):
        db_table = "party_activist"  # the table party made, kept (no data moves)
        verbose_name = _("party activist")
        verbose_name_plural = _("party activists")
        constraints = [
            models.UniqueConstraint(fields=["person", "org"], name="activist_once_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} · {self.org_id}"
