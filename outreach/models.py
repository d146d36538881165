"""Study (M3) and recognition (M17): their models live in their own files; importing them here
registers them with the outreach app. Their tables are the ones party made (`party_…`)."""

from outreach.recognition_models import (
    Accountability,
    Activist,
    Commendation,
    FrontlineEntry,
    Nomination,
    NominationStatus,
)
from outreach.study_models import (
    DiscussionPost,
    StudyMaterial,
    StudyProgramme,
    StudyRecord,
    StudyReminder,
)

__all__ = [
    "Accountability",
    "Activist",
    "Commendation",
    "DiscussionPost",
    "FrontlineEntry",
    "Nomination",
    "NominationStatus",
    "StudyMaterial",
    "StudyProgramme",
    "StudyRecord",
    "StudyReminder",
]
