"""What the front door's tests share: a client walking the join steps, codes read from the
console outbox's delivery rows."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from notifications.models import Delivery


def last_code(phone: str) -> str:
    d = Delivery.objects.filter(phone=phone, template="code").order_by("-pk").first()
    assert d is not None, f"no code sent to {phone}"
    return str(d.params["code"])


def verify(client: Client, token: str, phone: str) -> None:
    """Steps 1 and 2: the number, then the code from the text message."""
    r = client.post(reverse("front_door:join", args=[token]), {"phone": phone})
    assert r.status_code == 302, r.content.decode()[:2000]
    r = client.post(reverse("front_door:join_code", args=[token]), {"code": last_code(phone)})
    assert r.status_code == 302, r.content.decode()[:2000]


def details(client: Client, token: str, **data: str):  # type: ignore[no-untyped-def]
    url = reverse("front_door:join_details", args=[token])
    page = client.get(url)
    once = page.context["form"].initial["once"] if page.context else ""
    return client.post(url, {"once": once, **data})
