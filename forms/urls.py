from django.urls import path

from .views import CancelRegistrationView

app_name = "strategy_forms"

urlpatterns = [
    path("rejestracja/anuluj/<str:token>/", CancelRegistrationView.as_view(), name="cancel_registration"),
]
