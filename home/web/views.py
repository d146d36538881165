"""Each role's home page, and the household page that is a resident's home (their notices,
today's report, the buildings of their community marked as having cases); staff see the same
household page without the resident's board."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from core.http import actor_of
from core.roles import REGISTRY_ROLES
from health.selectors import household_report_status
from home.scopes import home_redirect, home_scopes
from notices.notice_selectors import notices_for_home, unread_count
from outreach.study_selectors import my_reminders
from people.policies import may_edit_household
from people.selectors import access_household, household_history, household_residents
from places import selectors
from triage.disclosure_selectors import resident_marked_buildings


def home(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    target = home_redirect(actor)
    if target:
        return redirect(target)
    context = {
        "scopes": home_scopes(actor),
        # A resident's notice board: the buildings of their community marked as having cases.
        "marked_buildings": resident_marked_buildings(actor),
        # The command's notices for this user's places, and a party member's study reminders.
        "home_notices": notices_for_home(actor),
        "notices_unread": unread_count(actor),
        "study_reminders": my_reminders(actor),
    }
    return render(request, "home/home.html", context)


def household_detail(request: HttpRequest, household_id: int) -> HttpResponse:
    actor = actor_of(request)
    household = access_household(actor, household_id)
    building = household.building
    staff = actor.is_superuser or actor.has_role(REGISTRY_ROLES)
    context = {
        "household": household,
        "residents": household_residents(actor, household),
        "crumbs": selectors.place_breadcrumbs(actor, building),
        "building_visible": selectors.place_visible(actor, building.pk),
        "may_edit": may_edit_household(actor, household),
        "show_history": staff,
        "history": household_history(actor, household) if staff else [],
        # A resident's notice board: the buildings of their community marked as having cases.
        "marked_buildings": resident_marked_buildings(actor),
    }
    if any(g.household_id == household.pk for g in actor.grants):
        # The resident's own household is their home page: the notices for them, unread first.
        context["home_notices"] = notices_for_home(actor)
        context["notices_unread"] = unread_count(actor)
        # Is today's health report done? (a resident's first question of the day)
        context["report_status"] = household_report_status(household.pk, timezone.localdate())
    return render(request, "home/household.html", context)
