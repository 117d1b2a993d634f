from django.urls import path

from .privacy.views import data_protection_notice
from .workshops.fragments import upcoming_workshops_fragment
from .workshops.views import (
    AcceptOfferView,
    CancelRegistrationView,
    SubmissionView,
    registration_result,
    submission_calendar,
)

app_name = "strategy_forms"

urlpatterns = [
    path("rejestracja/anuluj/<str:token>/", CancelRegistrationView.as_view(), name="cancel_registration"),
    path("rejestracja/miejsce/<str:token>/", AcceptOfferView.as_view(), name="accept_offer"),
    path("rejestracja/wynik/<str:token>/", registration_result, name="registration_result"),
    path("rejestracja/zgloszenie/<str:token>/", SubmissionView.as_view(), name="submission"),
    path("rejestracja/zgloszenie/<str:token>/kalendarz.ics", submission_calendar, name="submission_calendar"),
    path("ochrona-danych/<int:pk>/", data_protection_notice, name="data_protection_notice"),
    # Never cached: the cached pages load the places left from here (forms/workshops/fragments.py).
    path("warsztaty/wolne-miejsca/", upcoming_workshops_fragment, name="upcoming_workshops_fragment"),
]
