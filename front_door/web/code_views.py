"""The join codes of a community (its admins and the street's over it): each building with its
current code and how many joined through it; issue, revoke, re-issue; the A4 poster of one code,
every poster of the community on one sheet, and the QR code as a PNG."""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import NotAllowed
from core.forms import run_once
from core.http import actor_of
from core.once import once_token
from core.pagination import paginate, search_term
from front_door import selectors, services
from front_door.models import JoinCode
from front_door.policies import may_manage_join_codes
from front_door.web.forms import OnceForm
from places.models import PlaceKind


def join_link(request: HttpRequest, code: JoinCode) -> str:
    """The short link printed on the poster: the public address where one is set, else this
    request's host."""
    path = reverse("front_door:join", kwargs={"join_token": code.token})
    base = getattr(settings, "LINLI_PUBLIC_URL", "")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def qr_svg(url: str) -> str:
    import segno

    out = io.BytesIO()
    segno.make(url, error="m").save(
        out, kind="svg", scale=10, border=2, xmldecl=False, svgns=True, svgclass="qr-svg"
    )
    return out.getvalue().decode()


def _community_id(request: HttpRequest, actor: Any) -> int:
    communities = selectors.join_code_communities(actor)
    try:
        wanted = int(request.GET.get("community", "") or 0)
    except ValueError:
        wanted = 0
    if wanted:
        return wanted
    first = communities.first()
    if first is None:
        raise NotAllowed(_("You manage the join codes of no community."))
    return first.pk


def code_list(request: HttpRequest) -> HttpResponse:
    """/join-codes/: one community's places and their codes (the community first, then its
    buildings in place order), searchable and paged."""
    actor = actor_of(request)
    if not may_manage_join_codes(actor):
        raise NotAllowed(_("Only a community's admins manage its join codes."))
    community = selectors.access_join_code_place(actor, _community_id(request, actor))
    if community.kind != PlaceKind.COMMUNITY:
        raise Http404
    q = search_term(request)
    page = paginate(request, selectors.join_code_rows(actor, community, q=q))
    context = {
        "community": community,
        "communities": selectors.join_code_communities(actor),
        "q": q,
        "page": page,
        "once": once_token(),
    }
    return render(request, "front_door/code_list.html", context)


@require_POST
def code_action(request: HttpRequest, place_id: int) -> HttpResponse:
    """Issue, re-issue or revoke the code of one place; or issue all of a community's."""
    actor = actor_of(request)
    place = selectors.access_join_code_place(actor, place_id)
    community_id = place.pk if place.kind == PlaceKind.COMMUNITY else None
    if community_id is None:
        node = place.parent
        while node is not None and node.kind != PlaceKind.COMMUNITY:
            node = node.parent
        community_id = node.pk if node is not None else None
    here = reverse("front_door:code_list") + f"?community={community_id}"
    q = request.POST.get("q", "")
    page_no = request.POST.get("page", "")
    if q or page_no:
        from urllib.parse import urlencode

        here += "&" + urlencode({k: v for k, v in (("q", q), ("page", page_no)) if v})
    action = request.POST.get("action", "")

    def run(d: dict[str, Any]) -> str:
        if action == "issue":
            services.join_code_issue(actor=actor, place=place)
        elif action == "reissue":
            services.join_code_reissue(actor=actor, place=place)
        elif action == "revoke":
            current = selectors.current_join_code(actor, place)
            if current is not None:
                services.join_code_revoke(actor=actor, code=current)
        elif action == "issue_all":
            services.join_codes_issue_all(actor=actor, community=place)
        else:
            raise NotAllowed(_("Unknown action."))
        return here

    said = {
        "issue": _("Join code issued."),
        "reissue": _("A new join code was issued; the old one no longer works."),
        "revoke": _("The join code was revoked: its link joins no one any more."),
        "issue_all": _("Every building of the community has a join code."),
    }.get(action, "")
    done = run_once(request, OnceForm(request.POST), run, said)
    if done:
        return done
    messages.error(request, _("Nothing was changed."))
    return redirect(here)


def _poster(request: HttpRequest, code: JoinCode) -> dict[str, Any]:
    url = join_link(request, code)
    building = code.place if code.place.kind == PlaceKind.BUILDING else None
    return {
        "code": code,
        "community": code.community,
        "building": building,
        "url": url,
        "svg": qr_svg(url),
    }


def code_poster(request: HttpRequest, join_code_id: int) -> HttpResponse:
    """An A4 poster: the community and building, a big QR code, the short link and one line of
    instruction. Print it, or save it as PDF from the browser's print dialog."""
    actor = actor_of(request)
    code = selectors.access_join_code(actor, join_code_id)
    if code.revoked_at is not None:
        raise Http404
    return render(request, "front_door/poster.html", {"posters": [_poster(request, code)]})


def community_posters(request: HttpRequest, place_id: int) -> HttpResponse:
    """Every current poster of a community (its own and each building's), one A4 page each."""
    actor = actor_of(request)
    community = selectors.access_join_code_place(actor, place_id)
    if community.kind != PlaceKind.COMMUNITY:
        raise Http404
    codes = selectors.current_join_codes(actor, community)
    return render(
        request,
        "front_door/poster.html",
        {"posters": [_poster(request, c) for c in codes], "community": community},
    )


def code_png(request: HttpRequest, join_code_id: int) -> HttpResponse:
    """The QR code alone as a PNG, for a notice board's own design."""
    import segno

    actor = actor_of(request)
    code = selectors.access_join_code(actor, join_code_id)
    if code.revoked_at is not None:
        raise Http404
    out = io.BytesIO()
    segno.make(join_link(request, code), error="m").save(out, kind="png", scale=12, border=2)
    response = HttpResponse(out.getvalue(), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="join-{code.place_id}.png"'
    response["Cache-Control"] = "private, max-age=300"
    return response
