"""The registry pages (实有人口): the list with search and filters, its export, and the forms that
keep it right. Each view parses, calls one selector or service, and renders or redirects; who may
change what is decided in people.services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed
from core.forms import run_once
from core.http import actor_of
from core.once import once_token
from core.pagination import paginate
from people import exports, policies, selectors, services
from people import policies as people_policies
from people.error_codes import PeopleError
from people.models import VULNERABILITY_FIELDS, Resident, ResidentStatus
from people.policies import check_reads_registry
from people.web.forms import (
    ExportForm,
    HouseholdAddForm,
    HouseholdEditForm,
    HouseholdMoveForm,
    RegistryFilterForm,
    ResidentForm,
    ResidentMoveForm,
    ResidentStatusForm,
    add_service_errors,
    flag_choices,
    status_filter_choices,
)
from places.selectors import place_breadcrumbs

# ---- the list ------------------------------------------------------------------------------


def registry_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    check_reads_registry(actor)
    filters = RegistryFilterForm(request.GET).filters()
    context = {
        "filters": filters,
        "counts": selectors.registry_counts(actor, filters),
        "page": paginate(request, selectors.registry_residents(actor, filters)),
        "flag_fields": VULNERABILITY_FIELDS,
        "may_export": people_policies.may_export_registry(actor),
        "may_add": people_policies.may_edit_registry(actor),
        "may_import": actor.is_superuser or actor.has_role(policies.IMPORT_ROLES),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "people/_registry_results.html", context)
    context |= {
        "grids": selectors.registry_grid_choices(actor),
        "buildings": selectors.registry_building_choices(actor, filters.grid_id),
        "status_choices": status_filter_choices(),
        "flag_choices": flag_choices(),
    }
    return render(request, "people/registry.html", context)


def registry_export(request: HttpRequest) -> HttpResponse | FileResponse:
    """GET: what will be exported, and how; POST: the .xlsx (the filters ride in the URL)."""
    actor = actor_of(request)
    if not people_policies.may_export_registry(actor):
        raise NotAllowed(_("Your role may not export the registry."))
    filters = RegistryFilterForm(request.GET).filters()
    form = ExportForm(_posted(request))
    status = 200
    if request.method == "POST" and form.is_valid():
        full = form.cleaned_data["full"]
        try:
            export = exports.registry_export(
                actor=actor, filters=filters, full=full, reason=form.cleaned_data["reason"]
            )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            return FileResponse(
                export.file,
                as_attachment=True,
                filename=export.filename,
                content_type=exports.XLSX_CONTENT_TYPE,
            )
    if request.method == "POST":
        status = 400
    context = {
        "form": form,
        "filters": filters,
        "counts": selectors.registry_counts(actor, filters),
        "may_full": people_policies.may_export_full(actor),
        "filter_labels": selectors.registry_filter_labels(actor, filters),
        "query": request.GET.urlencode(),
    }
    return render(request, "people/registry_export.html", context, status=status)


# ---- forms that change the registry ---------------------------------------------------------


def _posted(request: HttpRequest) -> Any:
    """The form data of a POST (even an empty one), None for a GET (an unbound form)."""
    return request.POST if request.method == "POST" else None


def _form_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    submit: str,
    back: str,
    subject: str = "",
    crumbs: Any = None,
    intro: str = "",
) -> HttpResponse:
    if not form.is_bound:
        form.initial["once"] = once_token()
    context = {
        "form": form,
        "title": title,
        "submit": submit,
        "back": back,
        "subject": subject,
        "crumbs": crumbs,
        "intro": intro,
    }
    return render(request, "people/registry_form.html", context, status=400 if form.errors else 200)


def household_add(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not people_policies.may_edit_registry(actor):
        raise NotAllowed(_("You may not change the registry here."))
    buildings = selectors.editable_buildings(actor)
    initial = {}
    if request.GET.get("building", "").isdigit():
        initial["building"] = int(request.GET["building"])
    form = HouseholdAddForm(_posted(request), buildings=buildings, initial=initial)
    if request.method == "POST":

        def add(d: dict[str, Any]) -> str:
            household = services.household_register(
                actor=actor, building=d["building"], room=d["room"], phone=d["phone"]
            )
            return reverse("home:household", args=[household.pk])

        done = run_once(request, form, add, _("Household added."))
        if done:
            return done
    return _form_page(
        request,
        form,
        title=_("Add a household"),
        submit=_("Add household"),
        back=reverse("registry:list"),
    )


def _editable_household(request: HttpRequest, household_id: int) -> Any:
    actor = actor_of(request)
    household = selectors.access_household(actor, household_id)
    people_policies.check_can_edit_household(actor, household)
    return actor, household


def household_edit(request: HttpRequest, household_id: int) -> HttpResponse:
    actor, household = _editable_household(request, household_id)
    form = HouseholdEditForm(
        _posted(request), initial={"room": household.room}, household=household
    )
    back = reverse("home:household", args=[household.pk])
    if request.method == "POST":

        def edit(d: dict[str, Any]) -> str:
            services.household_update(
                actor=actor, household=household, room=d["room"], phone=d["phone"]
            )
            return back

        done = run_once(request, form, edit, _("Household saved."))
        if done:
            return done
    return _form_page(
        request,
        form,
        title=_("Edit household"),
        submit=_("Save"),
        back=back,
        subject=str(household),
        crumbs=place_breadcrumbs(actor, household.building, include_self=True),
    )


def household_move(request: HttpRequest, household_id: int) -> HttpResponse:
    actor, household = _editable_household(request, household_id)
    buildings = selectors.editable_buildings(actor).exclude(pk=household.building_id)
    form = HouseholdMoveForm(_posted(request), buildings=buildings)
    back = reverse("home:household", args=[household.pk])
    if request.method == "POST":

        def move(d: dict[str, Any]) -> str:
            services.household_move(actor=actor, household=household, building=d["building"])
            return back

        done = run_once(request, form, move, _("Household moved."))
        if done:
            return done
    return _form_page(
        request,
        form,
        title=_("Move household to another building"),
        submit=_("Move household"),
        back=back,
        subject=str(household),
        crumbs=place_breadcrumbs(actor, household.building, include_self=True),
    )


def resident_add(request: HttpRequest, household_id: int) -> HttpResponse:
    actor, household = _editable_household(request, household_id)
    form = ResidentForm(_posted(request))
    if request.method == "POST":

        def add(d: dict[str, Any]) -> str:
            resident = services.resident_register(
                actor=actor,
                household=household,
                data=form.person_data(),
                flags=d["flags"],
                care_note=d["care_note"],
            )
            return reverse("people:resident", args=[resident.pk])

        done = run_once(request, form, add, _("Resident added."))
        if done:
            return done
    return _form_page(
        request,
        form,
        title=_("Add a resident"),
        submit=_("Add resident"),
        back=reverse("home:household", args=[household.pk]),
        subject=str(household),
        crumbs=place_breadcrumbs(actor, household.building, include_self=True),
    )


def _editable_resident(request: HttpRequest, resident_id: int) -> tuple[Actor, Resident]:
    actor = actor_of(request)
    resident = selectors.access_resident(actor, resident_id)
    people_policies.check_can_edit_household(actor, resident.household)
    return actor, resident


def resident_edit(request: HttpRequest, resident_id: int) -> HttpResponse:
    actor, resident = _editable_resident(request, resident_id)
    person = resident.person
    # ID and phone are not put into the form (that would show them in full, unrecorded): left
    # empty they stay as they are.
    initial = {
        "name": person.name,
        "relation": resident.relation,
        "flags": [f for f in VULNERABILITY_FIELDS if getattr(resident, f)],
        "care_note": resident.care_note,
    }
    form = ResidentForm(_posted(request), initial=initial, current=person)
    back = reverse("people:resident", args=[resident.pk])
    if request.method == "POST":

        def edit(d: dict[str, Any]) -> str:
            services.resident_update(
                actor=actor,
                resident=resident,
                data=form.person_data(),
                flags=d["flags"],
                care_note=d["care_note"],
            )
            return back

        done = run_once(request, form, edit, _("Resident saved."))
        if done:
            return done
    return _form_page(
        request,
        form,
        title=_("Edit resident"),
        submit=_("Save"),
        back=back,
        subject=person.name,
        crumbs=place_breadcrumbs(actor, resident.building, include_self=True),
    )


def resident_status(request: HttpRequest, resident_id: int) -> HttpResponse:
    actor, resident = _editable_resident(request, resident_id)
    wanted = request.GET.get("status", "")
    initial: dict[str, Any] = {
        "status": wanted if wanted in ResidentStatus.values else resident.status,
        "since": resident.status_since,
        "note": resident.status_note,
    }
    form = ResidentStatusForm(_posted(request), initial=initial)
    back = reverse("people:resident", args=[resident.pk])
    if request.method == "POST":

        def change(d: dict[str, Any]) -> str:
            services.resident_set_status(
                actor=actor,
                resident=resident,
                status=d["status"],
                since=d["since"],
                note=d["note"],
            )
            return back

        done = run_once(request, form, change, _("Status saved."))
        if done:
            return done
    return _form_page(
        request,
        form,
        title=_("Change status"),
        submit=_("Save status"),
        back=back,
        subject=resident.person.name,
        crumbs=place_breadcrumbs(actor, resident.building, include_self=True),
        intro=_(
            "Moved out, deceased, or temporarily away (e.g. stranded outside the city): "
            "give the day it began. Choose “Living here” when the resident is back."
        ),
    )


def resident_move(request: HttpRequest, resident_id: int) -> HttpResponse:
    actor, resident = _editable_resident(request, resident_id)
    buildings = selectors.editable_buildings(actor)
    form = ResidentMoveForm(
        _posted(request),
        buildings=buildings,
        initial={"building": resident.building_id, "relation": resident.relation},
    )
    back = reverse("people:resident", args=[resident.pk])
    if request.method == "POST":

        def move(d: dict[str, Any]) -> str:
            from core.validators import normalize_text

            room = normalize_text(d["room"])
            if not room:
                raise ValidationError(
                    {"room": [ValidationError(_("Room is required."), code=CoreError.REQUIRED)]}
                )
            target = selectors.household_at(actor, d["building"], room)
            if target is None:
                raise ValidationError(
                    {
                        "room": [
                            ValidationError(
                                _("No household is registered in this room; add it first."),
                                code=PeopleError.NO_HOUSEHOLD,
                            )
                        ]
                    }
                )
            services.resident_move(
                actor=actor, resident=resident, household=target, relation=d["relation"]
            )
            return back

        done = run_once(request, form, move, _("Resident moved."), {"household": "room"})
        if done:
            return done
    return _form_page(
        request,
        form,
        title=_("Move to another household"),
        submit=_("Move resident"),
        back=back,
        subject=f"{resident.person.name} · {resident.household}",
        crumbs=place_breadcrumbs(actor, resident.building, include_self=True),
    )
