"""Synthetic demo data: `python manage.py demo` loads the demo city built in `core.demo.city`."""

from core.demo.city import (
    DEMO_USERNAMES,
    DemoAccount,
    DemoCity,
    build_demo_city,
    demo_accounts,
    demo_accounts_table,
)

__all__ = [
    "DEMO_USERNAMES",
    "DemoAccount",
    "DemoCity",
    "build_demo_city",
    "demo_accounts",
    "demo_accounts_table",
]
