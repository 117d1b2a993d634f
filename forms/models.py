"""The app's models, for Django: each is defined in its domain's ``models.py``."""

from .consultations.models import (
    Assessment,
    AssessmentVersion,
    ConsultationPage,
    ConsultationReportPage,
    ConsultationSubmission,
    ThematicArea,
    Trend,
)
from .counters import SharedCounter
from .index import FormIndexPage
from .privacy.models import DataProtectionNotice, PersonalDataRequest, PersonalDataSettings
from .surveys.models import SurveyFormField, SurveyPage
from .working_groups.models import (
    GroupRecommendations,
    RecommendedGoal,
    WorkingGroup,
    WorkingGroupSignup,
    WorkingGroupSignupPage,
)
from .workshops.models import Registration, WorkshopFormField, WorkshopPage, WorkshopSession, WorkshopSubmission

__all__ = [
    "Assessment",
    "AssessmentVersion",
    "ConsultationPage",
    "ConsultationReportPage",
    "ConsultationSubmission",
    "DataProtectionNotice",
    "PersonalDataRequest",
    "PersonalDataSettings",
    "SharedCounter",
    "ThematicArea",
    "Trend",
    "WorkingGroup",
    "WorkingGroupSignup",
    "WorkingGroupSignupPage",
    "FormIndexPage",
    "GroupRecommendations",
    "RecommendedGoal",
    "Registration",
    "SurveyFormField",
    "SurveyPage",
    "WorkshopFormField",
    "WorkshopPage",
    "WorkshopSession",
    "WorkshopSubmission",
]
