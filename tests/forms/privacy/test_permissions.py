"""Every admin URL that shows or changes personal data: anonymous → login, editor → 403, the role
that may use it → success. The URL patterns are walked, so a new view without a case here fails."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from notifications.models import Notification

pytestmark = pytest.mark.django_db

# Routes (below /admin/) that hold personal data: the registrations viewset and its tools, the GDPR
# tool, the working-group and consultation views, and Wagtail's own form-submission views.
PERSONAL_DATA_PREFIXES = ("registrations/", "personal-data/", "participation/", "forms/", "notifications/")
ADMIN_PREFIXES = tuple(f"admin/{prefix}" for prefix in PERSONAL_DATA_PREFIXES)


def admin_routes():
    """Every route under admin/ with one of the prefixes, as written in the URL patterns."""
    routes = set()

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.startswith(ADMIN_PREFIXES):
                routes.add(route)

    walk(get_resolver().url_patterns, "")
    return routes


@pytest.fixture
def objects(workshop, registration, signup_page, signup, consultation, submission, survey, survey_answer):
    other_group = signup_page.open_groups().exclude(pk=signup.group_id).first()
    return {
        "workshop": workshop, "registration": registration, "signup_page": signup_page, "signup": signup,
        "other_group": other_group, "consultation": consultation, "submission": submission, "survey": survey,
        "survey_answer": survey_answer, "session": registration.session,
        "notification": Notification.objects.filter(page=workshop).first(),
    }


def post_data(**data):
    return data


# route -> (method, function(objects) -> (url kwargs, query or POST data), role that may use it)
CASES = {
    "admin/registrations/": ("get", lambda o: ({}, {"page": o["workshop"].pk}), "form_admin"),
    "admin/registrations/results/": ("get", lambda o: ({}, {"status": "confirmed"}), "form_admin"),
    "admin/registrations/inspect/<int:pk>/": ("get", lambda o: ({"pk": o["registration"].pk}, {}), "form_admin"),
    "admin/registrations/history/<int:pk>/": ("get", lambda o: ({"pk": o["registration"].pk}, {}), "form_admin"),
    "admin/registrations/history-results/<int:pk>/": (
        "get", lambda o: ({"pk": o["registration"].pk}, {}), "form_admin"),
    "admin/registrations/workshops/": ("get", lambda o: ({}, {}), "form_admin"),
    "admin/registrations/bulk/": (
        "post", lambda o: ({}, {"action": "attended", "registration": [o["registration"].pk]}), "form_admin"),
    "admin/registrations/add/<int:page_id>/": ("get", lambda o: ({"page_id": o["workshop"].pk}, {}), "form_admin"),
    "admin/registrations/<int:pk>/move/": ("get", lambda o: ({"pk": o["registration"].pk}, {}), "form_admin"),
    "admin/registrations/<int:pk>/cancel/": ("get", lambda o: ({"pk": o["registration"].pk}, {}), "form_admin"),
    "admin/registrations/<int:pk>/resend/": ("get", lambda o: ({"pk": o["registration"].pk}, {}), "form_admin"),
    # Without an open offer the POST changes nothing and redirects with the reason.
    "admin/registrations/<int:pk>/accept-offer/": (
        "post", lambda o: ({"pk": o["registration"].pk}, {}), "form_admin"),
    "admin/registrations/calls/": ("get", lambda o: ({}, {}), "form_admin"),
    "admin/registrations/sessions/<int:session_id>/cancel/": (
        "get", lambda o: ({"session_id": o["session"].pk}, {}), "form_admin"),
    "admin/registrations/workshops/<int:page_id>/cancel/": (
        "get", lambda o: ({"page_id": o["workshop"].pk}, {}), "form_admin"),
    "admin/registrations/sessions/<int:session_id>/attendance/": (
        "get", lambda o: ({"session_id": o["session"].pk}, {}), "form_admin"),
    # The door check-in (issue 15): the screen, one tap, a walk-in, and where the QR code leads.
    "admin/registrations/sessions/<int:session_id>/check-in/": (
        "get", lambda o: ({"session_id": o["session"].pk}, {"q": "Anna"}), "form_admin"),
    "admin/registrations/<int:pk>/check-in/": (
        "post", lambda o: ({"pk": o["registration"].pk}, {"action": "in"}), "form_admin"),
    "admin/registrations/sessions/<int:session_id>/walk-in/": (
        "post", lambda o: ({"session_id": o["session"].pk},
                           {"full_name": "Jan Z Ulicy", "phone": "600 900 900", "consent": "on"}), "form_admin"),
    "admin/registrations/check-in/<str:code>/": (
        "get", lambda o: ({"code": o["registration"].check_in_code}, {}), "form_admin"),
    "admin/personal-data/": ("get", lambda o: ({}, {}), "form_admin"),
    "admin/participation/working-groups/": ("get", lambda o: ({}, {}), "form_admin"),
    "admin/participation/working-groups/<int:page_id>/": (
        "get", lambda o: ({"page_id": o["signup_page"].pk}, {}), "form_admin"),
    "admin/participation/working-groups/<int:page_id>/merge/": (
        "post", lambda o: ({"page_id": o["signup_page"].pk},
                           {"source": o["other_group"].pk, "target": o["signup"].group_id}), "form_admin"),
    "admin/participation/sign-ups/<int:pk>/decide/": (
        "post", lambda o: ({"pk": o["signup"].pk}, {"decision": "accept"}), "form_admin"),
    # Marking a group as formed tells its people; the members' export is personal data.
    "admin/participation/working-groups/group/<int:pk>/form/": (
        "get", lambda o: ({"pk": o["signup"].group_id}, {}), "form_admin"),
    "admin/participation/working-groups/group/<int:pk>/members.<str:export_format>": (
        "get", lambda o: ({"pk": o["signup"].group_id, "export_format": "xlsx"}, {}), "form_admin"),
    "admin/participation/sign-ups/<int:pk>/move/": (
        "post", lambda o: ({"pk": o["signup"].pk}, {"group": o["other_group"].pk}), "form_admin"),
    # Entering what arrived by e-mail, phone or on paper: form administrators (they manage and moderate).
    "admin/participation/working-groups/<int:page_id>/add/": (
        "get", lambda o: ({"page_id": o["signup_page"].pk}, {}), "form_admin"),
    "admin/participation/consultations/<int:page_id>/add-submission/": (
        "get", lambda o: ({"page_id": o["consultation"].pk}, {}), "form_admin"),
    "admin/participation/submissions/": ("get", lambda o: ({}, {}), "form_admin"),
    "admin/participation/submissions/<int:pk>/": ("get", lambda o: ({"pk": o["submission"].pk}, {}), "form_admin"),
    "admin/participation/submissions/<int:pk>/moderate/": (
        "post", lambda o: ({"pk": o["submission"].pk}, {"decision": "accept", "area": o["submission"].area_id}),
        "form_admin"),
    # Assessing is the reviewers' work (their group's area); form administrators moderate.
    "admin/participation/submissions/<int:pk>/assess/": (
        "post", lambda o: ({"pk": o["submission"].pk},
                           {"recommendation": "include", "justification": "Zasadne.", "trends": "", "version": 0}),
        "reviewer"),
    "admin/participation/submissions/<int:pk>/attachment/": (
        "get", lambda o: ({"pk": o["submission"].pk}, {}), "form_admin"),
    # The recommendations hold no personal data, but only their group's reviewers (and form administrators)
    # may agree them; handing them to the mayor is the office's step.
    "admin/participation/recommendations/<int:pk>/agree/": (
        "get", lambda o: ({"pk": o["signup"].group.recommendations.pk}, {}), "reviewer"),
    "admin/participation/recommendations/<int:pk>/hand-over/": (
        "post", lambda o: ({"pk": o["signup"].group.recommendations.pk}, {}), "form_admin"),
    "admin/forms/": ("get", lambda o: ({}, {}), "form_admin"),
    "admin/forms/results/": ("get", lambda o: ({}, {}), "form_admin"),
    "admin/forms/submissions/<int:page_id>/": ("get", lambda o: ({"page_id": o["workshop"].pk}, {}), "form_admin"),
    "admin/forms/submissions/<int:page_id>/results/": (
        "get", lambda o: ({"page_id": o["consultation"].pk}, {}), "form_admin"),
    # Survey answers may be deleted (registrations and the other records may not: see test_exports).
    "admin/forms/submissions/<int:page_id>/delete/": (
        "get", lambda o: ({"page_id": o["survey"].pk}, {"selected-submissions": o["survey_answer"].pk}),
        "form_admin"),
    # The outbox holds recipients' addresses. Nobody adds, edits or deletes its rows ("nobody").
    "admin/notifications/": ("get", lambda o: ({}, {"page": o["workshop"].pk}), "form_admin"),
    "admin/notifications/results/": ("get", lambda o: ({}, {}), "form_admin"),
    "admin/notifications/inspect/<int:pk>/": ("get", lambda o: ({"pk": o["notification"].pk}, {}), "form_admin"),
    # Wagtail's history view needs add/change/delete; re-sends are logged on the new row's inspect page.
    "admin/notifications/history/<int:pk>/": ("get", lambda o: ({"pk": o["notification"].pk}, {}), "nobody"),
    "admin/notifications/history-results/<int:pk>/": (
        "get", lambda o: ({"pk": o["notification"].pk}, {}), "nobody"),
    "admin/notifications/resend/<str:pk>/": ("get", lambda o: ({"pk": o["notification"].pk}, {}), "form_admin"),
    "admin/notifications/new/": ("get", lambda o: ({}, {}), "nobody"),
    "admin/notifications/edit/<int:pk>/": ("get", lambda o: ({"pk": o["notification"].pk}, {}), "nobody"),
    "admin/notifications/delete/<int:pk>/": ("get", lambda o: ({"pk": o["notification"].pk}, {}), "nobody"),
    "admin/notifications/usage/<int:pk>/": ("get", lambda o: ({"pk": o["notification"].pk}, {}), "nobody"),
}


# GET routes that answer the allowed role with a redirect (the QR code's address opens the check-in screen).
REDIRECTING_GETS = {"admin/registrations/check-in/<str:code>/"}


def url_for(route, kwargs):
    path = "/" + route
    for name, value in kwargs.items():
        path = path.replace(f"<int:{name}>", str(value)).replace(f"<str:{name}>", str(value))
    assert "<" not in path, path
    return path


def test_every_personal_data_route_has_a_case():
    routes = admin_routes()
    assert routes, "no admin routes found"
    missing = routes - set(CASES)
    assert not missing, f"personal-data admin views without a permission test case: {sorted(missing)}"
    assert not set(CASES) - routes, "cases for routes that no longer exist"


@pytest.mark.parametrize("route", sorted(CASES))
def test_anonymous_is_sent_to_login_and_editor_gets_403(route, objects, client, editor):
    method, build, _role = CASES[route]
    kwargs, data = build(objects)
    url = url_for(route, kwargs)

    response = getattr(client, method)(url, data)
    assert response.status_code == 302, (route, response.status_code)
    assert response["Location"].startswith("/admin/login/"), response["Location"]

    client.force_login(editor)
    response = getattr(client, method)(url, data)
    assert response.status_code == 403, (route, response.status_code)


@pytest.mark.parametrize("route", sorted(CASES))
def test_the_role_that_may_use_the_view_gets_it(route, objects, client, form_admin, reviewer):
    method, build, role = CASES[route]
    kwargs, data = build(objects)
    if route.endswith("/assess/"):
        from forms.consultations import services as consultations

        consultations.moderate(objects["submission"], user=form_admin, accept=True)
    if "check-in/" in route or "walk-in/" in route:
        from tests.forms.fixtures_workshops import starting_today

        starting_today(objects["session"])  # the door opens on the session's day
    client.force_login(form_admin if role == "nobody" else {"form_admin": form_admin, "reviewer": reviewer}[role])
    response = getattr(client, method)(url_for(route, kwargs), data)
    expected = 403 if role == "nobody" else 200 if method == "get" and route not in REDIRECTING_GETS else 302
    assert response.status_code == expected, (route, response.status_code)


def test_reviewer_without_the_personal_data_role_gets_403_on_registrations(objects, client, reviewer):
    client.force_login(reviewer)
    for route in ("admin/registrations/", "admin/personal-data/", "admin/forms/submissions/<int:page_id>/"):
        kwargs = {"page_id": objects["workshop"].pk} if "page_id" in route else {}
        assert client.get(url_for(route, kwargs)).status_code == 403, route


def test_editor_can_edit_pages_images_and_documents_but_sees_no_personal_data(objects, client, editor):
    client.force_login(editor)
    assert client.get(f"/admin/pages/{objects['workshop'].pk}/edit/").status_code == 200
    assert client.get("/admin/images/add/").status_code == 200
    assert client.get("/admin/documents/add/").status_code == 200
    dashboard = client.get("/admin/").content.decode()
    assert "anna.nowak@example.org" not in dashboard
    assert "Anna Nowak" not in dashboard
    # The outbox holds recipients' addresses: not for editors either.
    from django.urls import reverse

    from notifications.views import notification_viewset

    assert client.get(reverse(notification_viewset.get_url_name("index"))).status_code == 403
    editor_page = client.get(f"/admin/pages/{objects['workshop'].pk}/edit/").content.decode()
    assert "anna.nowak@example.org" not in editor_page


def test_menu_shows_registrations_to_form_administrators_only(objects, client, editor, form_admin):
    client.force_login(form_admin)
    assert "/admin/registrations/" in client.get("/admin/").content.decode()
    client.force_login(editor)
    assert "/admin/registrations/" not in client.get("/admin/").content.decode()


def test_roles_exist_with_polish_names_and_the_right_permissions(db):
    from django.contrib.auth.models import Group
    from wagtail.models import GroupCollectionPermission, GroupPagePermission

    editors = Group.objects.get(name="Redaktorzy")
    form_admins = Group.objects.get(name="Administratorzy formularzy")
    reviewers = Group.objects.get(name="Recenzenci grup roboczych")

    def codenames(group):
        return set(group.permissions.values_list("codename", flat=True))

    assert "access_admin" in codenames(editors)
    assert not codenames(editors) & {"view_personal_data", "manage_working_groups",
                                     "moderate_consultation_submissions", "view_notification"}
    assert {"view_personal_data", "manage_working_groups", "moderate_consultation_submissions",
            "view_notification", "add_dataprotectionnotice"} <= codenames(form_admins)
    assert codenames(reviewers) == {"access_admin", "assess_consultation_submissions"}
    for group in (editors, form_admins):
        page_permissions = set(GroupPagePermission.objects.filter(group=group)
                               .values_list("permission__codename", flat=True))
        assert {"add_page", "change_page", "publish_page"} <= page_permissions
        collection_permissions = set(GroupCollectionPermission.objects.filter(group=group)
                                     .values_list("permission__codename", flat=True))
        assert {"add_image", "choose_image", "add_document", "choose_document"} <= collection_permissions
