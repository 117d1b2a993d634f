"""Views of the data protection notice (public) and of the per-person export and erasure (admin).

Thin: ``services.py`` finds, exports and erases; these views only check the permission and render.
"""

import json

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..phones import phone_key
from . import services
from .models import DataProtectionNotice, PersonalDataRequest
from .permissions import personal_data_view


def data_protection_notice(request, pk):
    notice = get_object_or_404(DataProtectionNotice, pk=pk)
    return TemplateResponse(request, "forms/privacy/data_protection_notice.html", {"notice": notice})


class PersonalDataForm(forms.Form):
    ACTIONS = [("search", gettext_lazy("Find")), ("export", gettext_lazy("Download JSON")),
               ("erase", gettext_lazy("Erase"))]

    email = forms.EmailField(label=gettext_lazy("E-mail address"), max_length=254, required=False)
    phone = forms.CharField(
        label=gettext_lazy("Phone number"), max_length=40, required=False,
        help_text=gettext_lazy("For people who signed up by phone or on paper without an e-mail address. "
                               "Compared by its digits: spaces, dashes and the +48 prefix do not matter."),
    )
    action = forms.ChoiceField(choices=ACTIONS, initial="search", widget=forms.HiddenInput, required=False)
    confirm = forms.BooleanField(
        label=gettext_lazy("I confirm that the person asked for the erasure of their data and that their identity "
                           "has been checked."),
        required=False,
    )

    def clean(self):
        cleaned_data = super().clean()
        if "email" in cleaned_data and not cleaned_data["email"] and len(phone_key(cleaned_data.get("phone"))) < (
            services.MIN_PHONE_DIGITS
        ):
            self.add_error("email", _("Give the e-mail address or the phone number (at least %(digits)d digits).")
                           % {"digits": services.MIN_PHONE_DIGITS})
        if cleaned_data.get("action") == "erase" and not cleaned_data.get("confirm"):
            self.add_error("confirm", _("Confirm the erasure request first."))
        return cleaned_data


@personal_data_view
def personal_data_requests(request):
    """Find everything held about one e-mail address or phone number; download it as JSON or erase it."""
    found = None
    status = 200
    if request.method == "POST":
        form = PersonalDataForm(request.POST)
        action = request.POST.get("action") or "search"
        if form.is_valid():
            email, phone = form.cleaned_data["email"], form.cleaned_data["phone"]
            if action == "export":
                return _json_download(services.export(email, phone=phone, user=request.user))
            if action == "erase":
                record = services.erase(email, phone=phone, user=request.user)
                total = sum(record.records.values())
                messages.success(request, _("Erased: %(count)d records were anonymised.") % {"count": total})
            found = services.find(email, phone)
        else:
            status = 400
    else:
        form = PersonalDataForm()
    return TemplateResponse(request, "forms/privacy/admin/personal_data.html", {
        "page_title": _("Personal data requests"),
        "header_icon": "user",
        "form": form,
        "found": found,
        "requests": PersonalDataRequest.objects.select_related("requested_by")[:20],
    }, status=status)


def _json_download(data):
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str), content_type="application/json; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="dane-osobowe-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


def locked_logins(request):
    """Superusers: the logins django-axes has locked (account or address), each with an unlock button."""
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.core.exceptions import PermissionDenied
    from django.shortcuts import redirect

    if not (request.user.is_active and request.user.is_superuser):
        raise PermissionDenied
    if request.method == "POST":
        attempt = get_object_or_404(AccessAttempt, pk=request.POST.get("attempt"))
        attempt.delete()
        messages.success(request, _("The login is unlocked."))
        return redirect("locked_logins")
    attempts = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT).order_by(
        "-attempt_time")
    title = _("Locked logins")
    return TemplateResponse(request, "forms/privacy/admin/locked_logins.html",
                            {"attempts": attempts, "page_title": title, "header_title": title})
