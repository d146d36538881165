"""The demo city's supplies, vehicles and resident requests: masks, disinfectant, rice and oil
at the demo community and its street (one item low, so the alarm shows), a vehicle of each, and
requests at every stage — waiting, accepted, a vehicle on the way, supplies sent, escalated to
the street by the clock, done and waiting for the resident, closed and rated. Everything goes
through the services, by the demo accounts that would do it; only the clock is moved back."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import Grant, User
from accounts.selectors import actor_for_user
from core.actor import Actor
from core.roles import Role
from people.models import Resident, ResidentStatus
from places.models import Place
from service_requests.dispatching import dispatch_people, dispatch_supplies, dispatch_vehicle
from service_requests.escalation import escalations_due_run
from service_requests.filing import request_file
from service_requests.handling import request_accept, request_confirm, request_done
from service_requests.models import ServiceRequest
from service_requests.vehicles import vehicle_save
from supplies.items import item_save
from supplies.models import ItemKind, Stock
from supplies.stock import stock_issue, stock_receive_at, stock_threshold_set, stock_transfer

ITEMS = [
    ("医用外科口罩", ItemKind.PROTECTIVE, "盒", 120, 20),
    ("N95口罩", ItemKind.PROTECTIVE, "只", 60, 30),
    ("防护服", ItemKind.PROTECTIVE, "套", 12, 10),
    ("84消毒液", ItemKind.DISINFECTANT, "瓶", 80, 10),
    ("大米10公斤", ItemKind.LIVING, "袋", 30, 5),
    ("食用油5升", ItemKind.LIVING, "桶", 20, 5),
]


def _actor(username: str) -> Actor:
    return actor_for_user(User.objects.get(username=username))


def _place_of(username: str, role: str) -> Place:
    grant = Grant.objects.select_related("place").get(user__username=username, role=role)
    assert grant.place is not None
    return grant.place


def seed_supplies_and_requests(now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    city_admin = _actor("city_admin")
    community_admin = _actor("community_admin")
    street_admin = _actor("street_admin")
    community = _place_of("community_admin", Role.COMMUNITY_ADMIN)
    street = _place_of("street_admin", Role.STREET_ADMIN)

    # Supplies: the street receives from the district and passes some on; the community issues
    # protective equipment to its grid worker. The protective suits run low.
    stocks: dict[str, Stock] = {}
    for name, kind, unit, quantity, threshold in ITEMS:
        item = item_save(actor=city_admin, item=None, name=name, kind=kind, unit=unit)
        stock_receive_at(
            actor=street_admin,
            item=item,
            place=street,
            quantity=quantity * 4,
            source="区指挥部调拨",
        )
        moved = stock_receive_at(
            actor=community_admin, item=item, place=community, quantity=quantity, source="社会捐赠"
        )
        stocks[name] = moved.stock
        stock_threshold_set(actor=community_admin, stock=moved.stock, low_threshold=threshold)
    street_masks = Stock.objects.get(item__name="医用外科口罩", place=street)
    stock_transfer(actor=street_admin, stock=street_masks, to_place=community, quantity=40)
    grid_worker = User.objects.get(username="grid_worker")
    stock_issue(
        actor=community_admin,
        stock=stocks["N95口罩"],
        quantity=10,
        worker_user_id=grid_worker.pk,
        note="入户排查用",
    )
    stock_issue(
        actor=community_admin,
        stock=stocks["防护服"],
        quantity=4,
        worker_user_id=grid_worker.pk,
        note="转运发热病人",
    )

    car = vehicle_save(
        actor=community_admin,
        vehicle=None,
        place=community,
        name="社区保障车 鄂A·D1234",
        seats=5,
        driver_name="王建国",
        driver_phone="13907150001",
    )
    van = vehicle_save(
        actor=street_admin,
        vehicle=None,
        place=street,
        name="街道应急车 鄂A·J5678",
        seats=7,
        driver_name="李志强",
        driver_phone="13907150002",
    )
    del van  # the street's vehicle waits for the escalated request below

    # Requests, from the demo household and its neighbours in the community.
    residents = list(
        Resident.objects.filter(community=community, status=ResidentStatus.PRESENT)
        .select_related("person")
        .order_by("pk")[:12]
    )
    resident_actor = _actor("resident")
    resident_user = User.objects.get(username="resident")
    own = Resident.objects.filter(person_id=resident_user.person_id).first()
    grid = _actor("grid_worker")
    volunteer = User.objects.get(username="volunteer")
    plans = [
        ("treatment_trip", "urgent", "每周二、四、六透析，需车辆接送到市第一医院"),
        ("food", "soon", "独居老人，家中米面已吃完"),
        ("medicine", "normal", "高血压药（氨氯地平）还剩两天的量"),
        ("urgent_trip", "urgent", "老人胸闷气短，需要马上送医院"),
        ("psychological", "normal", "隔离在家情绪低落，希望有人聊聊"),
        ("food", "normal", "需要蔬菜和鸡蛋"),
    ]
    filed: list[ServiceRequest] = []
    for n, (category, urgency, details) in enumerate(plans):
        if n == 0 and own is not None:
            filed.append(
                request_file(
                    actor=resident_actor,
                    resident=own,
                    category=category,
                    urgency=urgency,
                    details=details,
                    now=now - datetime.timedelta(minutes=50),
                )
            )
            continue
        resident = residents[n % len(residents)]
        by = grid if resident.grid_id == _place_of("grid_worker", Role.GRID_WORKER).pk else None
        filed.append(
            request_file(
                actor=by or community_admin,
                resident=resident,
                category=category,
                urgency=urgency,
                details=details,
                now=now - datetime.timedelta(hours=3, minutes=10 * n),
            )
        )
    trip, food, medicine, urgent, talk, _veg = filed
    request_accept(actor=community_admin, request=trip, note="已安排车辆，请在楼下等候")
    start = now + datetime.timedelta(hours=1)
    dispatch_vehicle(
        actor=community_admin,
        request=trip,
        vehicle=car,
        slot_start=start,
        slot_end=start + datetime.timedelta(hours=4),
        driver_name="王建国",
    )
    dispatch_supplies(actor=community_admin, request=food, stock=stocks["大米10公斤"], quantity=1)
    dispatch_supplies(actor=community_admin, request=food, stock=stocks["食用油5升"], quantity=1)
    dispatch_people(
        actor=community_admin, request=medicine, person_user_id=volunteer.pk, note="代购后送上门"
    )
    request_done(actor=community_admin, request=food, note="米和油已送到家门口")
    request_accept(actor=community_admin, request=talk, note="已联系社区心理志愿者")
    if own is not None:
        # Yesterday the demo household asked for medicine; it came and they said thank you.
        earlier = request_file(
            actor=resident_actor,
            resident=own,
            category="medicine",
            details="孩子退烧药（布洛芬混悬液）一瓶",
            now=now - datetime.timedelta(hours=26),
        )
        request_accept(actor=community_admin, request=earlier, note="志愿者去药店代购")
        request_done(actor=community_admin, request=earlier, note="药已送到，放在门口")
        request_confirm(actor=resident_actor, request=earlier, rating=5, comment="很及时，谢谢")
    # The urgent trip waited without an answer: the clock sends it to the street.
    del urgent
    escalations_due_run(now)
    return ServiceRequest.objects.count()
