"""The Wagtail editor form of workshop pages: checks that need the registrations already stored.

The rules themselves live in ``forms.services``; this form only puts their messages on the right field.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.contrib.forms.forms import WagtailAdminFormPageForm

from .forms import RESERVED_FIELD_NAMES


class WorkshopPageForm(WagtailAdminFormPageForm):
    def clean(self):
        cleaned_data = super().clean()
        self._clean_sessions()
        self._clean_extra_field_names()
        return cleaned_data

    def _clean_sessions(self):
        # Imported here: the models module imports this form.
        from .exceptions import CapacityBelowConfirmed
        from .models import Registration
        from .services import check_capacity_change

        formset = self.formsets.get("sessions")
        if formset is None:
            return
        for form in formset.forms:
            if not form.is_valid() or not form.instance.pk:
                continue
            if form.cleaned_data.get("DELETE"):
                if Registration.objects.filter(session_id=form.instance.pk).exists():
                    self.add_error(
                        None,
                        _("The session “%(title)s” has registrations and cannot be removed.")
                        % {"title": form.instance.title},
                    )
                continue
            try:
                check_capacity_change(form.instance, form.cleaned_data["capacity"])
            except CapacityBelowConfirmed as exc:
                form.add_error("capacity", exc.message)

    def _clean_extra_field_names(self):
        formset = self.formsets.get("form_fields")
        if formset is None:
            return
        for form in formset.forms:
            if not form.is_valid() or form.cleaned_data.get("DELETE"):
                continue
            if (form.instance.clean_name or form.instance.get_field_clean_name()) in RESERVED_FIELD_NAMES:
                form.add_error(
                    "label",
                    _("Every registration already asks for this (name, e-mail, phone, sessions, consent). "
                      "Choose another label."),
                )
