"""Views of the working groups, kept thin: the services decide.

Public: the sign-up page's form (the page's ``serve``). Admin (registered in ``admin.py``): sign-ups
per group with decisions, moves and merges.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from wagtail.admin.auth import require_admin_access
from wagtail.models import Revision

from notifications.admin_access import forbidden_as_403
from notifications.admin_access import require as _require

from ..abuse import protect_form_post
from ..privacy.permissions import can_view_personal_data
from . import exports, services
from .forms import AgreeRecommendationsForm, MergeGroupsForm, MoveSignupForm, StaffSignupForm
from .models import GroupRecommendations, WorkingGroup, WorkingGroupSignup, WorkingGroupSignupPage

# Wagtail's snippet views of the recommendations (``admin.RecommendationsViewSet``).
RECOMMENDATIONS_URLS = "wagtailsnippets_strategy_forms_grouprecommendations"

# Public -------------------------------------------------------------------------------------


def _render_page(page, request, form, status=200):
    context = page.get_context(request)
    context["form"] = form
    return TemplateResponse(request, page.get_template(request), context, status=status)


@protect_form_post
def serve_signup_page(page, request):
    """Show the sign-up form, or sign the person up. 400 for an invalid form; 409 outside the
    sign-up window or when the person is already in every group chosen."""
    if request.method != "POST":
        # Built only if rendered: the blank form is usually part of cached content.
        return _render_page(page, request, SimpleLazyObject(lambda: page.get_form(page=page)))
    form = page.get_form(request.POST, page=page)
    if not page.signup_is_open():
        form.add_error(None, services.SignupClosed.message)
        return _render_page(page, request, form, status=409)
    if not form.is_valid():
        return _render_page(page, request, form, status=400)
    data = form.cleaned_data
    try:
        outcomes = services.sign_up(
            page, groups=data["groups"], full_name=data["full_name"], email=data["email"], phone=data["phone"],
            represents=data["represents"], motivation=data["motivation"],
        )
    except services.SignupClosed as exc:
        form.add_error(None, exc.message)
        return _render_page(page, request, form, status=409)
    # A group the address is already in is answered like a new sign-up (the owner gets an e-mail).
    return page.render_landing_page(request, outcomes)


# Admin --------------------------------------------------------------------------------------


def _admin_render(request, template, context):
    return TemplateResponse(request, template, context)


@require_admin_access
@forbidden_as_403
def signup_pages(request):
    _require(services.can_manage(request.user))
    pages = WorkingGroupSignupPage.objects.order_by("path")
    return _admin_render(request, "forms/working_groups/admin_pages.html", {
        "page_title": _("Working groups"), "header_icon": "group", "pages": pages,
    })


@require_admin_access
@forbidden_as_403
def signup_page_groups(request, page_id):
    _require(services.can_manage(request.user))
    page = get_object_or_404(WorkingGroupSignupPage, pk=page_id)
    groups = services.groups_with_counts(page)
    signups = {}
    for signup in WorkingGroupSignup.objects.filter(group__page=page).select_related("entered_by").order_by(
        "status", "pk"
    ):
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


DECISIONS = {"accept": services.accept, "decline": services.decline, "undo": services.undo_decision}


@require_admin_access
@forbidden_as_403
@require_POST
def decide_signup(request, pk):
    signup = get_object_or_404(WorkingGroupSignup.objects.select_related("group"), pk=pk)
    _require(services.can_manage(request.user))
    decide = DECISIONS.get(request.POST.get("decision"))
    if decide is None:
        raise Http404
    try:
        outcome = decide(signup, user=request.user)
    except services.WorkingGroupError as exc:
        messages.error(request, exc.message)
        return _back_to_groups(signup)
    if not outcome.changed:
        return _back_to_groups(signup)
    values = {"name": signup.full_name, "status": outcome.signup.get_status_display(), "phone": signup.phone}
    if decide is services.undo_decision:
        messages.success(request, _("%(name)s: the decision has been undone; the sign-up waits for a decision "
                                    "again. Nobody has been told anything.") % values)
    elif not signup.group.is_formed:
        messages.success(request, _("%(name)s: %(status)s. Nobody is told yet: everyone accepted is told when you "
                                    "mark the group as formed.") % values)
    elif signup.email:
        messages.success(request, _("%(name)s: %(status)s. The person will be notified by e-mail.") % values)
    else:
        messages.success(request, _(
            "%(name)s: %(status)s. The person has no e-mail address: call them at %(phone)s (the task has been "
            "sent to staff)."
        ) % values)
    return _back_to_groups(signup)


def _managed_group(request, pk):
    group = get_object_or_404(WorkingGroup.objects.select_related("page", "formed_by"), pk=pk)
    _require(services.can_manage(request.user))
    return group


@require_admin_access
@forbidden_as_403
def form_group(request, pk):
    """GET: who will be told, and what; POST: mark the group as formed (``services.mark_group_formed``)."""
    group = _managed_group(request, pk)
    if request.method == "POST":
        try:
            outcome = services.mark_group_formed(group, user=request.user)
        except services.WorkingGroupError as exc:
            messages.error(request, exc.message)
        else:
            if outcome.changed:
                messages.success(request, ngettext(
                    "The group “%(group)s” has been marked as formed: %(count)d accepted person will be told.",
                    "The group “%(group)s” has been marked as formed: %(count)d accepted people will be told.",
                    outcome.notified,
                ) % {"group": group.name, "count": outcome.notified})
            else:
                messages.info(request, _("The group “%(group)s” had already been formed: nobody is told again.") % {
                    "group": group.name})
        return redirect(f"{reverse('participation_working_group_page', args=[group.page_id])}#group-{group.pk}")
    counted = next(item for item in services.groups_with_counts(group.page) if item.pk == group.pk)
    signups = list(group.signups.order_by("status", "full_name", "pk"))
    return _admin_render(request, "forms/working_groups/admin_form_group.html", {
        "page_title": _("Mark the group “%(group)s” as formed") % {"group": group.name},
        "header_icon": "group",
        "group": counted,
        "accepted": [signup for signup in signups if signup.status == WorkingGroupSignup.Status.ACCEPTED],
        "declined": [signup for signup in signups if signup.status == WorkingGroupSignup.Status.DECLINED],
        "pending": [signup for signup in signups if signup.status == WorkingGroupSignup.Status.PENDING],
    })


@require_admin_access
@forbidden_as_403
def export_group_members(request, pk, export_format):
    """The group's accepted members as CSV or XLSX: personal data, so form administrators only."""
    group = _managed_group(request, pk)
    _require(can_view_personal_data(request.user))
    if export_format not in exports.FORMATS:
        raise Http404
    content, content_type, filename = exports.export_members(
        group, services.group_members(group), export_format=export_format, user=request.user
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_admin_access
@forbidden_as_403
@require_POST
def move_signup(request, pk):
    signup = get_object_or_404(WorkingGroupSignup.objects.select_related("group__page"), pk=pk)
    _require(services.can_manage(request.user))
    form = MoveSignupForm(request.POST, signup=signup)
    if not form.is_valid():
        messages.error(request, _("Choose the group to move the person to."))
        return _back_to_groups(signup)
    try:
        services.move(signup, form.cleaned_data["group"], user=request.user)
    except services.WorkingGroupError as exc:
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
    _require(services.can_manage(request.user))
    page = get_object_or_404(WorkingGroupSignupPage, pk=page_id)
    form = MergeGroupsForm(request.POST, page=page)
    if not form.is_valid():
        messages.error(request, _("Choose two different groups to merge."))
        return _back_to_groups(page.pk)
    try:
        outcome = services.merge(form.cleaned_data["source"], form.cleaned_data["target"], user=request.user)
    except services.WorkingGroupError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _(
            "The group “%(source)s” was merged into “%(target)s”: %(moved)d sign-ups moved, "
            "%(skipped)d people were already in the target group."
        ) % {"source": outcome.source.name, "target": outcome.target.name, "moved": outcome.moved,
             "skipped": outcome.already_in_target})
    return _back_to_groups(page.pk)


# Recommendations: marking a version as agreed, handing it to the mayor ---------------------------


def _editable_document(request, pk):
    document = get_object_or_404(GroupRecommendations.objects.select_related("group", "group__area"), pk=pk)
    _require(services.can_edit_recommendations(request.user, document.group))
    return document


def _edit_url(document):
    return reverse(f"{RECOMMENDATIONS_URLS}:edit", args=[document.pk])


@require_admin_access
@forbidden_as_403
def agree_recommendations(request, pk):
    """GET: the saved version to agree, as the public report will show it. POST: mark exactly that
    version (its id comes with the form) as agreed."""
    document = _editable_document(request, pk)
    status = 200
    if request.method == "POST":
        form = AgreeRecommendationsForm(request.POST)
        if form.is_valid():
            revision = Revision.objects.filter(pk=form.cleaned_data["revision"]).first()
            try:
                services.agree(document, user=request.user, revision=revision, note=form.cleaned_data["note"])
            except services.RecommendationsError as exc:
                messages.error(request, exc.message)
                return redirect("participation_recommendations_agree", document.pk)
            messages.success(request, _("The version has been marked as agreed. The public report shows it."))
            return redirect(_edit_url(document))
        status = 400
    else:
        form = AgreeRecommendationsForm(initial={"revision": document.latest_revision_id})
    revision = document.latest_revision
    response = _admin_render(request, "forms/working_groups/admin_recommendations_agree.html", {
        "page_title": _("Mark as agreed: %(group)s") % {"group": document.group.name},
        "header_icon": "list-ul",
        "document": document,
        "revision": revision,
        "version": revision.as_object() if revision else None,
        "form": form,
        "edit_url": _edit_url(document),
        "history_url": reverse(f"{RECOMMENDATIONS_URLS}:history", args=[document.pk]),
        "can_hand_over": services.can_hand_over(request.user) and document.agreed_revision_id is not None,
    })
    response.status_code = status
    return response


@require_admin_access
@forbidden_as_403
def add_signup(request, page_id):
    """Enter a sign-up that arrived by e-mail, phone, on paper or in person (``services.enter_signup``)."""
    _require(services.can_manage(request.user))
    page = get_object_or_404(WorkingGroupSignupPage, pk=page_id)
    status = 200
    if request.method == "POST":
        form = StaffSignupForm(request.POST, page=page)
        if form.is_valid():
            data = form.cleaned_data
            try:
                outcomes = services.enter_signup(
                    page, user=request.user, channel=data["channel"], received_at=data["received_at"],
                    notice_delivery=data["notice_delivery"], groups=data["groups"], full_name=data["full_name"],
                    email=data["email"], phone=data["phone"], represents=data["represents"],
                    motivation=data["motivation"],
                )
            except services.WorkingGroupError as exc:
                form.add_error(None, exc.message)
                status = 409
            else:
                created = [outcome for outcome in outcomes if outcome.created]
                refused = [outcome for outcome in outcomes if not outcome.created]
                if created:
                    for outcome in refused:
                        messages.warning(request, f"{outcome.group.name}: {outcome.message}")
                    messages.success(request, _("%(name)s signed up for: %(groups)s.") % {
                        "name": data["full_name"], "groups": ", ".join(outcome.group.name for outcome in created),
                    })
                    if data["email"]:
                        messages.info(request, _("The confirmation is sent to %(email)s.") % {"email": data["email"]})
                    else:
                        messages.info(request, _(
                            "The person has no e-mail address: a task to call them at %(phone)s has been sent to staff."
                        ) % {"phone": data["phone"]})
                    return _back_to_groups(page.pk)
                for outcome in refused:
                    form.add_error(None, f"{outcome.group.name}: {outcome.message}")
                status = 409
        else:
            status = 400
    else:
        form = StaffSignupForm(page=page)
    response = _admin_render(request, "forms/working_groups/admin_add_signup.html", {
        "page_title": _("Add a working-group sign-up"), "page_subtitle": page.title, "header_icon": "plus",
        "signup_page": page, "form": form, "groups": services.groups_with_counts(page),
    })
    response.status_code = status
    return response


@require_admin_access
@forbidden_as_403
@require_POST
def hand_over_recommendations(request, pk):
    document = _editable_document(request, pk)
    try:
        services.hand_over(document, user=request.user)
    except services.RecommendationsError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The agreed version has been recorded as handed to the mayor."))
    return redirect(_edit_url(document))


def admin_urls():
    return [
        path("participation/recommendations/<int:pk>/agree/", agree_recommendations,
             name="participation_recommendations_agree"),
        path("participation/recommendations/<int:pk>/hand-over/", hand_over_recommendations,
             name="participation_recommendations_hand_over"),
        path("participation/working-groups/<int:page_id>/add/", add_signup, name="participation_add_signup"),
        path("participation/working-groups/", signup_pages, name="participation_working_groups"),
        path("participation/working-groups/<int:page_id>/", signup_page_groups,
             name="participation_working_group_page"),
        path("participation/working-groups/<int:page_id>/merge/", merge_groups, name="participation_merge_groups"),
        path("participation/sign-ups/<int:pk>/decide/", decide_signup, name="participation_decide_signup"),
        path("participation/working-groups/group/<int:pk>/form/", form_group, name="participation_form_group"),
        path("participation/working-groups/group/<int:pk>/members.<str:export_format>", export_group_members,
             name="participation_group_members_export"),
        path("participation/sign-ups/<int:pk>/move/", move_signup, name="participation_move_signup"),
    ]
