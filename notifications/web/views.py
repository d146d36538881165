"""The inbox: one's own notifications, opened (marked read) one by one or all at once, and
one's switches per kind and channel; and the console gateway's outbox."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.http import actor_of
from core.masking import mask_phone
from core.pagination import paginate
from notifications import selectors, services
from notifications.models import Channel
from notifications.policies import may_read_text_outbox
from notifications.texts import text_words


@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    unread_only = request.GET.get("show") == "unread"
    page = paginate(request, selectors.inbox(actor, unread_only=unread_only))
    for n in page.object_list:
        n.title = selectors.notification_title(n)
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread_only": unread_only, "unread": selectors.unread_count(actor)},
    )


@require_POST
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    actor = actor_of(request)
    n = selectors.access_notification(actor, notification_id)
    link = services.notification_open(actor=actor, notification=n)
    if link and url_has_allowed_host_and_scheme(link, {request.get_host()}):
        return redirect(link)
    return redirect("notifications:inbox")


@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    services.notifications_read_all(actor=actor_of(request))
    return redirect("notifications:inbox")


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if request.method == "POST":
        # One form with a checkbox per kind and channel: what is not ticked is switched off.
        for row in selectors.preference_rows(actor):
            for channel in (Channel.IN_APP, Channel.TEXT):
                on = request.POST.get(f"{row.kind}:{channel}") == "on"
                if on != getattr(row, "in_app" if channel == Channel.IN_APP else "text"):
                    services.preference_set(actor=actor, kind=row.kind, channel=channel, enabled=on)
        from django.contrib import messages
        from django.utils.translation import gettext as _

        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:preferences")
    return render(
        request, "notifications/preferences.html", {"rows": selectors.preference_rows(actor)}
    )


@login_not_required
@require_GET
def text_outbox(request: HttpRequest) -> HttpResponse:
    if not may_read_text_outbox(actor_of(request)):
        raise Http404
    rows = [
        {
            "at": d.created_at,
            "phone": mask_phone(d.phone),
            "words": text_words(d.template, d.params),
            "status": d.get_status_display(),
        }
        for d in selectors.text_outbox()
    ]
    return render(request, "notifications/text_outbox.html", {"rows": rows})
