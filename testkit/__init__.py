"""The test city and the helpers tests share (it sits on the top floor: it may import every app)."""

from testkit.build import build_tiny_city
from testkit.city import PASSWORD, ROOT, Chain, TinyCity, make_role_users, synthetic_id_number
from testkit.summary import SUMMARY_DIR, summary_line
from testkit.threads import in_threads

__all__ = [
    "PASSWORD",
    "ROOT",
    "SUMMARY_DIR",
    "Chain",
    "TinyCity",
    "build_tiny_city",
    "in_threads",
    "make_role_users",
    "summary_line",
    "synthetic_id_number",
]
