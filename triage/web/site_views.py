"""The pages of designated hospitals and isolation sites, the street's transfer queue (应收尽收)
and the privacy-tiered building disclosure. Each view parses, calls the selectors and one
service, and renders; who may do what is decided in triage.sites, triage.decisions and
triage.disclosure.

Names on the transfer queue and a site's list are masked: the offices place people by case,
building and community; the grid worker and the health centre phone them from the case page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.forms import run_once
from core.http import actor_of
from core.once import once_claim, once_done, once_release, once_token
from core.pagination import paginate
from places.selectors import access_place, place_breadcrumbs
from triage import disclosure_selectors as more
from triage import selectors
from triage.decisions import bed_assign
from triage.disclosure import (
    building_disclose,
    building_disclosure_withdraw,
    disclosure_threshold_set,
)
from triage.models import BED_DISPOSITIONS, Site, SiteKind, TriageCase
from triage.policies import (
    DISCLOSURE_OFFICE_ROLES,
    DISCLOSURE_OVERVIEW_ROLES,
    DISCLOSURE_ROLES,
    THRESHOLD_ROLES,
    may_dispose,
    may_edit_site,
    may_manage_sites,
)
from triage.querysets import CASE_ROLES
from triage.rules import TRANSFER_ALARM_AFTER
from triage.sites import site_save
from triage.web.site_forms import AssignForm, SiteForm, ThresholdForm

SITES_PER_PAGE = 50
QUEUE_PER_PAGE = 50
AWAITING_SHOWN = 50
# The kind of site each bed disposition needs.
BED_KIND: dict[str, str] = {str(k): str(v) for k, v in BED_DISPOSITIONS.items()}


def _case_url(case_id: int) -> str:
    """The case page, once the case pages exist (they are built beside these)."""
    try:
        return reverse("triage:case", args=[case_id])
    except NoReverseMatch:
        return ""


# ---- sites ------------------------------------------------------------------------------------


def _site_reader(request: HttpRequest) -> Actor:
    actor = actor_of(request)
    if not (actor.is_superuser or actor.has_role(CASE_ROLES)):
        raise NotAllowed(_("Your role does not see hospitals and isolation sites."))
    return actor


def site_list(request: HttpRequest) -> HttpResponse:
    actor = _site_reader(request)
    kind = request.GET.get("kind", "")
    kind = kind if kind in SiteKind.values else ""
    page = paginate(request, selectors.sites_for(actor, kind=kind), SITES_PER_PAGE)
    context = {
        "page": page,
        "kind": kind,
        "kinds": [("", _("All")), *SiteKind.choices],
        "may_manage": may_manage_sites(actor),
    }
    return render(request, "triage/site_list.html", context)


def _save_site(actor: Actor, form: SiteForm, site: Site | None, d: dict[str, Any]) -> Site:
    place = form.chosen_place()
    if place is None:
        raise field_error("place", _("Choose the place the site serves."), CoreError.REQUIRED)
    return site_save(
        actor=actor,
        site=site,
        kind=d["kind"],
        name=d["name"],
        place=place,
        capacity=d["capacity"],
        address=d["address"],
        phone=d["phone"],
        is_active=d.get("is_active", True) if site is not None else True,
    )


def site_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not may_manage_sites(actor):
        raise NotAllowed(_("Only street, district and city offices register sites."))
    form = SiteForm(
        request.POST if request.method == "POST" else None,
        places=more.site_place_choices(actor),
    )
    if request.method == "POST":

        def create(d: dict[str, Any]) -> str:
            site = _save_site(actor, form, None, d)
            return reverse("triage:site", args=[site.pk])

        done = run_once(request, form, create, _("Site registered."))
        if done:
            return done
    else:
        form.initial["once"] = once_token()
    return render(
        request, "triage/site_form.html", {"form": form}, status=400 if form.errors else 200
    )


def site_detail(request: HttpRequest, site_id: int) -> HttpResponse:
    actor = _site_reader(request)
    site = selectors.access_site(actor, site_id)
    editable = may_manage_sites(actor) and may_edit_site(actor, site)
    form: SiteForm | None = None
    if editable:
        form = SiteForm(
            request.POST if request.method == "POST" else None,
            places=more.site_place_choices(actor),
            site=site,
        )
    if request.method == "POST":
        if form is None:
            raise NotAllowed(_("Only the office that serves this place changes the site."))
        edit_form = form

        def change(d: dict[str, Any]) -> str:
            _save_site(actor, edit_form, site, d)
            return request.path

        done = run_once(request, form, change, _("Site saved."))
        if done:
            return done
    elif form is not None:
        form.initial["once"] = once_token()
    people = paginate(request, more.site_people(actor, site))
    context = {
        "site": site,
        "form": form,
        "page": people,
        "people": [(case, _case_url(case.pk)) for case in people],
        "crumbs": place_breadcrumbs(actor, site.place, include_self=True),
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "triage/site_detail.html", context, status=status)


# ---- the transfer queue -----------------------------------------------------------------------


def _office(request: HttpRequest) -> Actor:
    actor = actor_of(request)
    if not (actor.is_superuser or actor.has_role(DISCLOSURE_OFFICE_ROLES)):
        raise NotAllowed(_("The transfer queue is for community, street and higher offices."))
    return actor


@dataclass
class QueueRow:
    case: TriageCase
    alarmed: bool
    form: AssignForm | None
    url: str
    options: str = ""  # the site select's <option>s, rendered once per kind (50 rows alike)


def _site_options(form: AssignForm) -> str:
    """The <option>s of a row's site select; the choices are the same for every row of a kind,
    so unposted rows share one rendering (the template engine would loop per row)."""
    value = form["site"].value()
    selected = str(value) if value not in (None, "") else None
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (v, mark_safe(" selected") if v != "" and str(v) == selected else "", label)  # nosec B308: a constant attribute; value and label escaped by format_html_join
            for v, label in form.fields["site"].widget.choices  # type: ignore[attr-defined]
        ),
    )


def transfer_list(request: HttpRequest) -> HttpResponse:
    """The queue itself for a community or street office; per street for district and city."""
    actor = _office(request)
    if not (actor.is_superuser or actor.has_role(DISCLOSURE_OVERVIEW_ROLES)):
        return _queue_page(request, actor, None)
    now = timezone.now()
    context = {
        "streets": more.transfer_streets(actor, now),
        "now": now,
        "alarm_hours": _hours(TRANSFER_ALARM_AFTER),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "triage/_site_transfer_streets.html", context)
    return render(request, "triage/transfer_overview.html", context)


def transfer_place(request: HttpRequest, place_id: int) -> HttpResponse:
    actor = _office(request)
    street = more.transfer_street(actor, place_id)
    return _queue_page(request, actor, street)


def _hours(delta: datetime.timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:g}"


def _queue_page(request: HttpRequest, actor: Actor, street: Any) -> HttpResponse:
    now = timezone.now()
    street_id = street.pk if street is not None else None
    may_assign = may_dispose(actor)
    sites = {k: list(selectors.sites_for(actor, kind=k)) for k in SiteKind.values}
    with_room = {k: [s for s in v if s.is_active and s.free > 0] for k, v in sites.items()}
    posted: AssignForm | None = None
    posted_case: TriageCase | None = None
    if request.method == "POST":
        if not may_assign:
            raise NotAllowed(_("Only the community or street office assigns beds."))
        raw = request.POST.get("case", "")
        if not raw.isdigit():
            raise Http404
        posted_case = selectors.access_case(actor, int(raw))
        kind = BED_KIND.get(posted_case.disposition, SiteKind.ISOLATION)
        posted = AssignForm(request.POST, sites=sites[kind], with_room=with_room[kind])
        bound, target = posted, posted_case

        def assign(d: dict[str, Any]) -> str:
            site = bound.chosen_site()
            if site is None:
                raise field_error("site", _("Choose a site with room."), CoreError.REQUIRED)
            bed_assign(actor=actor, case=target, site=site)
            return request.get_full_path()

        done = run_once(request, posted, assign, _("Place assigned."))
        if done:
            return done
    queue = paginate(request, selectors.transfer_queue(actor, street_id=street_id), QUEUE_PER_PAGE)
    rows = []
    shared: dict[str, str] = {}
    for case in queue:
        form: AssignForm | None = None
        options = ""
        if may_assign:
            kind = BED_KIND.get(case.disposition, SiteKind.ISOLATION)
            if posted is not None and posted_case is not None and posted_case.pk == case.pk:
                form = posted
                options = _site_options(form)
            else:
                form = AssignForm(
                    initial={"case": case.pk, "once": once_token()},
                    sites=sites[kind],
                    with_room=with_room[kind],
                )
                if kind not in shared:
                    shared[kind] = _site_options(form)
                options = shared[kind]
        rows.append(QueueRow(case, more.is_alarmed(case, now), form, _case_url(case.pk), options))
    awaiting = selectors.awaiting_disposition(actor, street_id=street_id)
    awaiting_rows = [(c, _case_url(c.pk)) for c in awaiting[:AWAITING_SHOWN]]
    context = {
        "street": street,
        "crumbs": place_breadcrumbs(actor, street) if street is not None else [],
        "page": queue,
        "rows": rows,
        "awaiting": awaiting_rows,
        "awaiting_total": awaiting.count(),
        "awaiting_shown": AWAITING_SHOWN,
        "may_assign": may_assign,
        "posted_errors": posted.errors if posted is not None else None,
        "now": now,
        "alarm_hours": _hours(TRANSFER_ALARM_AFTER),
        "overview": actor.is_superuser or actor.has_role(DISCLOSURE_OVERVIEW_ROLES),
        "sites_url": reverse("triage:sites"),
    }
    status = 400 if posted is not None and posted.errors else 200
    return render(request, "triage/transfer_queue.html", context, status=status)


# ---- disclosure -------------------------------------------------------------------------------


def _disclosure_reader(request: HttpRequest) -> Actor:
    actor = actor_of(request)
    if not (actor.is_superuser or actor.has_role(DISCLOSURE_OFFICE_ROLES)):
        raise NotAllowed(_("Marking buildings is for the community and the offices above it."))
    return actor


def _disclosure_page(
    request: HttpRequest,
    actor: Actor,
    *,
    threshold_form: ThresholdForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    cities = more.threshold_cities(actor) if _sets_threshold(actor) else []
    if cities and threshold_form is None:
        threshold_form = ThresholdForm(
            initial={"threshold": cities[0].threshold, "once": once_token()}
        )
    communities = more.disclosure_communities(actor)
    for c in communities:
        for row in c.rows:
            row.once = once_token()  # type: ignore[attr-defined]
    marks = disclosures_page = None
    if not communities:
        disclosures_page = paginate(request, more.disclosures_marked(actor))
        marks = disclosures_page
    context = {
        "communities": communities,
        "city": cities[0] if cities else None,
        "threshold_form": threshold_form if cities else None,
        "marks": marks,
        "page": disclosures_page,
        "may_mark": actor.is_superuser or actor.has_role(DISCLOSURE_ROLES),
        "error": error,
    }
    return render(request, "triage/disclosure_list.html", context, status=status)


def _sets_threshold(actor: Actor) -> bool:
    return actor.is_superuser or actor.has_role(THRESHOLD_ROLES)


def disclosure_list(request: HttpRequest) -> HttpResponse:
    actor = _disclosure_reader(request)
    if request.method == "POST":
        if not _sets_threshold(actor):
            raise NotAllowed(_("Only the city sets the disclosure threshold."))
        cities = more.threshold_cities(actor)
        if not cities:
            raise NotAllowed(_("Only the city sets the disclosure threshold."))
        form = ThresholdForm(request.POST)
        city = cities[0].city

        def set_threshold(d: dict[str, Any]) -> str:
            disclosure_threshold_set(actor=actor, city=city, threshold=d["threshold"])
            return request.path

        done = run_once(request, form, set_threshold, _("Threshold saved."))
        if done:
            return done
        return _disclosure_page(request, actor, threshold_form=form, status=400)
    return _disclosure_page(request, actor)


def _button(request: HttpRequest, actor: Actor, action: Any, done_message: str) -> HttpResponse:
    """A one-button form (mark, withdraw): done once, or the page again with the error."""
    url = reverse("triage:disclosures")
    token = request.POST.get("once", "")
    already = once_claim(actor, token)
    if already is not None:
        messages.info(request, _("This form was already sent; it was saved once."))
        return redirect(already or url)
    try:
        action()
    except ValidationError as e:
        once_release(actor, token)
        text = " ".join(str(m) for m in e.messages)
        return _disclosure_page(request, actor, error=text, status=400)
    except BaseException:
        once_release(actor, token)
        raise
    once_done(actor, token, url)
    messages.success(request, done_message)
    return redirect(url)


@require_POST
def disclose(request: HttpRequest, place_id: int) -> HttpResponse:
    actor = _disclosure_reader(request)
    building = access_place(actor, place_id)
    return _button(
        request,
        actor,
        lambda: building_disclose(actor=actor, building=building),
        _("%(building)s is shown to the community's residents.") % {"building": building.name},
    )


@require_POST
def disclosure_withdraw(request: HttpRequest, disclosure_id: int) -> HttpResponse:
    actor = _disclosure_reader(request)
    disclosure = more.access_disclosure(actor, disclosure_id)
    return _button(
        request,
        actor,
        lambda: building_disclosure_withdraw(actor=actor, disclosure=disclosure),
        _("%(building)s is no longer shown to residents.") % {"building": disclosure.building.name},
    )
