from django.urls import path

from .privacy.views import data_protection_notice
from .workshops.fragments import upcoming_workshops_fragment
from .workshops.views import CancelRegistrationView

app_name = "strategy_forms"

urlpatterns = [
    path("rejestracja/anuluj/<str:token>/", CancelRegistrationView.as_view(), name="cancel_registration"),
    path("ochrona-danych/<int:pk>/", data_protection_notice, name="data_protection_notice"),
    # Never cached: the cached pages load the places left from here (forms/workshops/fragments.py).
    path("warsztaty/wolne-miejsca/", upcoming_workshops_fragment, name="upcoming_workshops_fragment"),
]
