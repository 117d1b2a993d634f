"""Point 3 of issue 13: failed logins lock the account and the address (django-axes), with a Polish
message, until a superuser unlocks them or the cool-off has passed, on every login form; Django's admin
is not mounted unless asked; accounts with personal-data access get short, browser-bound sessions."""

import importlib
import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import override_settings
from django.urls import clear_url_caches

from cms.security import SESSION_KEY
from forms.privacy.permissions import ROLE_EDITORS, ROLE_FORM_ADMINS

pytestmark = pytest.mark.django_db

PASSWORD = "poprawne-haslo-2040"


def make_user(username, *groups, superuser=False):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, is_superuser=superuser,
                                                is_staff=superuser)
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


def login(client, username, password, path="/admin/login/", address="203.0.113.10", remember=False):
    data = {"username": username, "password": password, **({"remember": "on"} if remember else {})}
    return client.post(path, data, REMOTE_ADDR=address)


def logged_in(client):
    return "_auth_user_id" in client.session


def test_forty_wrong_passwords_lock_the_account_and_the_right_one_then_fails(client):
    make_user("redaktor", ROLE_EDITORS)
    statuses = [login(client, "redaktor", f"zle-{i}").status_code for i in range(40)]
    assert statuses[:4] == [200] * 4  # the form again, with its error
    assert set(statuses[5:]) == {429}
    response = login(client, "redaktor", PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)
    assert "Logowanie zablokowane" in response.content.decode()


def test_the_account_is_locked_from_any_address_and_the_address_for_any_account(client):
    make_user("redaktor", ROLE_EDITORS)
    make_user("inna", ROLE_EDITORS)
    for i in range(5):
        login(client, "redaktor", f"zle-{i}", address="203.0.113.10")
    assert login(client, "redaktor", PASSWORD, address="198.51.100.20").status_code == 429
    assert login(client, "inna", PASSWORD, address="203.0.113.10").status_code == 429
    assert not logged_in(client)
    # Someone else, from elsewhere, is not affected.
    assert login(client, "inna", PASSWORD, address="198.51.100.30").status_code == 302
    assert logged_in(client)


def test_the_lock_ends_after_the_cool_off(client, settings):
    make_user("redaktor", ROLE_EDITORS)
    for i in range(5):
        login(client, "redaktor", f"zle-{i}")
    assert login(client, "redaktor", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time - timedelta(minutes=16))
    assert login(client, "redaktor", PASSWORD).status_code == 302
    assert logged_in(client)


def test_a_superuser_unlocks_in_the_admin(client):
    make_user("redaktor", ROLE_EDITORS)
    admin = make_user("szef", superuser=True)
    for i in range(5):
        login(client, "redaktor", f"zle-{i}", address="198.51.100.99")
    assert login(client, "redaktor", PASSWORD, address="198.51.100.77").status_code == 429

    editor_client = type(client)()
    editor_client.force_login(make_user("inna", ROLE_EDITORS))
    refused = editor_client.get("/admin/locked-logins/")
    assert refused.status_code in (302, 403) and "redaktor" not in refused.content.decode()

    client.force_login(admin)
    listing = client.get("/admin/locked-logins/").content.decode()
    assert "redaktor" in listing
    for attempt in AccessAttempt.objects.all():
        assert client.post("/admin/locked-logins/", {"attempt": attempt.pk}).status_code == 302
    client.logout()
    assert login(client, "redaktor", PASSWORD, address="198.51.100.77").status_code == 302


@pytest.fixture
def django_admin_urls(settings):
    import cms.urls

    def mount(enabled):
        settings.DJANGO_ADMIN_ENABLED = enabled
        importlib.reload(cms.urls)
        clear_url_caches()

    yield mount
    mount(False)


def test_django_admin_is_not_mounted_unless_asked(client, django_admin_urls):
    django_admin_urls(False)
    assert client.get("/django-admin/login/").status_code == 404
    django_admin_urls(True)
    assert client.get("/django-admin/login/").status_code == 200


def test_the_django_admin_login_locks_the_same_way(client, django_admin_urls):
    django_admin_urls(True)
    make_user("szef", superuser=True)
    for i in range(5):
        login(client, "szef", f"zle-{i}", path="/django-admin/login/")
    # Locked on every login form: this one and Wagtail's.
    assert login(client, "szef", PASSWORD, path="/django-admin/login/").status_code == 429
    assert login(client, "szef", PASSWORD).status_code == 429
    assert not logged_in(client)


def test_personal_data_accounts_get_a_short_browser_session(client, settings):
    make_user("administratorka", ROLE_FORM_ADMINS)
    response = login(client, "administratorka", PASSWORD, remember=True)
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert not cookie["expires"] and not cookie["max-age"]  # ends with the browser, "remember me" or not
    assert client.get("/admin/").status_code == 200
    session = client.session
    session[SESSION_KEY] = int(time.time()) - settings.PERSONAL_DATA_SESSION_SECONDS - 1
    session.save()
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_editors_keep_the_ordinary_session(client):
    make_user("redaktor", ROLE_EDITORS)
    response = login(client, "redaktor", PASSWORD, remember=True)
    assert response.status_code == 302
    assert response.cookies["sessionid"]["max-age"]
    assert SESSION_KEY not in client.session


@override_settings(AXES_FAILURE_LIMIT=5)
def test_production_settings_lock_logins():
    from django.conf import settings

    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
