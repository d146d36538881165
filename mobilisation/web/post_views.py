"""The posts and zones pages (M5): the duty home (by role), posts and zones of the community with
their leaders and members, and for a resident the zones over their building with whom to call.
Views parse, call selectors and one service, and render; the services check who may do what."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.actor import Actor
from core.errors import NotAllowed
from core.forms import run_once
from core.http import actor_of
from core.once import once_token
from core.pagination import paginate, search_term
from core.roles import Role
from mobilisation import post_selectors as selectors
from mobilisation import posts as services
from mobilisation.duty_querysets import OFFICE_ROLES, WORKER_ROLES, worker_community_paths
from mobilisation.models import Post, PostKind, Zone
from mobilisation.policies import POSTS_ABOVE_ROLES, managed_communities, manages
from mobilisation.roster_selectors import post_shifts
from mobilisation.web.post_forms import ConfirmForm, MemberForm, PostForm, ZoneForm
from mobilisation.workers import community_worker_options
from places.models import Place
from places.selectors import access_place


def _sees_posts(actor: Actor) -> bool:
    return actor.is_superuser or actor.has_role(OFFICE_ROLES | WORKER_ROLES)


def _name(user: Any) -> str:
    return (user.display_name or user.username) if user is not None else ""


def _worker_choices(community: Place) -> list[tuple[str, str]]:
    return [(str(o.user.pk), o.label) for o in community_worker_options(community)]


def _place_choices(community: Place) -> list[tuple[str, str]]:
    return [
        (str(p.pk), ("· " if p.kind == "building" else "") + p.name)
        for p in selectors.community_places(community)
    ]


def go_to(url: str, _done: object) -> str:
    """Where a form goes once its service has run."""
    return url


def _membership_action(
    request: HttpRequest,
    action: str,
    add_form: MemberForm,
    here: str,
    *,
    add: Callable[[Any], object],
    remove: Callable[[Any], object],
    close: Callable[[], object],
    closed: tuple[str, str],
) -> HttpResponse | None:
    """The actions a post's and a zone's page share: add or remove a member, close it."""
    if action == "add":
        return run_once(
            request, add_form, lambda d: go_to(here, add(d["user"])), _("Member added.")
        )
    if action == "remove":
        form = MemberForm(request.POST)
        form.fields["user"].choices = [(request.POST.get("user", ""), "")]  # type: ignore[attr-defined]
        return run_once(
            request, form, lambda d: go_to(here, remove(d["user"])), _("Member removed.")
        )
    if action == "close":
        url, message = closed
        return run_once(request, ConfirmForm(request.POST), lambda d: go_to(url, close()), message)
    raise NotAllowed(_("You may not do this."))


def managed_community(request: HttpRequest, actor: Actor) -> Place:
    """The community the admin works on (?community= among theirs, else their first)."""
    ids = managed_communities(actor)
    raw = request.POST.get("community") or request.GET.get("community") or ""
    if raw.isdigit() and (int(raw) in ids or actor.is_superuser):
        return access_place(actor, int(raw))
    if not ids:
        raise NotAllowed(_("Only the community's admin sets up posts, zones and shifts."))
    return access_place(actor, ids[0])


def home(request: HttpRequest) -> HttpResponse:
    """/duty/: the community admin to the roster, other workers to their own duty, a resident
    to the zones over their building, offices above to the posts overview."""
    actor = actor_of(request)
    if managed_communities(actor):
        return redirect("duty:roster")
    if actor.is_superuser or actor.has_role(POSTS_ABOVE_ROLES):
        return redirect("duty:posts")
    if worker_community_paths(actor):
        return redirect("duty:mine")
    if actor.has_role(Role.RESIDENT):
        return redirect("duty:my_zone")
    raise NotAllowed(_("Your role has no duty pages."))


def post_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not _sees_posts(actor):
        raise NotAllowed(_("Your role has no duty pages."))
    q = search_term(request)
    kind = request.GET.get("kind", "")
    if kind not in PostKind.values:
        kind = ""
    page = paginate(request, selectors.post_list(actor, q=q, kind=kind))
    rows = list(page.object_list)
    nexts = selectors.next_shifts([p.pk for p in rows])
    context = {
        "q": q,
        "kind": kind,
        "kinds": [("", _("All")), *PostKind.choices],
        "page": page,
        "rows": [(p, nexts.get(p.pk)) for p in rows],
        "overview": selectors.posts_overview(actor)
        if actor.is_superuser or actor.has_role(POSTS_ABOVE_ROLES)
        else None,
        "may_add": bool(managed_communities(actor)),
    }
    return render(request, "mobilisation/post_list.html", context)


def _post_form(community: Place, data: Any = None, post: Post | None = None) -> PostForm:
    form = PostForm(data)
    form.fields["place"].choices = [("", _("None")), *_place_choices(community)]  # type: ignore[attr-defined]
    form.fields["leader"].choices = [("", _("No leader yet")), *_worker_choices(community)]  # type: ignore[attr-defined]
    if data is None:
        form.initial["once"] = once_token()
        if post is not None:
            form.initial.update(
                name=post.name,
                kind=post.kind,
                place=post.place_id or "",
                location=post.location,
                leader=post.leader_id or "",
                needed_per_shift=post.needed_per_shift,
                duties=post.duties,
            )
    return form


def _post_edit_page(
    request: HttpRequest, actor: Actor, community: Place, post: Post | None
) -> HttpResponse:
    form = _post_form(community, request.POST if request.method == "POST" else None, post)
    if request.method == "POST":

        def action(d: dict[str, Any]) -> str:
            saved = services.post_save(
                actor=actor,
                post=post,
                community=community,
                name=d["name"],
                kind=d["kind"],
                place_id=d["place"],
                location=d["location"],
                leader_id=d["leader"],
                needed_per_shift=d["needed_per_shift"],
                duties=d["duties"],
            )
            return reverse("duty:post", args=[saved.pk])

        done = run_once(request, form, action, _("Post saved."))
        if done:
            return done
    context = {"form": form, "post": post, "community": community}
    return render(
        request, "mobilisation/post_form.html", context, status=400 if form.errors else 200
    )


def post_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    return _post_edit_page(request, actor, managed_community(request, actor), None)


def post_edit(request: HttpRequest, post_id: int) -> HttpResponse:
    actor = actor_of(request)
    post = selectors.access_post(actor, post_id)
    if not manages(actor, post.community_id):
        raise NotAllowed(_("Only the community's admin sets up posts, zones and shifts."))
    return _post_edit_page(request, actor, post.community, post)


def post_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    actor = actor_of(request)
    post = selectors.access_post(actor, post_id)
    may_manage = post.closed_at is None and manages(actor, post.community_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    add_form = None
    if may_manage:
        add_form = MemberForm(request.POST if action == "add" else None)
        add_form.fields["user"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a worker")),
            *_worker_choices(post.community),
        ]
    if action:
        if not may_manage or add_form is None:
            raise NotAllowed(_("Only the community's admin sets up posts, zones and shifts."))
        here = reverse("duty:post", args=[post.pk])
        done = _membership_action(
            request,
            action,
            add_form,
            here,
            add=lambda user: services.post_member_add(actor=actor, post=post, user_id=user),
            remove=lambda user: services.post_member_remove(actor=actor, post=post, user_id=user),
            close=lambda: services.post_close(actor=actor, post=post),
            closed=(reverse("duty:posts"), _("Post closed; its future shifts are cancelled.")),
        )
        if done:
            return done
    if add_form is not None and not add_form.is_bound:
        add_form.initial["once"] = once_token()
    context = {
        "post": post,
        "leader": _name(post.leader),
        "members": selectors.post_members(post),
        "shifts": post_shifts(actor, post, days=3),
        "may_manage": may_manage,
        "add_form": add_form,
        "token": once_token,
    }
    status = 400 if add_form is not None and add_form.errors else 200
    return render(request, "mobilisation/post_detail.html", context, status=status)


# --- zones ----------------------------------------------------------------------------------


def zone_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not _sees_posts(actor):
        if actor.has_role(Role.RESIDENT):
            return redirect("duty:my_zone")
        raise NotAllowed(_("Your role has no duty pages."))
    q = search_term(request)
    page = paginate(request, selectors.zone_list(actor, q=q))
    rows = list(page.object_list)
    places = selectors.zone_places([z.pk for z in rows])
    context = {
        "q": q,
        "page": page,
        "rows": [(z, places[z.pk]) for z in rows],
        "may_add": bool(managed_communities(actor)),
    }
    return render(request, "mobilisation/zone_list.html", context)


def _zone_form(community: Place, data: Any = None, zone: Zone | None = None) -> ZoneForm:
    form = ZoneForm(data)
    form.fields["places"].choices = _place_choices(community)  # type: ignore[attr-defined]
    form.fields["leader"].choices = [("", _("No leader yet")), *_worker_choices(community)]  # type: ignore[attr-defined]
    if data is None:
        form.initial["once"] = once_token()
        if zone is not None:
            form.initial.update(
                name=zone.name,
                places=[str(p) for p in zone.zone_places.values_list("place_id", flat=True)],
                leader=zone.leader_id or "",
                duties=zone.duties,
            )
    return form


def _zone_save(actor: Actor, community: Place, zone: Zone | None, d: dict[str, Any]) -> str:
    saved = services.zone_save(
        actor=actor,
        zone=zone,
        community=community,
        name=d["name"],
        place_ids=d["places"],
        leader_id=d["leader"],
        duties=d["duties"],
    )
    return reverse("duty:zone", args=[saved.pk])


def zone_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    community = managed_community(request, actor)
    form = _zone_form(community, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        done = run_once(
            request, form, lambda d: _zone_save(actor, community, None, d), _("Zone saved.")
        )
        if done:
            return done
    context = {"form": form, "zone": None, "community": community}
    return render(
        request, "mobilisation/zone_form.html", context, status=400 if form.errors else 200
    )


def zone_detail(request: HttpRequest, zone_id: int) -> HttpResponse:
    actor = actor_of(request)
    zone = selectors.access_zone(actor, zone_id)
    may_manage = zone.closed_at is None and manages(actor, zone.community_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    edit_form = add_form = None
    if may_manage:
        edit_form = _zone_form(zone.community, request.POST if action == "edit" else None, zone)
        add_form = MemberForm(request.POST if action == "add" else None)
        add_form.fields["user"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a worker")),
            *_worker_choices(zone.community),
        ]
    if action:
        if not may_manage or add_form is None or edit_form is None:
            raise NotAllowed(_("Only the community's admin sets up posts, zones and shifts."))
        here = reverse("duty:zone", args=[zone.pk])
        if action == "edit":
            done = run_once(
                request,
                edit_form,
                lambda d: _zone_save(actor, zone.community, zone, d),
                _("Zone saved."),
            )
        else:
            done = _membership_action(
                request,
                action,
                add_form,
                here,
                add=lambda user: services.zone_member_add(actor=actor, zone=zone, user_id=user),
                remove=lambda user: services.zone_member_remove(
                    actor=actor, zone=zone, user_id=user
                ),
                close=lambda: services.zone_close(actor=actor, zone=zone),
                closed=(reverse("duty:zones"), _("Zone closed.")),
            )
        if done:
            return done
    if add_form is not None and not add_form.is_bound:
        add_form.initial["once"] = once_token()
    context = {
        "zone": zone,
        "leader": _name(zone.leader),
        "places": selectors.zone_places([zone.pk])[zone.pk],
        "members": selectors.zone_members([zone.pk])[zone.pk],
        "may_manage": may_manage,
        "edit_form": edit_form,
        "add_form": add_form,
        "token": once_token,
    }
    errors = (edit_form is not None and edit_form.errors) or (
        add_form is not None and add_form.errors
    )
    return render(request, "mobilisation/zone_detail.html", context, status=400 if errors else 200)


def my_zone(request: HttpRequest) -> HttpResponse:
    """A resident: the zones over their building, the leader and members, a work phone."""
    actor = actor_of(request)
    if not actor.has_role(Role.RESIDENT):
        raise NotAllowed(_("This page is for residents."))
    return render(
        request, "mobilisation/my_zone.html", {"zones": selectors.zones_for_household(actor)}
    )
