"""Carers, requests, vehicles and stock in the tiny city."""

from __future__ import annotations

from places import services as place_services
from places.models import Place
from testkit.city import ROOT, TinyCity


def add_care_and_request_samples(tc: TinyCity) -> None:
    """Per chain: a carer for the household, a request of its second resident, a vehicle and a
    stock of masks at the community. In the first community the carer is the cadre account and
    the volunteer account is dispatched to the inside request (helpers see exactly those
    residents); the street has a vehicle and masks of its own; the grid worker was issued masks.
    No vulnerability flag is set: registry tests count those."""
    from django.utils import timezone

    from care.models import CareAssignment
    from service_requests.filing import request_file
    from service_requests.models import Dispatch, DispatchKind, Level, Vehicle
    from supplies.models import ItemKind, MovementKind, Stock, StockMovement, SupplyItem

    now = timezone.now()
    masks = SupplyItem.objects.create(name="医用外科口罩", kind=ItemKind.PROTECTIVE, unit="盒")
    admin = tc.users["community_admin"]

    def stock_at(place: Place, quantity: int) -> Stock:
        stock = Stock.objects.create(
            item=masks, place=place, place_path=place.path, quantity=quantity, low_threshold=5
        )
        StockMovement.objects.create(
            stock=stock,
            place_path=place.path,
            kind=MovementKind.RECEIPT,
            delta=quantity,
            balance=quantity,
            at=now,
            by=admin,
            source=f"{place.name}采购",
        )
        return stock

    # The carers: the cadre account in the first community (both its households); elsewhere the
    # admin accounts of those areas stand in (no new staff, so worker counts stay as they were).
    carers = {
        tc.inside.household.pk: tc.users["cadre"],
        tc.sibling.household.pk: tc.users["cadre"],
        tc.other_street.household.pk: tc.users["【OST】_admin"],
        tc.other_district.household.pk: tc.users["【ODI】_admin"],
    }
    for chain in (tc.inside, tc.sibling, tc.other_street, tc.other_district):
        elder = chain.residents[1]
        carer = carers[chain.household.pk]
        CareAssignment.objects.create(
            **place_services.ancestor_columns(chain.building),
            household=chain.household,
            carer=carer,
            phone_every_days=1,
            visit_every_days=3,
            phone_due_on=timezone.localdate(),
            visit_due_on=timezone.localdate(),
            assigned_by=admin,
            started_at=now,
        )
        request = request_file(
            actor=ROOT, resident=elder, category="medicine", details=f"{chain.grid.name}买降压药"
        )
        if chain is tc.inside:
            Dispatch.objects.create(
                request=request,
                kind=DispatchKind.PEOPLE,
                level=Level.COMMUNITY,
                person=tc.users["volunteer"],
                at=now,
                by=admin,
            )
        if chain is not tc.sibling:
            Vehicle.objects.create(
                place=chain.community,
                place_path=chain.community.path,
                name=f"{chain.community.name}保障车",
                driver_name="王师傅",
            )
            stock_at(chain.community, 40)
    stock_at(tc.inside.street, 500)
    Vehicle.objects.create(
        place=tc.inside.street,
        place_path=tc.inside.street.path,
        name=f"{tc.inside.street.name}应急车",
    )
    inside_stock = Stock.objects.get(item=masks, place=tc.inside.community)
    inside_stock.quantity -= 2
    inside_stock.save(update_fields=["quantity"])
    StockMovement.objects.create(
        stock=inside_stock,
        place_path=inside_stock.place_path,
        kind=MovementKind.ISSUE,
        delta=-2,
        balance=inside_stock.quantity,
        at=now,
        by=admin,
        worker=tc.users["grid_worker"],
    )
