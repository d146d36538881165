"""Vehicles (the community's and street's, with today's bookings) and the city's time targets."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.forms import run_once
from core.http import actor_of
from core.once import once_token
from core.pagination import paginate, search_term
from service_requests import selectors
from service_requests.policies import TARGET_ROLES, VEHICLE_ROLES, may
from service_requests.querysets import RESOURCE_ROLES
from service_requests.vehicles import sla_target_set, vehicle_save
from service_requests.web.forms import TargetForm, VehicleForm


def _vehicle_form(data: Any, places: list[Any], initial: dict[str, Any]) -> VehicleForm:
    form = VehicleForm(data, initial={"once": once_token(), **initial})
    field = form.fields["place"]
    assert isinstance(field, django_forms.ChoiceField)
    field.choices = [(str(p.pk), p.name) for p in places]
    return form


def vehicle_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not may(actor, RESOURCE_ROLES):
        raise NotAllowed(_("Only community, street and higher offices see vehicles."))
    q = search_term(request)
    places = selectors.vehicle_places(actor) if may(actor, VEHICLE_ROLES) else []
    form = _vehicle_form(request.POST if request.method == "POST" else None, places, {})
    if request.method == "POST":
        if not places:
            raise NotAllowed(_("Only community and street offices register vehicles."))

        def handle(d: dict[str, Any]) -> str:
            place = next((p for p in places if str(p.pk) == d["place"]), None)
            if place is None:
                raise field_error(
                    "place", _("Choose where the vehicle belongs."), CoreError.INVALID
                )
            v = vehicle_save(
                actor=actor,
                vehicle=None,
                place=place,
                name=d["name"],
                seats=d["seats"],
                driver_name=d["driver_name"],
                driver_phone=d["driver_phone"],
                note=d["note"],
                is_active=d["is_active"],
            )
            return reverse("requests:vehicle", args=[v.pk])

        done = run_once(request, form, handle, _("Vehicle registered."))
        if done:
            return done
    elif len(places) == 1:
        form.initial["place"] = str(places[0].pk)
    page = paginate(request, selectors.vehicle_list(actor, q))
    context = {
        "page": page,
        "rows": selectors.vehicle_days(list(page.object_list)),
        "q": q,
        "form": form if places else None,
        "found": page.paginator.count,
    }
    return render(
        request, "service_requests/vehicles.html", context, status=400 if form.errors else 200
    )


def vehicle_detail(request: HttpRequest, vehicle_id: int) -> HttpResponse:
    actor = actor_of(request)
    vehicle = selectors.access_vehicle(actor, vehicle_id)
    places = selectors.vehicle_places(actor) if may(actor, VEHICLE_ROLES) else []
    may_edit = any(p.pk == vehicle.place_id for p in places)
    initial = {
        "place": str(vehicle.place_id),
        "name": vehicle.name,
        "seats": vehicle.seats,
        "driver_name": vehicle.driver_name,
        "driver_phone": vehicle.driver_phone,
        "note": vehicle.note,
        "is_active": vehicle.is_active,
    }
    form = _vehicle_form(request.POST if request.method == "POST" else None, places, initial)
    if request.method == "POST":
        if not may_edit:
            raise NotAllowed(_("Only the vehicle's own office edits it."))

        def handle(d: dict[str, Any]) -> str:
            vehicle_save(
                actor=actor,
                vehicle=vehicle,
                place=vehicle.place,
                name=d["name"],
                seats=d["seats"],
                driver_name=d["driver_name"],
                driver_phone=d["driver_phone"],
                note=d["note"],
                is_active=d["is_active"],
            )
            return reverse("requests:vehicle", args=[vehicle.pk])

        done = run_once(request, form, handle, _("Vehicle saved."))
        if done:
            return done
    if may_edit:
        del form.fields["place"]  # the place never changes once booked
    page = paginate(request, selectors.vehicle_bookings(actor, vehicle))
    context = {
        "vehicle": vehicle,
        "form": form if may_edit else None,
        "page": page,
        "bookings": list(page.object_list),
    }
    return render(
        request, "service_requests/vehicle.html", context, status=400 if form.errors else 200
    )


def targets(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not selectors.is_request_office(actor):
        raise NotAllowed(_("Only the offices read the time targets."))
    may_edit = may(actor, TARGET_ROLES)
    bound: TargetForm | None = None
    if request.method == "POST":
        if not may_edit:
            raise NotAllowed(_("Only the city admin sets the time targets."))
        bound = TargetForm(request.POST)

        def handle(d: dict[str, Any]) -> str:
            sla_target_set(
                actor=actor,
                category=d["category"],
                respond_minutes=d["respond_minutes"],
                done_minutes=d["done_minutes"],
            )
            return reverse("requests:targets")

        done = run_once(request, bound, handle, _("Time targets saved."))
        if done:
            return done
    rows = []
    for row in selectors.target_rows(actor):
        form = None
        if may_edit:
            if bound is not None and bound.data.get("category") == row.category:
                form = bound
            else:
                form = TargetForm(
                    initial={
                        "once": once_token(),
                        "category": row.category,
                        "respond_minutes": row.respond_minutes,
                        "done_minutes": row.done_minutes,
                    },
                    auto_id=f"t_{row.category}_%s",
                )
        rows.append((row, form))
    context = {"rows": rows, "may_edit": may_edit}
    status = 400 if bound is not None and bound.errors else 200
    return render(request, "service_requests/targets.html", context, status=status)
