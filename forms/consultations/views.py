"""Views of the consultations, kept thin: the services decide.

Public: the consultation page's form (the page's ``serve``) and the report with its CSV. Admin
(registered in ``admin.py``): submissions with moderation and assessment; attachments, served only to
who may see them.
"""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin.auth import require_admin_access
from wagtail.models import ModelLogEntry

from notifications.admin_access import forbidden_as_403
from notifications.admin_access import require as _require

from ..abuse import protect_form_post
from ..fields import parse_id
from ..working_groups.models import Channel
from . import services
from .forms import AssessmentForm, ModerationForm, StaffSubmissionForm
from .models import ConsultationPage, ConsultationSubmission, ThematicArea

# Public -------------------------------------------------------------------------------------


def _render_page(page, request, form, status=200):
    context = page.get_context(request)
    context["form"] = form
    return TemplateResponse(request, page.get_template(request), context, status=status)


@protect_form_post
def serve_consultation_page(page, request):
    """Show the submission form, or store the submission and show its receipt. 400 for an invalid
    form; 409 outside the consultation period."""
    if request.method != "POST":
        # Built only if rendered: the blank form is usually part of cached content.
        return _render_page(page, request, SimpleLazyObject(lambda: page.get_form(page=page)))
    form = page.get_form(request.POST, request.FILES, page=page)
    if not page.is_open():
        form.add_error(None, services.ConsultationClosed.for_page(page, timezone.now()).message)
        return _render_page(page, request, form, status=409)
    if not form.is_valid():
        return _render_page(page, request, form, status=400)
    data = form.cleaned_data
    try:
        submission = services.submit(
            page, full_name=data["full_name"], email=data["email"], phone=data["phone"],
            represents=data["represents"], area=data["area"], title=data["title"], content=data["content"],
            place=data["place"], attachment=data.get("attachment"),
        )
    except services.ConsultationError as exc:
        form.add_error(None, exc.message)
        return _render_page(page, request, form, status=409)
    return page.render_landing_page(request, submission)


def add_report_to_context(report_page, context, request=None):
    """The report's rows, once the consultation has ended (never before: assessments are in progress).

    The consultation and its report are loaded only when rendered: the content is usually taken from
    the fragment cache, whose variant is whether the consultation has ended."""
    loaded = []

    def consultation():
        if not loaded:
            loaded.append(report_page.consultation)
        return loaded[0]

    context["consultation"] = SimpleLazyObject(consultation)
    context["consultation_ended"] = report_page.consultation_has_ended(request)
    if context["consultation_ended"]:
        context["report"] = SimpleLazyObject(lambda: services.report(consultation()))
    return context


def _ended_consultation(report_page):
    consultation = report_page.consultation
    if not consultation.has_ended():
        raise Http404
    return consultation


def recommendations_csv(report_page, request):
    consultation = _ended_consultation(report_page)
    response = HttpResponse(services.recommendations_csv(consultation),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rekomendacje-{report_page.slug}.csv"'
    return response


def recommendations_json(report_page, request):
    consultation = _ended_consultation(report_page)
    body = services.recommendations_json(consultation, report_url=report_page.get_full_url(request))
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="rekomendacje-{report_page.slug}.json"'
    return response


def group_recommendations(report_page, request, group_id):
    """A page of one group's agreed recommendations (the same content as its section of the report)."""
    consultation = _ended_consultation(report_page)
    summary = next((item for item in services.recommendations_report(consultation) if item.group_id == group_id),
                   None)
    if summary is None:
        raise Http404
    return report_page.render(request, template="forms/consultations/report_group_page.html",
                              context_overrides={"summary": summary, "consultation": consultation})


def report_csv(report_page, request):
    consultation = report_page.consultation
    if not consultation.has_ended():
        raise Http404
    response = HttpResponse(services.report_csv(consultation), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="raport-{report_page.slug}.csv"'
    return response


# Admin --------------------------------------------------------------------------------------


def _admin_render(request, template, context):
    return TemplateResponse(request, template, context)


def can_open_submissions(user):
    return services.can_moderate(user) or services.is_reviewer(user)


@require_admin_access
@forbidden_as_403
def submission_list(request):
    user = request.user
    _require(can_open_submissions(user))
    submissions = services.submissions_visible_to(user).select_related("assessment").order_by("-pk")
    moderator = services.can_moderate(user)
    status = request.GET.get("status", "")
    if moderator and status in ConsultationSubmission.Status.values:
        submissions = submissions.filter(status=status)
    area = request.GET.get("area", "")
    if (area_id := parse_id(area)) is not None:
        submissions = submissions.filter(area_id=area_id)
    consultation = request.GET.get("consultation", "")
    if (consultation_id := parse_id(consultation)) is not None:
        submissions = submissions.filter(page_id=consultation_id)
    channel = request.GET.get("channel", "")
    if channel in Channel.values:
        submissions = submissions.filter(channel=channel)
    now = timezone.now()
    consultations = ConsultationPage.objects.order_by("-starts_at")
    return _admin_render(request, "forms/consultations/admin_submissions.html", {
        "page_title": _("Consultation submissions"),
        "header_icon": "form",
        "submissions": submissions[:500],
        "moderator": moderator,
        "statuses": ConsultationSubmission.Status.choices,
        "areas": ThematicArea.objects.all() if moderator else ThematicArea.objects.filter(
            pk__in=services.reviewer_area_ids(user)
        ),
        "consultations": consultations,
        "channels": Channel.choices,
        # Where staff can enter what arrived by e-mail, phone or on paper: consultations that have started.
        "enterable": [page for page in consultations if not page.has_not_started(now)] if moderator else [],
        "selected": {"status": status, "area": area, "consultation": consultation, "channel": channel},
    })


def _visible_submission(request, pk):
    submission = get_object_or_404(ConsultationSubmission.objects.select_related("area", "page"), pk=pk)
    # 403, not 404: the admin is for staff, and the reviewer should know to ask a moderator.
    _require(services.can_view(request.user, submission))
    return submission


@require_admin_access
@forbidden_as_403
def submission_detail(request, pk, moderation_form=None, assessment_form=None, status=200, newer_version=None):
    submission = _visible_submission(request, pk)
    user = request.user
    assessment = getattr(submission, "assessment", None)
    moderator = services.can_moderate(user)
    if moderator and moderation_form is None:
        moderation_form = ModerationForm(initial={
            "decision": {"accepted": "accept", "rejected": "reject"}.get(submission.status),
            "area": submission.area_id,
            "reason": submission.rejection_reason,
        })
    can_assess = services.can_assess(user, submission)
    if can_assess and assessment_form is None:
        assessment_form = AssessmentForm(initial={
            "recommendation": assessment.recommendation,
            "justification": assessment.justification,
            "trends": ", ".join(trend.name for trend in assessment.trends.all()),
            "version": assessment.version,
        } if assessment else {"version": 0})
    waiting = services.submissions_awaiting_assessment(user).exclude(pk=submission.pk)
    response = _admin_render(request, "forms/consultations/admin_submission.html", {
        "page_title": _("Submission %(reference)s") % {"reference": submission.reference},
        "header_icon": "form",
        "submission": submission,
        "assessment": assessment,
        "moderator": moderator,
        "moderation_form": moderation_form if moderator else None,
        "assessment_form": assessment_form if can_assess else None,
        "log_entries": ModelLogEntry.objects.for_instance(submission).select_related("user").order_by("-timestamp"),
        "assessment_history": services.assessment_history(assessment),
        "newer_version": newer_version,
        "next_waiting": waiting.first() if can_assess or services.is_reviewer(user) else None,
    })
    response.status_code = status
    return response


@require_admin_access
@forbidden_as_403
@require_POST
def moderate_submission(request, pk):
    submission = _visible_submission(request, pk)
    _require(services.can_moderate(request.user))
    form = ModerationForm(request.POST)
    if not form.is_valid():
        return submission_detail(request, pk, moderation_form=form, status=400)
    try:
        services.moderate(
            submission, user=request.user, accept=form.cleaned_data["decision"] == "accept",
            reason=form.cleaned_data["reason"], area=form.cleaned_data["area"],
        )
    except services.ConsultationError as exc:
        form.add_error(None, exc.message)
        return submission_detail(request, pk, moderation_form=form, status=400)
    messages.success(request, _("The submission has been moderated."))
    return redirect("participation_submission", pk)


@require_admin_access
@forbidden_as_403
@require_POST
def assess_submission(request, pk):
    submission = _visible_submission(request, pk)
    _require(services.can_assess(request.user, submission))
    form = AssessmentForm(request.POST)
    if not form.is_valid():
        return submission_detail(request, pk, assessment_form=form, status=400)
    try:
        services.assess(
            submission, user=request.user, recommendation=form.cleaned_data["recommendation"],
            justification=form.cleaned_data["justification"], trends=form.cleaned_data["trends"],
            expected_version=form.cleaned_data["version"],
        )
    except services.StaleAssessment as exc:
        # What the user typed stays in the form, now based on the newer version: saving again replaces
        # it knowingly.
        data = request.POST.copy()
        data["version"] = exc.current.number
        form = AssessmentForm(data)
        # The message is shown with the newer version, above the form (template).
        messages.error(request, exc.message)
        return submission_detail(request, pk, assessment_form=form, status=409, newer_version=exc.current)
    except services.ConsultationError as exc:
        form.add_error(None, exc.message)
        return submission_detail(request, pk, assessment_form=form, status=400)
    messages.success(request, _("The assessment has been saved."))
    return redirect("participation_submission", pk)


@require_admin_access
@forbidden_as_403
def submission_attachment(request, pk):
    submission = _visible_submission(request, pk)
    if not submission.attachment:
        raise Http404
    response = FileResponse(
        submission.attachment.open("rb"),
        as_attachment=True,
        filename=services.attachment_download_name(submission),
        content_type=submission.attachment_content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_admin_access
@forbidden_as_403
def add_submission(request, page_id):
    """Enter a submission that arrived by e-mail, phone, on paper or in person (``services.enter_submission``)."""
    _require(services.can_moderate(request.user))
    page = get_object_or_404(ConsultationPage, pk=page_id)
    status = 200
    if request.method == "POST":
        form = StaffSubmissionForm(request.POST, request.FILES, page=page)
        if form.is_valid():
            data = form.cleaned_data
            try:
                submission = services.enter_submission(
                    page, user=request.user, channel=data["channel"], received_at=data["received_at"],
                    notice_delivery=data["notice_delivery"], full_name=data["full_name"], email=data["email"],
                    phone=data["phone"], represents=data["represents"], area=data["area"], title=data["title"],
                    content=data["content"], place=data["place"], attachment=data.get("attachment"),
                    posted_on=data.get("posted_on"), late_reason=data.get("late_reason", ""),
                )
            except services.ConsultationError as exc:
                form.add_error(None, exc.message)
                status = 409
            else:
                messages.success(request, _("The submission %(reference)s has been entered and waits for moderation.")
                                 % {"reference": submission.reference})
                if submission.email:
                    messages.info(request, _("The receipt is sent to %(email)s.") % {"email": submission.email})
                else:
                    messages.info(request, _(
                        "The person has no e-mail address: a task to call them at %(phone)s with the reference number "
                        "has been sent to staff."
                    ) % {"phone": submission.phone})
                return redirect("participation_submission", submission.pk)
        else:
            status = 400
    else:
        form = StaffSubmissionForm(page=page)
    response = _admin_render(request, "forms/consultations/admin_add_submission.html", {
        "page_title": _("Add a consultation submission"), "page_subtitle": page.title, "header_icon": "plus",
        "consultation": page, "form": form, "last_day_of_posting": services.last_day_of_posting(page),
    })
    response.status_code = status
    return response


def admin_urls():
    return [
        path("participation/consultations/<int:page_id>/add-submission/", add_submission,
             name="participation_add_submission"),
        path("participation/submissions/", submission_list, name="participation_submissions"),
        path("participation/submissions/<int:pk>/", submission_detail, name="participation_submission"),
        path("participation/submissions/<int:pk>/moderate/", moderate_submission,
             name="participation_moderate_submission"),
        path("participation/submissions/<int:pk>/assess/", assess_submission, name="participation_assess_submission"),
        path("participation/submissions/<int:pk>/attachment/", submission_attachment,
             name="participation_submission_attachment"),
    ]
