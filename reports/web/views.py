"""The community daily report pages (日报): the community admin's report of the day (review,
remarks, hand-kept figures if any, submit), the overview of a street, district or city (who
submitted, who is late, the roll-up), the street's deadline, and the .xlsx exports. Each view
parses, calls one selector or service, and renders; who may do what: reports.policies."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from core.errors import NotAllowed
from core.forms import run_once
from core.http import actor_of
from core.once import once_token
from health.models import DailyReportStatus
from reports import export as daily_export
from reports import policies
from reports import selectors as sel
from reports import services as daily
from reports.web.forms import DailyReviewForm, DeadlineForm


def _day(request: HttpRequest) -> tuple[datetime.date, str]:
    """The ?day= of the page (today when missing or wrong) and the error to show, if any."""
    try:
        return sel.parse_day(request.GET.get("day")), ""
    except ValidationError as e:
        return timezone.localdate(), " ".join(str(m) for m in e.messages)


# ---- the landing page -------------------------------------------------------------------------


def daily_home(request: HttpRequest) -> HttpResponse:
    """/daily/: a community admin gets their community's report of the day (generated the
    first time it is opened); an office gets its overview; someone with both chooses."""
    actor = actor_of(request)
    communities = sel.submit_communities(actor)
    offices = sel.office_places(actor)
    day, error = _day(request)
    wanted = request.GET.get("community", "")
    if wanted.isdigit():
        communities = [c for c in communities if c.pk == int(wanted)] or communities
    if len(communities) == 1 and not offices and not error:
        report = daily.daily_report_generate(actor=actor, community=communities[0], day=day)
        return redirect("daily:report", daily_report_id=report.pk)
    if len(offices) == 1 and not communities:
        url = reverse("daily:place", kwargs={"place_id": offices[0].pk})
        return redirect(f"{url}?day={day.isoformat()}" if request.GET.get("day") else url)
    if not communities and not offices:
        raise NotAllowed(_("Your role neither submits nor receives daily reports."))
    context = {"communities": communities, "offices": offices, "day": day, "error": error}
    return render(request, "reports/daily_home.html", context)


# ---- one community's report -----------------------------------------------------------------


def _report_context(request: HttpRequest, report: Any, form: Any) -> dict[str, Any]:
    actor = actor_of(request)
    submitted = report.status == DailyReportStatus.SUBMITTED
    status = sel.report_status(
        report.submitted_at if submitted else None, report.deadline, timezone.now()
    )
    street = sel.report_street(actor, report)
    return {
        "report": report,
        "sections": sel.figure_sections(report.figures),
        "status": status,
        "status_label": sel.STATUS_LABELS[status],
        "submitted": submitted,
        "editable": not submitted and policies.may_submit_for(actor, report.community_path),
        "form": form,
        "street": street,
        "generated": "am_expected" in report.figures,
        # Figures entered on review: none now, and then the form has the remarks only.
        "hand_kept": [str(sel.FIGURES_BY_KEY[k].label) for k in sel.HAND_KEPT],
    }


def daily_report(request: HttpRequest, daily_report_id: int) -> HttpResponse:
    actor = actor_of(request)
    report = sel.access_daily_report(actor, daily_report_id)
    url = reverse("daily:report", kwargs={"daily_report_id": report.pk})
    form: Any = None
    if request.method == "POST":
        if not policies.may_submit_for(actor, report.community_path):
            raise NotAllowed(_("Only the community's admin reviews and submits its report."))
        action = request.POST.get("action", "save")
        if report.status == DailyReportStatus.SUBMITTED:
            messages.info(request, _("This report was already submitted; nothing was changed."))
            return redirect(url)
        form = DailyReviewForm(request.POST)
        if action == "regenerate":

            def regenerate(d: dict[str, Any]) -> str:
                daily.daily_report_generate(
                    actor=actor, community=report.community, day=report.day, regenerate=True
                )
                return url

            done = run_once(request, form, regenerate, _("Figures regenerated from today's data."))
        else:
            submit = action == "submit"

            def save(d: dict[str, Any]) -> str:
                service = daily.daily_report_submit if submit else daily.daily_report_save
                service(actor=actor, report=report, hand_kept=form.hand_kept(), note=d["note"])
                return url

            done = run_once(
                request,
                form,
                save,
                _("Report submitted to the street.") if submit else _("Review saved."),
            )
        if done:
            return done
        report.refresh_from_db()
    elif report.status == DailyReportStatus.DRAFT and policies.may_submit_for(
        actor, report.community_path
    ):
        initial: dict[str, Any] = {k: report.figures.get(k, "") for k in sel.HAND_KEPT}
        form = DailyReviewForm(initial={**initial, "note": report.note, "once": once_token()})
    context = _report_context(request, report, form)
    status = 400 if form is not None and form.errors else 200
    return render(request, "reports/daily_report.html", context, status=status)


def daily_report_export(request: HttpRequest, daily_report_id: int) -> HttpResponse:
    report = sel.access_daily_report(actor_of(request), daily_report_id)
    return _xlsx(daily_export.daily_report_export(report))


# ---- the overview of a street, district or city ---------------------------------------------


def daily_place(request: HttpRequest, place_id: int) -> HttpResponse:
    actor = actor_of(request)
    place = sel.access_daily_place(actor, place_id)
    day, error = _day(request)
    overview = sel.daily_overview(actor, place, day)
    crumbs = sel.overview_crumbs(actor, place)
    today = timezone.localdate()
    context = {
        "overview": overview,
        "place": place,
        "day": day,
        "error": error,
        "today": today,
        "previous": day - datetime.timedelta(days=1),
        "next": day + datetime.timedelta(days=1) if day < today else None,
        "crumbs": crumbs,
        "summary_labels": [sel.FIGURES_BY_KEY[k].label for k in sel.SUMMARY_KEYS],
        "is_street": place.kind == "street",
        "may_set_deadline": policies.may_set_deadline(actor, place),
    }
    return render(request, "reports/daily_place.html", context, status=400 if error else 200)


def daily_place_export(request: HttpRequest, place_id: int) -> HttpResponse:
    actor = actor_of(request)
    place = sel.access_daily_place(actor, place_id)
    day, _error = _day(request)
    return _xlsx(daily_export.daily_overview_export(sel.daily_overview(actor, place, day)))


def _xlsx(export: daily_export.DailyExport) -> HttpResponse:
    """A small file (counts only): sent whole, as an attachment named in Chinese or English."""
    response = HttpResponse(export.file.read(), content_type=daily_export.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, export.filename) or ""
    return response


# ---- the street's deadline ------------------------------------------------------------------


def daily_deadline(request: HttpRequest, place_id: int) -> HttpResponse:
    actor = actor_of(request)
    street, at, is_default = sel.access_deadline_street(actor, place_id)
    may_set = policies.may_set_deadline(actor, street)
    back = reverse("daily:place", kwargs={"place_id": street.pk})
    form = None
    if request.method == "POST":
        if not may_set:
            raise NotAllowed(_("Only the street's admin sets its daily deadline."))
        form = DeadlineForm(request.POST)

        def save(d: dict[str, Any]) -> str:
            daily.report_deadline_set(actor=actor, street=street, deadline=d["deadline"])
            return back

        done = run_once(request, form, save, _("Deadline saved."))
        if done:
            return done
    elif may_set:
        form = DeadlineForm(initial={"deadline": at.strftime("%H:%M"), "once": once_token()})
    context = {
        "street": street,
        "deadline": at,
        "is_default": is_default,
        "form": form,
        "back": back,
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "reports/daily_deadline.html", context, status=status)
