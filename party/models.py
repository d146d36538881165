from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from party.querysets import (
    PartyMemberQuerySet,
    PartyOrgQuerySet,
    UnitQuerySet,
)
from places.models import Household, Place


class UnitKind(models.TextChoices):
    ORGAN = "organ", _("Government organ")
    INSTITUTION = "institution", _("Public institution")
    ENTERPRISE = "enterprise", _("Enterprise")
    OTHER = "other", _("Other")


class Unit(models.Model):
    """A city organ, enterprise or institution (单位) that sends cadres to communities."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    # The city or district the unit reports to; its admins see it.
    place = models.ForeignKey(
        Place, verbose_name=_("registered at"), on_delete=models.PROTECT, related_name="units"
    )
    place_path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PartyOrgKind(models.TextChoices):
    COMMITTEE = "committee", _("Party committee")
    GENERAL_BRANCH = "general_branch", _("General branch")
    BRANCH = "branch", _("Branch")
    GROUP = "group", _("Party group")
    GRID_BRANCH = "grid_branch", _("Grid branch")
    BUILDING_GROUP = "building_group", _("Building group")
    MEMBER_HOUSEHOLD = "member_household", _("Member household")
    TEMPORARY = "temporary", _("Temporary party organisation")


class PartyOrg(models.Model):
    """A node of the party organisation tree, attached to a place, a household or a unit.

    `scope_path` is the place path the organisation belongs to (its own place, or that of its
    nearest ancestor with one); subtree admins see it by prefix. `unit` is carried down the
    unit's organisation subtree so a unit admin sees all of it.
    """

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=PartyOrgKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    place = models.ForeignKey(
        Place,
        verbose_name=_("place"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="party_orgs",
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="party_orgs",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="party_orgs",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    scope_path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    note = models.CharField(
        _("note"), max_length=200, blank=True, default="", help_text=_("e.g. medical team origin")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PartyOrgQuerySet.as_manager()

    class Meta:
        verbose_name = _("party organisation")
        verbose_name_plural = _("party organisations")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name


class MemberStatus(models.TextChoices):
    FULL = "full", _("Full member")
    PROBATIONARY = "probationary", _("Probationary member")


class DeployCall(models.TextChoices):
    """What the unit's party admin decided for a member (应下尽下)."""

    UNMARKED = "", _("Not decided")
    SHOULD = "should", _("Should deploy")
    EXEMPT = "exempt", _("Exempt")


class ExemptReason(models.TextChoices):
    UNWELL = "unwell", _("Unwell")
    PREGNANT = "pregnant", _("Pregnant")
    ESSENTIAL_POST = "essential_post", _("Essential post at the unit")
    OTHER = "other", _("Other")


class PartyMember(models.Model):
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="party_memberships",
    )
    org = models.ForeignKey(
        PartyOrg, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="members"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("work unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.FULL
    )
    is_cadre = models.BooleanField(_("cadre"), default=False)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # 应下尽下: the unit's decision whether this member should deploy to a community.
    deploy_call = models.CharField(
        _("deployment"), max_length=8, choices=DeployCall.choices, blank=True, default=""
    )
    exempt_reason = models.CharField(
        _("exemption reason"), max_length=16, choices=ExemptReason.choices, blank=True, default=""
    )
    deploy_note = models.CharField(_("note"), max_length=200, blank=True, default="")
    deploy_marked_at = models.DateTimeField(null=True, blank=True, editable=False)
    deploy_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = PartyMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        constraints = [
            models.UniqueConstraint(fields=["person"], name="party_member_one_membership"),
            models.CheckConstraint(
                name="party_member_exempt_has_reason",
                condition=~Q(deploy_call="exempt") | ~Q(exempt_reason=""),
            ),
        ]
        indexes = [models.Index(fields=["unit", "deploy_call"], name="partymember_unit_call")]

    def __str__(self) -> str:
        return self.person.name
