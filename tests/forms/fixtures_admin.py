"""Fixtures of the personal-data admin: users in the three roles (groups created by migration 0007)
and one small record of every kind of personal data, under the default site."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import Site

from forms.consultations import services as consultations
from forms.models import (
    ConsultationPage,
    FormIndexPage,
    SurveyFormField,
    SurveyPage,
    ThematicArea,
    WorkingGroup,
    WorkingGroupSignupPage,
    WorkshopPage,
    WorkshopSession,
)
from forms.privacy.permissions import ROLE_EDITORS, ROLE_FORM_ADMINS, ROLE_REVIEWERS
from forms.working_groups import services as working_groups
from forms.workshops import services

PASSWORD = "pass"


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    cache.clear()
    yield
    cache.clear()


def make_user(username, *groups):
    user = get_user_model().objects.create_user(username=username, email=f"{username}@example.org", password=PASSWORD)
    for group in groups:
        user.groups.add(group if isinstance(group, Group) else Group.objects.get(name=group))
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def editor(db):
    return make_user("redaktorka", ROLE_EDITORS)


@pytest.fixture
def form_admin(db):
    return make_user("administratorka", ROLE_FORM_ADMINS)


@pytest.fixture
def site_root(db):
    return Site.objects.get(is_default_site=True).root_page


@pytest.fixture
def form_index(site_root):
    index = FormIndexPage(title="Ankiety", slug="ankiety")
    site_root.add_child(instance=index)
    index.save_revision().publish()
    return index


def make_workshop(parent, *, capacities=(2, 30), slug="warsztaty", starts_in=timedelta(days=14), **fields):
    now = timezone.now()
    page = WorkshopPage(
        title=fields.pop("title", "Warsztaty diagnostyczne"), slug=slug, venue="Sala posiedzeń",
        registration_opens_at=now - timedelta(days=30), registration_closes_at=now + timedelta(days=10), **fields,
    )
    parent.add_child(instance=page)
    start = now + starts_in
    for index, capacity in enumerate(capacities):
        WorkshopSession.objects.create(
            page=page, sort_order=index, title=f"Sesja {index + 1}", capacity=capacity,
            starts_at=start + timedelta(hours=2 * index), ends_at=start + timedelta(hours=2 * index + 1),
        )
    page.save_revision().publish()
    return WorkshopPage.objects.get(pk=page.pk)


@pytest.fixture
def workshop(form_index):
    return make_workshop(form_index)


@pytest.fixture
def sessions(workshop):
    return list(workshop.sessions.order_by("sort_order"))


@pytest.fixture
def registration(workshop, sessions):
    return services.register(workshop, sessions=[sessions[0]], full_name="Anna Nowak",
                             email="anna.nowak@example.org", phone="600 100 200")[0].registration


@pytest.fixture
def areas(db):
    return {area.name: area for area in ThematicArea.objects.all()}


@pytest.fixture
def signup_page(form_index, areas):
    now = timezone.now()
    page = WorkingGroupSignupPage(
        title="Grupy robocze", slug="grupy-robocze", signup_opens_at=now - timedelta(days=1),
        signup_closes_at=now + timedelta(days=30), representation_choices="mieszkaniec\nfirma",
    )
    form_index.add_child(instance=page)
    page.save_revision().publish()
    area_list = list(areas.values())
    for order, name in enumerate(("społeczna", "gospodarcza")):
        WorkingGroup.objects.create(page=page, name=name, area=area_list[order], minimum_members=2, sort_order=order)
    return WorkingGroupSignupPage.objects.get(pk=page.pk)


@pytest.fixture
def signup(signup_page):
    group = signup_page.open_groups().first()
    return working_groups.sign_up(
        signup_page, groups=[group], full_name="Anna Nowak", email="anna.nowak@example.org", phone="600 100 200",
        represents="mieszkaniec", motivation="Znam gminę od lat.",
    )[0].signup


@pytest.fixture
def consultation(form_index):
    now = timezone.now()
    page = ConsultationPage(
        title="Konsultacje", slug="konsultacje", starts_at=now - timedelta(days=5), ends_at=now + timedelta(days=35),
        how_to_submit="<p>Formularz.</p>", representation_choices="mieszkaniec\nfirma",
    )
    form_index.add_child(instance=page)
    page.save_revision().publish()
    return ConsultationPage.objects.get(pk=page.pk)


@pytest.fixture
def submission(consultation, areas):
    from tests.forms.admin_helpers import png_upload

    return consultations.submit(
        consultation, full_name="Anna Nowak", email="anna.nowak@example.org", phone="600 100 200",
        represents="mieszkaniec", area=signup_area(areas), title="Więcej ławek", content="Proszę o ławki przy "
        "ul. Długiej 5, mieszkam obok.", place="ul. Długa", attachment=png_upload(),
    )


def signup_area(areas):
    return sorted(areas.values(), key=lambda area: (area.sort_order, area.name))[0]


@pytest.fixture
def survey(form_index):
    page = SurveyPage(
        title="Ankieta", slug="ankieta", to_address="urzad@example.org",
        form_fields=[
            SurveyFormField(label="E-mail", field_type="email", required=False),
            SurveyFormField(label="Co zmienić?", field_type="multiline", required=False),
            SurveyFormField(label="Wiek", field_type="dropdown", choices="do 30\n30-60\npowyżej 60", required=False),
        ],
    )
    form_index.add_child(instance=page)
    page.save_revision().publish()
    return SurveyPage.objects.get(pk=page.pk)


@pytest.fixture
def survey_answer(survey):
    return FormSubmission.objects.create(
        page=survey, form_data={"e_mail": "Anna.Nowak@example.org", "co_zmienic": "Więcej zieleni", "wiek": "30-60"}
    )


@pytest.fixture
def reviewer(signup_page):
    group = signup_page.open_groups().first()
    return make_user("recenzentka", ROLE_REVIEWERS, group.reviewers)
