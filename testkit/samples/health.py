"""Flags, sweeps and daily reports in the tiny city."""

from __future__ import annotations

from accounts.models import User
from places import services as place_services
from testkit.city import TinyCity


def add_health_samples(tc: TinyCity, odi_admin: User) -> None:
    """One abnormal-report flag per chain, sweeps in and out of district A, and a daily report
    per community, as reports and offices would leave them."""
    import datetime as dt

    from django.utils import timezone

    from health.models import DailyReport, HealthFlag, SweepCampaign

    now = timezone.now()
    today = timezone.localdate()
    for chain in (tc.inside, tc.sibling, tc.other_street, tc.other_district):
        resident = chain.residents[1]
        HealthFlag.objects.create(
            **place_services.ancestor_columns(chain.building),
            resident=resident,
            household=chain.household,
            raised_at=now,
            first_report_id=0,
            last_report_id=0,
            max_temperature="38.2",
        )
    district_admin = tc.users["district_admin"]
    for name, scope, user in (
        ("甲区拉网排查", tc.inside.district, district_admin),
        ("【OST】街道拉网排查", tc.other_street.street, district_admin),
        ("【ODI】拉网排查", tc.other_district.district, odi_admin),
    ):
        SweepCampaign.objects.create(
            name=name,
            scope=scope,
            scope_path=scope.path,
            start_date=today,
            end_date=today + dt.timedelta(days=2),
            opened_by=user,
            opened_at=now,
        )
    for chain in (tc.inside, tc.other_street, tc.other_district):
        DailyReport.objects.create(
            community=chain.community,
            community_path=chain.community.path,
            day=today,
            generated_at=now,
            deadline=now + dt.timedelta(hours=6),
        )
    # The city's reminder schedule (Setup: the city's admins alone).
    from health.models import ReminderSchedule

    ReminderSchedule.objects.create(city=tc.city)
