"""Page types that take registrations and submissions, one module per kind of form."""

from .consultations import (
    Assessment,
    ConsultationPage,
    ConsultationReportPage,
    ConsultationSubmission,
    ThematicArea,
    Trend,
)
from .gdpr import DataProtectionNotice, PersonalDataRequest, PersonalDataSettings
from .index import FormIndexPage
from .surveys import SurveyFormField, SurveyPage
from .working_groups import WorkingGroup, WorkingGroupSignup, WorkingGroupSignupPage
from .workshops import Registration, WorkshopFormField, WorkshopPage, WorkshopSession

__all__ = [
    "Assessment",
    "ConsultationPage",
    "ConsultationReportPage",
    "ConsultationSubmission",
    "DataProtectionNotice",
    "PersonalDataRequest",
    "PersonalDataSettings",
    "ThematicArea",
    "Trend",
    "WorkingGroup",
    "WorkingGroupSignup",
    "WorkingGroupSignupPage",
    "FormIndexPage",
    "Registration",
    "SurveyFormField",
    "SurveyPage",
    "WorkshopFormField",
    "WorkshopPage",
    "WorkshopSession",
]
