"""Views of the working groups and consultations, kept thin: the services decide.

Public: the pages' ``serve`` (sign-up and submission forms) and the report's CSV.
Admin (URLs in ``forms.participation_hooks``): sign-ups per group with decisions, moves and merges;
submissions with moderation and assessment; attachments, served only to who may see them.
"""


from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin.auth import require_admin_access
from wagtail.models import ModelLogEntry

from cms.admin_access import forbidden_as_403

from . import consultations, working_groups
from .models import (
    ConsultationPage,
    ConsultationSubmission,
    ThematicArea,
    WorkingGroupSignup,
    WorkingGroupSignupPage,
)
from .participation_forms import AssessmentForm, MergeGroupsForm, ModerationForm, MoveSignupForm

# Public -------------------------------------------------------------------------------------


def _render_page(page, request, form, status=200):
    context = page.get_context(request)
    context["form"] = form
    return TemplateResponse(request, page.get_template(request), context, status=status)


def serve_signup_page(page, request):
    """Show the sign-up form, or sign the person up. 400 for an invalid form; 409 outside the
    sign-up window or when the person is already in every group chosen."""
    if request.method != "POST":
        return _render_page(page, request, page.get_form(page=page))
    form = page.get_form(request.POST, page=page)
    if not page.signup_is_open():
        form.add_error(None, working_groups.SignupClosed.message)
        return _render_page(page, request, form, status=409)
    if not form.is_valid():
        return _render_page(page, request, form, status=400)
    data = form.cleaned_data
    try:
        outcomes = working_groups.sign_up(
            page, groups=data["groups"], full_name=data["full_name"], email=data["email"], phone=data["phone"],
            represents=data["represents"], motivation=data["motivation"],
        )
    except working_groups.SignupClosed as exc:
        form.add_error(None, exc.message)
        return _render_page(page, request, form, status=409)
    if not any(outcome.created for outcome in outcomes):
        for outcome in outcomes:
            form.add_error(None, f"{outcome.group.name}: {outcome.message}")
        return _render_page(page, request, form, status=409)
    return page.render_landing_page(request, outcomes)


def serve_consultation_page(page, request):
    """Show the submission form, or store the submission and show its receipt. 400 for an invalid
    form; 409 outside the consultation period."""
    if request.method != "POST":
        return _render_page(page, request, page.get_form(page=page))
    form = page.get_form(request.POST, request.FILES, page=page)
    if not page.is_open():
        form.add_error(None, consultations.ConsultationClosed.for_page(page, timezone.now()).message)
        return _render_page(page, request, form, status=409)
    if not form.is_valid():
        return _render_page(page, request, form, status=400)
    data = form.cleaned_data
    try:
        submission = consultations.submit(
            page, full_name=data["full_name"], email=data["email"], phone=data["phone"],
            represents=data["represents"], area=data["area"], title=data["title"], content=data["content"],
            place=data["place"], attachment=data.get("attachment"),
        )
    except consultations.ConsultationError as exc:
        form.add_error(None, exc.message)
        return _render_page(page, request, form, status=409)
    return page.render_landing_page(request, submission)


def report_csv(report_page, request):
    consultation = report_page.consultation
    if not consultation.has_ended():
        raise Http404
    response = HttpResponse("\ufeff" + consultations.report_csv(consultation), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="raport-{report_page.slug}.csv"'
    return response


# Admin: working groups --------------------------------------------------------------------------


def _require(condition):
    if not condition:
        raise PermissionDenied


def _admin_render(request, template, context):
    return TemplateResponse(request, template, context)


@require_admin_access
@forbidden_as_403
def signup_pages(request):
    _require(working_groups.can_manage(request.user))
    pages = WorkingGroupSignupPage.objects.order_by("path")
    return _admin_render(request, "forms/working_groups/admin_pages.html", {
        "page_title": _("Working groups"), "header_icon": "group", "pages": pages,
    })


@require_admin_access
@forbidden_as_403
def signup_page_groups(request, page_id):
    _require(working_groups.can_manage(request.user))
    page = get_object_or_404(WorkingGroupSignupPage, pk=page_id)
    groups = working_groups.groups_with_counts(page)
    signups = {}
    for signup in WorkingGroupSignup.objects.filter(group__page=page).order_by("status", "pk"):
        signups.setdefault(signup.group_id, []).append(signup)
    for group in groups:
        group.people = signups.get(group.pk, [])
    return _admin_render(request, "forms/working_groups/admin_groups.html", {
        "page_title": _("Working groups: %(page)s") % {"page": page.title},
        "header_icon": "group",
        "signup_page": page,
        "groups": groups,
        "open_groups": [group for group in groups if not group.is_merged],
        "merge_form": MergeGroupsForm(page=page),
    })


def _back_to_groups(signup_or_page_id):
    page_id = signup_or_page_id if isinstance(signup_or_page_id, int) else signup_or_page_id.group.page_id
    return redirect("participation_working_group_page", page_id)


@require_admin_access
@forbidden_as_403
@require_POST
def decide_signup(request, pk):
    signup = get_object_or_404(WorkingGroupSignup.objects.select_related("group"), pk=pk)
    decision = request.POST.get("decision")
    if decision not in ("accept", "decline"):
        raise Http404
    decide = working_groups.accept if decision == "accept" else working_groups.decline
    try:
        outcome = decide(signup, user=request.user)
    except working_groups.WorkingGroupError as exc:
        messages.error(request, exc.message)
    else:
        if outcome.changed:
            messages.success(request, _("%(name)s: %(status)s. The person will be notified by e-mail.") % {
                "name": signup.full_name, "status": outcome.signup.get_status_display(),
            })
    return _back_to_groups(signup)


@require_admin_access
@forbidden_as_403
@require_POST
def move_signup(request, pk):
    signup = get_object_or_404(WorkingGroupSignup.objects.select_related("group__page"), pk=pk)
    _require(working_groups.can_manage(request.user))
    form = MoveSignupForm(request.POST, signup=signup)
    if not form.is_valid():
        messages.error(request, _("Choose the group to move the person to."))
        return _back_to_groups(signup)
    try:
        working_groups.move(signup, form.cleaned_data["group"], user=request.user)
    except working_groups.WorkingGroupError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s moved to the group “%(group)s”.") % {
            "name": signup.full_name, "group": form.cleaned_data["group"].name,
        })
    return _back_to_groups(signup)


@require_admin_access
@forbidden_as_403
@require_POST
def merge_groups(request, page_id):
    _require(working_groups.can_manage(request.user))
    page = get_object_or_404(WorkingGroupSignupPage, pk=page_id)
    form = MergeGroupsForm(request.POST, page=page)
    if not form.is_valid():
        messages.error(request, _("Choose two different groups to merge."))
        return _back_to_groups(page.pk)
    try:
        outcome = working_groups.merge(form.cleaned_data["source"], form.cleaned_data["target"], user=request.user)
    except working_groups.WorkingGroupError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _(
            "The group “%(source)s” was merged into “%(target)s”: %(moved)d sign-ups moved, "
            "%(skipped)d people were already in the target group."
        ) % {"source": outcome.source.name, "target": outcome.target.name, "moved": outcome.moved,
             "skipped": outcome.already_in_target})
    return _back_to_groups(page.pk)


# Admin: consultation submissions -------------------------------------------------------------


def can_open_submissions(user):
    return consultations.can_moderate(user) or consultations.is_reviewer(user)


@require_admin_access
@forbidden_as_403
def submission_list(request):
    user = request.user
    _require(can_open_submissions(user))
    submissions = consultations.submissions_visible_to(user).select_related("assessment").order_by("-pk")
    moderator = consultations.can_moderate(user)
    status = request.GET.get("status", "")
    if moderator and status in ConsultationSubmission.Status.values:
        submissions = submissions.filter(status=status)
    area = request.GET.get("area", "")
    if area.isdigit():
        submissions = submissions.filter(area_id=int(area))
    consultation = request.GET.get("consultation", "")
    if consultation.isdigit():
        submissions = submissions.filter(page_id=int(consultation))
    return _admin_render(request, "forms/consultations/admin_submissions.html", {
        "page_title": _("Consultation submissions"),
        "header_icon": "form",
        "submissions": submissions[:500],
        "moderator": moderator,
        "statuses": ConsultationSubmission.Status.choices,
        "areas": ThematicArea.objects.all() if moderator else ThematicArea.objects.filter(
            pk__in=consultations.reviewer_area_ids(user)
        ),
        "consultations": ConsultationPage.objects.order_by("-starts_at"),
        "selected": {"status": status, "area": area, "consultation": consultation},
    })


def _visible_submission(request, pk):
    submission = get_object_or_404(ConsultationSubmission.objects.select_related("area", "page"), pk=pk)
    # 403, not 404: the admin is for staff, and the reviewer should know to ask a moderator.
    _require(consultations.can_view(request.user, submission))
    return submission


@require_admin_access
@forbidden_as_403
def submission_detail(request, pk, moderation_form=None, assessment_form=None, status=200):
    submission = _visible_submission(request, pk)
    user = request.user
    assessment = getattr(submission, "assessment", None)
    moderator = consultations.can_moderate(user)
    if moderator and moderation_form is None:
        moderation_form = ModerationForm(initial={
            "decision": {"accepted": "accept", "rejected": "reject"}.get(submission.status),
            "area": submission.area_id,
            "reason": submission.rejection_reason,
        })
    can_assess = consultations.can_assess(user, submission)
    if can_assess and assessment_form is None:
        assessment_form = AssessmentForm(initial={
            "recommendation": assessment.recommendation,
            "justification": assessment.justification,
            "trends": ", ".join(trend.name for trend in assessment.trends.all()),
        } if assessment else None)
    response = _admin_render(request, "forms/consultations/admin_submission.html", {
        "page_title": _("Submission %(reference)s") % {"reference": submission.reference},
        "header_icon": "form",
        "submission": submission,
        "assessment": assessment,
        "moderator": moderator,
        "moderation_form": moderation_form if moderator else None,
        "assessment_form": assessment_form if can_assess else None,
        "log_entries": ModelLogEntry.objects.for_instance(submission).select_related("user").order_by("-timestamp"),
    })
    response.status_code = status
    return response


@require_admin_access
@forbidden_as_403
@require_POST
def moderate_submission(request, pk):
    submission = _visible_submission(request, pk)
    _require(consultations.can_moderate(request.user))
    form = ModerationForm(request.POST)
    if not form.is_valid():
        return submission_detail(request, pk, moderation_form=form, status=400)
    try:
        consultations.moderate(
            submission, user=request.user, accept=form.cleaned_data["decision"] == "accept",
            reason=form.cleaned_data["reason"], area=form.cleaned_data["area"],
        )
    except consultations.ConsultationError as exc:
        form.add_error(None, exc.message)
        return submission_detail(request, pk, moderation_form=form, status=400)
    messages.success(request, _("The submission has been moderated."))
    return redirect("participation_submission", pk)


@require_admin_access
@forbidden_as_403
@require_POST
def assess_submission(request, pk):
    submission = _visible_submission(request, pk)
    _require(consultations.can_assess(request.user, submission))
    form = AssessmentForm(request.POST)
    if not form.is_valid():
        return submission_detail(request, pk, assessment_form=form, status=400)
    try:
        consultations.assess(
            submission, user=request.user, recommendation=form.cleaned_data["recommendation"],
            justification=form.cleaned_data["justification"], trends=form.cleaned_data["trends"],
        )
    except consultations.ConsultationError as exc:
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
        filename=submission.attachment_name or submission.attachment.name.rsplit("/", 1)[-1],
        content_type=submission.attachment_content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def admin_urls():
    from django.urls import path

    return [
        path("participation/working-groups/", signup_pages, name="participation_working_groups"),
        path("participation/working-groups/<int:page_id>/", signup_page_groups,
             name="participation_working_group_page"),
        path("participation/working-groups/<int:page_id>/merge/", merge_groups, name="participation_merge_groups"),
        path("participation/sign-ups/<int:pk>/decide/", decide_signup, name="participation_decide_signup"),
        path("participation/sign-ups/<int:pk>/move/", move_signup, name="participation_move_signup"),
        path("participation/submissions/", submission_list, name="participation_submissions"),
        path("participation/submissions/<int:pk>/", submission_detail, name="participation_submission"),
        path("participation/submissions/<int:pk>/moderate/", moderate_submission,
             name="participation_moderate_submission"),
        path("participation/submissions/<int:pk>/assess/", assess_submission, name="participation_assess_submission"),
        path("participation/submissions/<int:pk>/attachment/", submission_attachment,
             name="participation_submission_attachment"),
    ]

