"""The deployment pages (下沉社区报到, 应下尽下): the public check-in page a cadre opens from the
community's QR code (and registration from it), the community's list of check-ins with accept,
decline and end, the cadre's own deployment, the community's check-in links with their QR codes,
and the coverage figures with each unit's members and their deployment call. Views parse, call
the selectors and one service, and render; the services check who may do what."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from accounts.selectors import actor_for_user
from core.actor import Actor
from core.disclosure import shown_phone
from core.errors import NotAllowed
from core.forms import run_once
from core.http import actor_of
from core.once import once_token
from core.pagination import paginate, search_term
from core.sorting import natural_key
from mobilisation import coverage
from mobilisation import deployment_selectors as selectors
from mobilisation import deployments as services
from mobilisation import policies as mobilisation_policies
from mobilisation.models import CheckInLink, Deployment, DeploymentStatus
from mobilisation.policies import accepts_in, calls_cadre, marks_for
from mobilisation.web.deployment_forms import (
    STATUS_CHOICES,
    CheckInForm,
    ConfirmForm,
    DeclineForm,
    EndForm,
    LinkForm,
    MarkForm,
    RegisterForm,
)
from party.models import ExemptReason
from party.selectors import access_unit
from places.selectors import access_place

BACKEND = "accounts.backends.CachedModelBackend"


def _bad_link(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """An unknown link is 404, an expired or withdrawn one 410: a clear page either way."""
    e = error.error_dict["token"][0]
    status = 404 if e.code == "unknown" else 410
    context = {"message": e.message, "code": e.code}
    return render(request, "mobilisation/deploy_link_bad.html", context, status=status)


def _place_line(link: CheckInLink) -> str:
    street = link.community.parent
    district = street.parent if street is not None else None
    return " · ".join(p.name for p in (district, street) if p is not None)


@login_not_required
def checkin(request: HttpRequest, token: str) -> HttpResponse:
    """/checkin/<token>/: the page behind the community's QR code. Not logged in: log in or
    register. Logged in: check in (once), then the status of the check-in."""
    actor = actor_of(request)
    try:
        link = services.checkin_link_open(token)
    except ValidationError as e:
        return _bad_link(request, e)
    holding = selectors.holding_deployment(actor)
    form = None
    if actor.is_authenticated and holding is None:
        form = CheckInForm(request.POST if request.method == "POST" else None)
        if request.method == "POST":

            def action(d: dict[str, Any]) -> str:
                services.deployment_check_in(actor=actor, token=token, note=d["note"])
                return request.path

            done = run_once(request, form, action, _("Checked in. The community will reply."))
            if done:
                return done
        else:
            form.initial["once"] = once_token()
    elif request.method == "POST":
        return redirect(request.path)
    context = {
        "link": link,
        "token": token,
        "place_line": _place_line(link),
        "form": form,
        "holding": holding,
        "here": holding is not None and holding.community_id == link.community_id,
        "login_url": reverse("accounts:login") + "?" + urlencode({"next": request.path}),
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "mobilisation/deploy_checkin.html", context, status=status)


@login_not_required
def checkin_register(request: HttpRequest, token: str) -> HttpResponse:
    """A cadre without an account registers from the link (the phone is the login), is logged in
    and checked in at once. The same form sent twice registers once and logs no one in."""
    actor = actor_of(request)
    try:
        link = services.checkin_link_open(token)
    except ValidationError as e:
        return _bad_link(request, e)
    if actor.is_authenticated:
        return redirect("party:checkin", token=token)
    form = RegisterForm(request.POST if request.method == "POST" else None)
    form.fields["unit"].choices = [  # type: ignore[attr-defined]
        ("", _("Choose your work unit")),
        *[(str(pk), name) for pk, name in selectors.unit_choices()],
    ]
    ip = request.META.get("REMOTE_ADDR", "")
    if request.method == "POST" and not services.registration_allowed(ip):
        form.is_valid()
        form.add_error(
            None, _("Too many registrations from this network in the last hour; try again later.")
        )
        context = {"link": link, "token": token, "place_line": _place_line(link), "form": form}
        return render(request, "mobilisation/deploy_register.html", context, status=429)
    if request.method == "POST":
        # Every attempt counts against the hour's cap, refused ones too: trying numbers or ID
        # numbers one after another is what the cap is for (issue 15 item 21).
        services.registration_count(ip)

        def action(d: dict[str, Any]) -> str:
            with transaction.atomic():
                user = services.cadre_register(
                    token=token,
                    name=d["name"],
                    id_number=d["id_number"],
                    phone=d["phone"],
                    unit_id=d["unit"],
                    password=d["password"],
                )
                services.deployment_check_in(
                    actor=actor_for_user(user), token=token, unit_id=d["unit"]
                )
            login(request, user, backend=BACKEND)
            return reverse("party:checkin", kwargs={"token": token})

        done = run_once(request, form, action, _("Registered and checked in."))
        if done:
            return done
    else:
        form.initial["once"] = once_token()
    context = {"link": link, "token": token, "place_line": _place_line(link), "form": form}
    status = 400 if form.errors else 200
    return render(request, "mobilisation/deploy_register.html", context, status=status)


def deployments(request: HttpRequest) -> HttpResponse:
    """/deployments/: the check-ins of the admin's community (waiting first), of an area, or of
    the unit admin's unit. A cadre goes to their own."""
    actor = actor_of(request)
    if not selectors.reads_deployments(actor):
        if selectors.my_deployments(actor):
            return redirect("party:my_deployment")
        raise NotAllowed(_("Your role does not read deployments."))
    q = search_term(request)
    status = request.GET.get("status", "all")
    if status not in selectors.STATUS_FILTERS:
        status = "all"
    counts = selectors.deployment_counts(actor, q=q)
    page = paginate(request, selectors.deployment_list(actor, q=q, status=status))
    rows = [
        {
            "d": d,
            "may_decide": d.status == DeploymentStatus.PENDING
            and accepts_in(actor, d.community_id),
        }
        for d in page.object_list
    ]
    context = {
        "q": q,
        "status": status,
        "filters": [(v, label, counts.get(v, 0)) for v, label in STATUS_CHOICES],
        "page": page,
        "rows": rows,
        "once": once_token(),
        "may_links": bool(selectors.admin_communities(actor)),
    }
    return render(request, "mobilisation/deploy_list.html", context)


def deployment_detail(request: HttpRequest, deployment_id: int) -> HttpResponse:
    actor = actor_of(request)
    d = selectors.access_deployment(actor, deployment_id)
    own = actor.user_id == d.user_id
    admin = accepts_in(actor, d.community_id)
    pending = d.status == DeploymentStatus.PENDING
    active = d.status == DeploymentStatus.ACTIVE
    post = request.POST if request.method == "POST" else None
    action = request.POST.get("action", "") if post is not None else ""
    decline_form = DeclineForm(post if action == "decline" else None) if admin and pending else None
    end_form = EndForm(post if action == "end" else None) if active and (admin or own) else None
    here = reverse("party:deployment", args=[d.pk])
    if post is not None:

        def accept(_d: dict[str, Any]) -> str:
            services.deployment_accept(
                actor=actor,
                deployment=d,
                confirm_identity=post.get("confirm_identity") == "1",  # type: ignore[union-attr]
            )
            return here

        def decline(f: dict[str, Any]) -> str:
            services.deployment_decline(actor=actor, deployment=d, reason=f["reason"])
            return here

        def end(f: dict[str, Any]) -> str:
            services.deployment_end(actor=actor, deployment=d, note=f["note"])
            return here

        def withdraw(_d: dict[str, Any]) -> str:
            services.deployment_withdraw(actor=actor, deployment=d)
            return here

        if action == "accept" and admin and pending:
            done = run_once(
                request,
                ConfirmForm(post),
                accept,
                _("Check-in accepted: the cadre is deployed here."),
            )
        elif action == "decline" and decline_form is not None:
            done = run_once(request, decline_form, decline, _("Check-in declined."))
        elif action == "end" and end_form is not None:
            done = run_once(
                request, end_form, end, _("Deployment ended; what the cadre held was handed over.")
            )
        elif action == "withdraw" and own and pending:
            done = run_once(request, ConfirmForm(post), withdraw, _("Check-in withdrawn."))
        else:
            raise NotAllowed(_("You may not do this to this deployment."))
        if done:
            return done
        if action in ("accept", "withdraw"):
            messages.error(request, _("This check-in was already decided."))
            return redirect(here)
    for f in (decline_form, end_form):
        if f is not None and not f.is_bound:
            f.initial["once"] = once_token()
    context = {
        "d": d,
        "own": own,
        "claim": selectors.identity_claim(d) if admin and pending else None,
        "may_decide": admin and pending,
        "may_withdraw": own and pending,
        "decline_form": decline_form,
        "end_form": end_form,
        "phone": shown_phone(
            selectors.cadre_phone(d), full=calls_cadre(actor, d.user_id, d.community_id)
        ),
        "once": once_token(),
        "handover": _handover_rows(d),
    }
    errors = (decline_form is not None and decline_form.errors) or (
        end_form is not None and end_form.errors
    )
    return render(
        request, "mobilisation/deploy_detail.html", context, status=400 if errors else 200
    )


def _handover_rows(d: Deployment) -> list[tuple[str, int]]:
    labels = {
        "care": _("Care households handed over"),
        "posts": _("Posts left"),
        "zones": _("Responsibility zones left"),
        "led": _("Leaderships now vacant"),
        "shifts": _("Future shifts released"),
        "dispatches": _("Request dispatches released"),
    }
    return [(labels.get(k, k), int(v)) for k, v in (d.handover or {}).items()]


def my_deployment(request: HttpRequest) -> HttpResponse:
    """/deployments/mine/: where the cadre is deployed (or waiting), to withdraw or end it."""
    actor = actor_of(request)
    rows = selectors.my_deployments(actor)
    current = rows[0] if rows and rows[0].status in ("pending", "active") else None
    end_form = None
    if current is not None and current.status == DeploymentStatus.ACTIVE:
        end_form = EndForm(initial={"once": once_token()})
    context = {
        "current": current,
        "earlier": [d for d in rows if d is not current],
        "end_form": end_form,
        "once": once_token(),
        "handover": _handover_rows(rows[0]) if rows and current is None else [],
    }
    return render(request, "mobilisation/deploy_mine.html", context)


def _link_community(request: HttpRequest, actor: Actor) -> int:
    communities = selectors.admin_communities(actor)
    if not communities:
        raise NotAllowed(_("Only a community's admin makes check-in links."))
    try:
        wanted = int(request.GET.get("community") or request.POST.get("community") or 0)
    except ValueError:
        wanted = 0
    return wanted if wanted in communities else communities[0]


def checkin_links(request: HttpRequest) -> HttpResponse:
    """/deployments/links/: the community admin's check-in links (QR codes), a new one, revoke."""
    actor = actor_of(request)
    community_id = _link_community(request, actor)
    community = access_place(actor, community_id)
    form = LinkForm(request.POST if request.POST.get("action") == "create" else None)
    here = reverse("party:checkin_links") + f"?community={community_id}"
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":

            def create(d: dict[str, Any]) -> str:
                services.checkin_link_create(
                    actor=actor, community=community, valid_days=d["valid_days"]
                )
                return here

            done = run_once(request, form, create, _("New check-in link made."))
            if done:
                return done
        elif action == "revoke":
            try:
                link_id = int(request.POST.get("link", ""))
            except ValueError:
                raise Http404 from None
            link = selectors.access_checkin_link(actor, link_id)
            services.checkin_link_revoke(actor=actor, link=link)
            messages.success(request, _("The link was revoked: it checks no one in any more."))
            return redirect(here)
        else:
            raise NotAllowed(_("Unknown action."))
    else:
        form.initial["once"] = once_token()
    links = [
        (link, request.build_absolute_uri(reverse("party:checkin", args=[link.token])))
        for link in selectors.checkin_links(actor, community_id)
    ]
    context = {
        "community": community,
        "communities": selectors.admin_communities(actor),
        "form": form,
        "links": links,
    }
    return render(
        request, "mobilisation/deploy_links.html", context, status=400 if form.errors else 200
    )


def checkin_qr(request: HttpRequest, link_id: int) -> HttpResponse:
    """The QR code of a check-in link as an SVG image (printable, no JavaScript)."""
    import segno

    actor = actor_of(request)
    link = selectors.access_checkin_link(actor, link_id)
    url = request.build_absolute_uri(reverse("party:checkin", args=[link.token]))
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=5, border=2, xmldecl=False)
    response = HttpResponse(out.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=300"
    return response


COVERAGE_SORTS = ("not_yet", "name")


def coverage_page(request: HttpRequest) -> HttpResponse:
    """/coverage/: per unit, should / exempt / undecided / deployed / not yet (应下尽下), and the
    communities of the actor's area with too few helpers."""
    actor = actor_of(request)
    if not coverage.reads_coverage(actor):
        raise NotAllowed(_("Only organisation departments and units read deployment coverage."))
    q = search_term(request)
    sort = request.GET.get("sort", "not_yet")
    rows = coverage.unit_coverage(actor, q=q)
    if sort == "name":
        rows = sorted(rows, key=lambda r: natural_key(r.name))
    totals = coverage.coverage_totals(rows)
    page = paginate(request, rows)
    communities = coverage.community_helpers(actor)
    context = {
        "q": q,
        "sort": sort if sort in COVERAGE_SORTS else "not_yet",
        "page": page,
        "totals": totals,
        "reasons": ExemptReason.choices,
        "communities": communities[:50],
        "communities_total": len(communities),
        "per_helper_max": coverage.rules.RESIDENTS_PER_HELPER_MAX,
        "shows_communities": actor.is_superuser
        or actor.has_role(mobilisation_policies.COVERAGE_AREA_ROLES),
    }
    return render(request, "mobilisation/coverage.html", context)


def unit_deploy(request: HttpRequest, unit_id: int) -> HttpResponse:
    """/units/<id>/deploy/: the unit's members with their call, exemption and deployment, each
    with a small form to mark them (the unit admin, or the organisation department)."""
    actor = actor_of(request)
    unit = access_unit(actor, unit_id)
    q = search_term(request)
    show = request.GET.get("show", "all")
    if show not in coverage.MEMBER_FILTERS:
        show = "all"
    row = next(iter(coverage.unit_coverage(actor, unit_id=unit.pk)), None)
    page = paginate(request, coverage.unit_members_coverage(actor, unit, show=show, q=q))
    members = list(page.object_list)
    places = coverage.active_places([m.pk for m in members])
    filters = [
        ("all", _("All"), row.members if row else 0),
        ("should", _("Should deploy"), row.should if row else 0),
        ("deployed", _("Deployed"), row.deployed if row else 0),
        ("not_yet", pgettext("deployment status", "Not yet"), row.not_yet if row else 0),
        ("exempt", _("Exempt"), row.exempt if row else 0),
        ("unmarked", _("Not decided"), row.unmarked if row else 0),
        ("extra", _("Deployed, not decided"), row.extra if row else 0),
    ]
    context = {
        "unit": unit,
        "q": q,
        "show": show,
        "filters": filters,
        "page": page,
        "rows": [{"m": m, "where": places.get(m.pk, "")} for m in members],
        "may_mark": marks_for(actor, unit.pk, unit.place_path),
        "calls": MarkForm.base_fields["call"].choices,  # type: ignore[attr-defined]
        "reasons": ExemptReason.choices,
        "once": once_token,
        "back": request.get_full_path(),
    }
    return render(request, "mobilisation/coverage_unit.html", context)


@require_POST
def member_deploy(request: HttpRequest, member_id: int) -> HttpResponse:
    """Mark one member: should deploy, exempt (with a reason) or not decided; back to the list."""
    actor = actor_of(request)
    member = selectors.access_unit_member(actor, member_id)
    assert member.unit is not None
    back = request.POST.get("next", "")
    unit_url = reverse("party:unit_deploy", args=[member.unit_id])
    target = back if back.startswith(unit_url) else unit_url
    form = MarkForm(request.POST)

    def mark(d: dict[str, Any]) -> str:
        services.member_deploy_mark(
            actor=actor,
            member=member,
            call=d["call"],
            exempt_reason=d["exempt_reason"],
            note=d["note"],
        )
        return target

    done = run_once(request, form, mark, _("Saved for %(name)s.") % {"name": member.person.name})
    if done:
        return done
    for errors in form.errors.values():
        for e in errors:
            messages.error(request, f"{member.person.name}: {e}")
    return redirect(target)
