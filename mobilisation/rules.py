"""Named rules of deployment coverage (应下尽下), in one place so pages, the API and tests agree."""

from __future__ import annotations

# A community with more living residents than this per helper (deployed cadres and volunteers
# granted there) is short of helpers; one with no helper at all always is.
RESIDENTS_PER_HELPER_MAX = 300
