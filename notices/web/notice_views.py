"""The notice pages (宣传引导, M14): the list (search, kind, unread, pages), publishing to a
scope, one notice (opening it records the read; the reader's community's explanation shown with
it), a community's relay, the reach per community, and withdrawing."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.forms import run_once
from core.http import actor_of
from core.once import once_token
from core.pagination import paginate, search_term
from notices import notice_selectors as selectors
from notices import policies as notices_policies
from notices import publishing
from notices.models import NoticeKind, NoticeRelay, RelayChannel
from notices.policies import may_withdraw
from notices.publishing import notice_publish
from notices.reads import notice_read
from notices.relays import notice_relay_save
from notices.web.notice_forms import NoticeForm, RelayForm, WithdrawForm

CHANNEL_LABELS = dict(RelayChannel.choices)


def channel_labels(relay: NoticeRelay | None) -> list[str]:
    return [str(CHANNEL_LABELS.get(c, c)) for c in (relay.channels if relay else [])]


def notice_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    q = search_term(request)
    kind = request.GET.get("kind", "")
    kind = kind if kind in NoticeKind.values else ""
    unread = request.GET.get("unread") == "1"
    rows = selectors.notices_for(actor, q=q, kind=kind, unread=unread)
    # ?relay=<community>: the notices that community has not relayed yet (its admin's count).
    relay = request.GET.get("relay", "")
    relay_place = next(
        (p for p in selectors.relaying_communities(actor) if str(p.pk) == relay), None
    )
    if relay_place is not None:
        rows = selectors.notices_to_relay(actor, relay_place)
    context = {
        "relay_place": relay_place,
        "q": q,
        "kind": kind,
        "kinds": NoticeKind.choices,
        "unread": unread,
        "page": paginate(request, rows, per_page=20),
        "unread_count": selectors.unread_count(actor),
        "may_publish": bool(selectors.issuer_choices(actor)),
    }
    return render(request, "notices/notice_list.html", context)


def notice_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    issuers = selectors.issuer_choices(actor)
    if not issuers:
        raise NotAllowed(
            _("Only the offices of the city, districts, streets and communities publish notices.")
        )
    raw = request.POST.get("issuer") or request.GET.get("issuer") or ""
    by_id = {p.pk: p for p in issuers}
    issuer = by_id[int(raw)] if raw.isdigit() and int(raw) in by_id else issuers[0]
    places = selectors.target_choices(issuer)
    buildings = selectors.building_choices(actor, issuer)
    form = NoticeForm(request.POST if request.method == "POST" else None)
    form.fields["issuer"].choices = [(p.pk, p.name) for p in issuers]  # type: ignore[attr-defined]
    form.fields["targets"].choices = [  # type: ignore[attr-defined]
        (p.pk, f"{p.name} · {p.get_kind_display()}") for p in places
    ]
    form.fields["building"].choices = [("", "—")] + [  # type: ignore[attr-defined]
        (b.pk, f"{b.parent.name if b.parent else ''} {b.name}") for b in buildings
    ]
    if request.method == "POST":

        def publish(d: dict[str, Any]) -> str:
            chosen = [p for p in places if p.pk in set(d["targets"])]
            if d["whole_area"]:
                chosen = [issuer]
            if d["kind"] != NoticeKind.BUILDING and not chosen:
                raise field_error(
                    "targets", _("Tick the whole area or choose where it goes."), CoreError.REQUIRED
                )
            building = next((b for b in buildings if b.pk == d["building"]), None)
            if d["building"] and building is None:
                raise field_error("building", _("Choose the building from the list."))
            notice = notice_publish(
                actor=actor,
                kind=d["kind"],
                title=d["title"],
                body=d["body"],
                issuer=issuer,
                targets=chosen,
                building=building,
            )
            return reverse("notices:notice", args=[notice.pk])

        done = run_once(request, form, publish, _("Notice published."))
        if done:
            return done
    else:
        form.initial.update(once=once_token(), issuer=issuer.pk, whole_area=True)
    context = {"form": form, "issuers": issuers, "issuer": issuer}
    return render(request, "notices/notice_new.html", context, status=400 if form.errors else 200)


def notice_detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    actor = actor_of(request)
    notice = selectors.access_notice(actor, notice_id)
    notice_read(actor=actor, notice=notice)
    relay = selectors.relay_for_reader(actor, notice)
    withdraw_form = None
    if may_withdraw(actor, notice) and notice.withdrawn_at is None:
        withdraw_form = WithdrawForm(initial={"once": once_token()})
    context = {
        "notice": notice,
        "targets": selectors.notice_targets(notice),
        "relay": relay,
        "relay_channels": channel_labels(relay),
        "may_relay": bool(selectors.relay_choices(actor, notice)) and notice.withdrawn_at is None,
        "may_reach": notices_policies.may_see_reach(actor),
        "withdraw_form": withdraw_form,
    }
    return render(request, "notices/notice_detail.html", context)


def notice_relay(request: HttpRequest, notice_id: int) -> HttpResponse:
    actor = actor_of(request)
    notice = selectors.access_notice(actor, notice_id)
    communities = selectors.relay_choices(actor, notice)
    if not communities or notice.withdrawn_at is not None:
        raise NotAllowed(_("Only the community's admin records how it relayed a notice."))
    raw = request.POST.get("community") or request.GET.get("community") or ""
    by_id = {c.pk: c for c in communities}
    community = by_id[int(raw)] if raw.isdigit() and int(raw) in by_id else communities[0]
    existing = selectors.notice_relays(actor, notice).filter(community_id=community.pk).first()
    form = RelayForm(request.POST if request.method == "POST" else None)
    form.fields["community"].choices = [(c.pk, c.name) for c in communities]  # type: ignore[attr-defined]
    if request.method == "POST":

        def save(d: dict[str, Any]) -> str:
            notice_relay_save(
                actor=actor,
                notice=notice,
                community=by_id[d["community"]],
                channels=d["channels"],
                explanation=d["explanation"],
            )
            return reverse("notices:notice", args=[notice.pk])

        done = run_once(request, form, save, _("Relay recorded."))
        if done:
            return done
    else:
        form.initial.update(once=once_token(), community=community.pk)
        if existing is not None:
            form.initial.update(channels=existing.channels, explanation=existing.explanation)
    context = {
        "form": form,
        "notice": notice,
        "communities": communities,
        "community": community,
        "existing": existing,
    }
    return render(request, "notices/notice_relay.html", context, status=400 if form.errors else 200)


def notice_reach(request: HttpRequest, notice_id: int) -> HttpResponse:
    actor = actor_of(request)
    notice = selectors.access_notice(actor, notice_id)
    if not notices_policies.may_see_reach(actor):
        raise NotAllowed(_("The offices follow a notice's reach."))
    q = search_term(request)
    relayed = request.GET.get("relayed", "")
    relayed = relayed if relayed in ("yes", "no") else ""
    communities = selectors.reach_communities(actor, notice, q=q)
    listed = communities
    if relayed:
        ids = selectors.notice_relays(actor, notice).values("community_id")
        listed = (
            communities.filter(pk__in=ids) if relayed == "yes" else communities.exclude(pk__in=ids)
        )
    page = paginate(request, listed)
    reach = selectors.notice_reach(actor, notice, communities, list(page.object_list))
    rows = [{"r": r, "channels": channel_labels(r.relay)} for r in reach.rows]
    context = {
        "notice": notice,
        "q": q,
        "relayed": relayed,
        "page": page,
        "reach": reach,
        "rows": rows,
    }
    return render(request, "notices/notice_reach.html", context)


def notice_withdraw(request: HttpRequest, notice_id: int) -> HttpResponse:
    actor = actor_of(request)
    notice = selectors.access_notice(actor, notice_id)
    if not may_withdraw(actor, notice):
        raise NotAllowed(_("Only the issuing office withdraws its notice."))
    if request.method != "POST":
        return redirect("notices:notice", notice_id=notice.pk)
    form = WithdrawForm(request.POST)

    def withdraw(d: dict[str, Any]) -> str:
        publishing.notice_withdraw(actor=actor, notice=notice)
        return reverse("notices:notice", args=[notice.pk])

    done = run_once(request, form, withdraw, _("Notice withdrawn; residents no longer see it."))
    if done:
        return done
    context = {
        "notice": notice,
        "targets": selectors.notice_targets(notice),
        "relay": None,
        "relay_channels": [],
        "may_relay": False,
        "may_reach": notices_policies.may_see_reach(actor),
        "withdraw_form": form,
    }
    return render(request, "notices/notice_detail.html", context, status=400)
