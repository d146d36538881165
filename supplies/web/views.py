"""The supplies pages: the stocks of my area, one stock's ledger with its forms, the catalogue
and a worker's own equipment. Each view parses, calls the selectors and one service, and
renders; who may do what is decided in supplies.policies and the services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.forms import run_once
from core.http import actor_of
from core.once import once_token
from core.pagination import paginate, search_term
from supplies import selectors
from supplies.items import item_save
from supplies.models import ItemKind, Stock, StockMovement, SupplyItem
from supplies.policies import may_keep_catalogue, may_move, may_see_supplies
from supplies.stock import (
    stock_count,
    stock_issue,
    stock_receive,
    stock_receive_at,
    stock_return,
    stock_threshold_set,
    stock_transfer,
)
from supplies.web.forms import (
    ActionForm,
    CountForm,
    IssueForm,
    ItemForm,
    ReceiveForm,
    ReceiveNewForm,
    ReturnForm,
    ThresholdForm,
    TransferForm,
)

STOCKS_PER_PAGE = 50
HISTORY_PER_PAGE = 30
# The field a service names that the form shows at its top (a hidden input has no place).
RETURN_ALIASES = {"movement": "__top__"}


def _reader(request: HttpRequest) -> Actor:
    actor = actor_of(request)
    if not may_see_supplies(actor):
        raise NotAllowed(_("Supplies are kept by community, street, district and city offices."))
    return actor


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def _kinds() -> list[tuple[str, str]]:
    return [("", str(_("All"))), *((str(v), str(label)) for v, label in ItemKind.choices)]


# ---- the stocks of my area ---------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    q = search_term(request)
    kind = request.GET.get("kind", "")
    kind = kind if kind in ItemKind.values else ""
    place_id = _int(request.GET.get("place"))
    low_only = request.GET.get("low") == "1"
    places = selectors.my_stock_places(actor)
    form: ReceiveNewForm | None = None
    if places:
        form = ReceiveNewForm(
            request.POST if request.method == "POST" else None,
            items=selectors.active_items(actor),
            places=places,
        )
    if request.method == "POST":
        if form is None:
            raise NotAllowed(_("Only community and street offices receive stock."))
        receipt = form

        def receive(d: dict[str, Any]) -> str:
            item, place = receipt.chosen_item(), receipt.chosen_place()
            if item is None:
                raise field_error("item", _("Choose the item received."), CoreError.REQUIRED)
            if place is None:
                raise field_error("place", _("Choose where it was received."), CoreError.REQUIRED)
            movement = stock_receive_at(
                actor=actor,
                item=item,
                place=place,
                quantity=d["quantity"],
                source=d["source"],
                note=d["note"],
            )
            return reverse("supplies:stock", args=[movement.stock_id])

        done = run_once(request, form, receive, _("Receipt registered."))
        if done:
            return done
    elif form is not None:
        form.initial["once"] = once_token()
    stocks = selectors.stocks_for(actor, place_id=place_id, kind=kind, low_only=low_only, q=q)
    page = paginate(request, stocks, STOCKS_PER_PAGE)
    context = {
        "page": page,
        "q": q,
        "kind": kind,
        "kinds": _kinds(),
        "place_id": place_id,
        "places": selectors.filter_places(actor),
        "low_only": low_only,
        "low_count": selectors.low_count(actor),
        "form": form,
        "filtered": bool(q or kind or place_id or low_only),
        "may_catalogue": may_keep_catalogue(actor),
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "supplies/home.html", context, status=status)


# ---- one stock ---------------------------------------------------------------------------------


@dataclass
class LedgerRow:
    movement: StockMovement
    kind: str
    returned: bool
    return_token: str


def _stock_forms(stock: Stock, posted: str, data: Any) -> dict[str, ActionForm]:
    builders: dict[str, Callable[[Any], ActionForm]] = {
        "receive": lambda d: ReceiveForm(d),
        "issue": lambda d: IssueForm(d, workers=selectors.workers_of(stock)),
        "transfer": lambda d: TransferForm(d, targets=selectors.transfer_targets(stock)),
        "count": lambda d: CountForm(d),
        "threshold": lambda d: ThresholdForm(d, initial={"low_threshold": stock.low_threshold}),
        "return": lambda d: ReturnForm(d),
    }
    forms: dict[str, ActionForm] = {}
    for name, build in builders.items():
        form = build(data if name == posted else None)
        if name != posted:
            form.initial["once"] = once_token()
        forms[name] = form
    if not forms["transfer"].fields["to_place"].choices[1:]:  # type: ignore[attr-defined]
        del forms["transfer"]  # only a street sends stock to its communities
    return forms


def _stock_action(
    actor: Actor, stock: Stock, name: str, form: ActionForm, url: str
) -> Callable[[dict[str, Any]], str]:
    def act(d: dict[str, Any]) -> str:
        if name == "receive":
            stock_receive(
                actor=actor, stock=stock, quantity=d["quantity"], source=d["source"], note=d["note"]
            )
        elif name == "issue":
            if not d.get("worker"):
                raise field_error("worker", _("Choose the worker."), CoreError.REQUIRED)
            stock_issue(
                actor=actor,
                stock=stock,
                quantity=d["quantity"],
                worker_user_id=d["worker"],
                note=d["note"],
            )
        elif name == "transfer":
            assert isinstance(form, TransferForm)
            to_place = form.chosen_place()
            if to_place is None:
                raise field_error("to_place", _("Choose the community."), CoreError.REQUIRED)
            stock_transfer(
                actor=actor, stock=stock, to_place=to_place, quantity=d["quantity"], note=d["note"]
            )
        elif name == "count":
            stock_count(actor=actor, stock=stock, counted=d["counted"], note=d["note"])
        elif name == "threshold":
            stock_threshold_set(actor=actor, stock=stock, low_threshold=d["low_threshold"])
        elif name == "return":
            movement = selectors.access_movement(actor, stock, d["movement"])
            if movement is None:
                raise field_error("movement", _("This entry is not in this stock's history."))
            stock_return(actor=actor, movement=movement)
        return url

    return act


def _done_message(name: str) -> str:
    return {
        "receive": _("Receipt registered."),
        "issue": _("Handed out."),
        "transfer": _("Sent to the community."),
        "count": _("Stock-take saved."),
        "threshold": _("Alarm level saved."),
        "return": _("Put back into stock."),
    }[name]


def stock_detail(request: HttpRequest, stock_id: int) -> HttpResponse:
    actor = _reader(request)
    stock = selectors.access_stock(actor, stock_id)
    movable = may_move(actor, stock)
    posted = request.POST.get("action", "") if request.method == "POST" else ""
    forms: dict[str, ActionForm] = {}
    if movable:
        forms = _stock_forms(stock, posted, request.POST if posted else None)
    if request.method == "POST":
        if not movable:
            raise NotAllowed(_("Only the office of this place moves its stock."))
        form = forms.get(posted)
        if form is None:
            raise NotAllowed(_("This form is not offered here."))
        aliases = RETURN_ALIASES if posted == "return" else None
        act = _stock_action(actor, stock, posted, form, request.path)
        done = run_once(request, form, act, _done_message(posted), aliases)
        if done:
            return done
    history = paginate(request, selectors.stock_history(actor, stock), HISTORY_PER_PAGE)
    shown = list(history)
    returned = selectors.returned_ids(stock, [m.pk for m in shown])
    rows = [
        LedgerRow(
            m,
            str(m.get_kind_display()),
            m.pk in returned,
            once_token() if movable and selectors.returnable(m) and m.pk not in returned else "",
        )
        for m in shown
    ]
    return_form = forms.get("return")
    context = {
        "stock": stock,
        "item": stock.item,
        "movable": movable,
        "forms": forms,
        "return_errors": return_form.non_field_errors() if return_form is not None else [],
        "page": history,
        "rows": rows,
        "ledger_sum": selectors.ledger_sum(stock),
    }
    status = 400 if any(f.is_bound and f.errors for f in forms.values()) else 200
    return render(request, "supplies/stock.html", context, status=status)


# ---- the catalogue ------------------------------------------------------------------------------


def _save_item(actor: Actor, item: SupplyItem | None, d: dict[str, Any]) -> SupplyItem:
    return item_save(
        actor=actor,
        item=item,
        name=d["name"],
        kind=d["kind"],
        unit=d["unit"],
        is_active=d.get("is_active", True) if item is not None else True,
    )


def item_list(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    q = search_term(request)
    kind = request.GET.get("kind", "")
    kind = kind if kind in ItemKind.values else ""
    form: ItemForm | None = None
    if may_keep_catalogue(actor):
        form = ItemForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form is None:
            raise NotAllowed(_("Only city and district offices keep the catalogue of supplies."))

        def add(d: dict[str, Any]) -> str:
            _save_item(actor, None, d)
            return reverse("supplies:items")

        done = run_once(request, form, add, _("Item added to the catalogue."))
        if done:
            return done
    elif form is not None:
        form.initial["once"] = once_token()
    page = paginate(request, selectors.items_for(actor, q=q, kind=kind))
    context = {"page": page, "q": q, "kind": kind, "kinds": _kinds(), "form": form}
    status = 400 if form is not None and form.errors else 200
    return render(request, "supplies/items.html", context, status=status)


def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    actor = _reader(request)
    item = selectors.access_item(actor, item_id)
    form: ItemForm | None = None
    if may_keep_catalogue(actor):
        form = ItemForm(request.POST if request.method == "POST" else None, item=item)
    if request.method == "POST":
        if form is None:
            raise NotAllowed(_("Only city and district offices keep the catalogue of supplies."))

        def change(d: dict[str, Any]) -> str:
            _save_item(actor, item, d)
            return request.path

        done = run_once(request, form, change, _("Item saved."))
        if done:
            return done
    elif form is not None:
        form.initial["once"] = once_token()
    page = paginate(request, selectors.item_stocks(actor, item), STOCKS_PER_PAGE)
    context = {"item": item, "form": form, "page": page}
    status = 400 if form is not None and form.errors else 200
    return render(request, "supplies/item.html", context, status=status)


# ---- a worker's own equipment --------------------------------------------------------------------


def mine(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    page = paginate(request, selectors.my_issued(actor), HISTORY_PER_PAGE)
    context = {"page": page, "totals": selectors.my_issued_totals(actor)}
    return render(request, "supplies/mine.html", context)
