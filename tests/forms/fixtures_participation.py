"""Small fixtures for the working groups and consultations: pages under the default site's root,
the four thematic areas (created by migration 0005), and admin users in specific groups."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from wagtail.models import Site

from forms.consultations import services as consultations
from forms.models import ConsultationPage, ConsultationReportPage, ThematicArea, WorkingGroup, WorkingGroupSignupPage

AREA_NAMES = ("społeczny", "środowiskowy", "gospodarczy", "przestrzenny")
REPRESENTATION = "mieszkaniec\nrada sołecka\nprzedsiębiorca\naktywista\nfirma\nstowarzyszenie\ninna organizacja"


@pytest.fixture(autouse=True)
def _private_media_root(settings, tmp_path):
    """Attachments of one test never leak into another or into the working tree."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Wagtail caches the sites' root paths: a test that changed the sites must not leave them behind."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site_root(db):
    return Site.objects.get(is_default_site=True).root_page


@pytest.fixture
def areas(db):
    return {area.name: area for area in ThematicArea.objects.filter(name__in=AREA_NAMES)}


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def make_signup_page(parent, *, opens=None, closes=None, slug="grupy-robocze", **fields):
    now = timezone.now()
    page = WorkingGroupSignupPage(
        title="Grupy robocze",
        slug=slug,
        signup_opens_at=opens if opens is not None else now - timedelta(days=1),
        signup_closes_at=closes if closes is not None else now + timedelta(days=30),
        notification_recipients="biuro@example.org",
        representation_choices=REPRESENTATION,
        **fields,
    )
    return publish(parent, page)


@pytest.fixture
def signup_page(site_root, areas):
    page = make_signup_page(site_root)
    for order, (name, area) in enumerate(
        [("społeczna", "społeczny"), ("środowiskowa", "środowiskowy"), ("gospodarcza", "gospodarczy"),
         ("przestrzenna", "przestrzenny")]
    ):
        WorkingGroup.objects.create(page=page, name=name, area=areas[area], minimum_members=2, sort_order=order)
    return page


@pytest.fixture
def groups(signup_page):
    return {group.name: group for group in signup_page.working_groups.all()}


def make_consultation(parent, *, starts_at, days=40, slug="konsultacje", **fields):
    page = ConsultationPage(
        title=fields.pop("title", "Konsultacje społeczne"),
        slug=slug,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(days=days),
        how_to_submit="<p>Przez formularz lub w kancelarii urzędu.</p>",
        notification_recipients="biuro@example.org",
        representation_choices=REPRESENTATION,
        **fields,
    )
    return publish(parent, page)


@pytest.fixture
def consultation(site_root):
    """Open now: started 5 days ago, 40 days long."""
    return make_consultation(site_root, starts_at=timezone.now() - timedelta(days=5))


def add_report(consultation):
    return publish(consultation, ConsultationReportPage(title="Raport", slug="raport"))


def submit(consultation, area, number=1, **fields):
    values = {
        "full_name": f"Jan Zgłaszający{number}",
        "email": f"jan{number}@example.org",
        "phone": f"600 100 {number:03d}",
        "represents": "mieszkaniec",
        "title": f"Propozycja {number}",
        "content": "Treść propozycji.",
        "place": "",
        "area": area,
        **fields,
    }
    return consultations.submit(consultation, **values)


def make_user(username, *, permissions=(), groups=(), superuser=False):
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.org", password="pass", is_superuser=superuser,
        is_staff=superuser,
    )
    admin_access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    user.user_permissions.add(admin_access)
    for codename in permissions:
        user.user_permissions.add(Permission.objects.get(content_type__app_label="strategy_forms", codename=codename))
    for group in groups:
        user.groups.add(group)
    return get_user_model().objects.get(pk=user.pk)  # fresh: no cached permissions


@pytest.fixture
def manager(db):
    return make_user("koordynator", permissions=["manage_working_groups"])


@pytest.fixture
def moderator(db):
    return make_user("moderator", permissions=["moderate_consultation_submissions"])


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "#0b5a2b").save(buffer, "PNG")
    return buffer.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)
