"""The page editor as the editors ("Redaktorzy") use it (issue 14, points 10–13): no page before it is
saved, Polish dates typed and read back, Polish messages, the default workflow in Polish, no Gravatar."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Task, Workflow
from wagtail.test.utils.form_data import nested_form_data, streamfield

from strategy_pages.models import NewsPage

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def editor_client(client):
    user = get_user_model().objects.create_user("redaktorka", "redaktorka@example.org", "haslo-testowe")
    user.groups.add(Group.objects.get(name="Redaktorzy"))
    client.force_login(user)
    return client


def add_url(news_index):
    return reverse("wagtailadmin_pages:add", args=["strategy_pages", "newspage", news_index.pk])


def article_data(action="action-publish", **fields):
    data = nested_form_data({
        "title": "Zaproszenie na spotkanie", "slug": "zaproszenie-na-spotkanie", "date": "01.02.2027",
        "intro": "Wstęp.", "body": streamfield([]), **fields,
    })
    if action:
        data[action] = action
    return data


def test_the_add_form_is_not_autosaved_and_an_autosave_post_creates_nothing(editor_client, news_index):
    page = editor_client.get(add_url(news_index))
    assert page.status_code == 200
    assert "data-w-autosave-interval-value" not in page.content.decode()

    # What Wagtail's autosave would post (it asks for JSON) creates no page.
    response = editor_client.post(add_url(news_index), article_data(action=None), **JSON)

    assert response.status_code == 400
    assert response.json()["error_message"] == "Strona powstanie, gdy ją zapiszesz."
    assert not NewsPage.objects.filter(slug="zaproszenie-na-spotkanie").exists()


def test_the_edit_form_is_still_autosaved(editor_client, news_article):
    page = editor_client.get(reverse("wagtailadmin_pages:edit", args=[news_article.pk]))
    assert "data-w-autosave-interval-value" in page.content.decode()


def test_a_slug_clash_is_told_in_polish(editor_client, news_index):
    assert editor_client.post(add_url(news_index), article_data()).status_code == 302

    again = editor_client.post(add_url(news_index), article_data())

    assert again.status_code == 200
    assert again.context["form"].errors["slug"] == [
        "Adres „zaproszenie-na-spotkanie” jest już używany przez inną stronę w tym samym miejscu. Zmień go."
    ]
    assert NewsPage.objects.filter(slug="zaproszenie-na-spotkanie").count() == 1


def test_go_live_typed_in_polish_schedules_the_article(editor_client, news_index):
    response = editor_client.post(add_url(news_index), article_data(go_live_at="17.01.2030 17:15"))

    assert response.status_code == 302, response.context["form"].errors
    article = NewsPage.objects.get(slug="zaproszenie-na-spotkanie")
    scheduled = article.get_latest_revision().approved_go_live_at
    assert timezone.localtime(scheduled).replace(tzinfo=None) == datetime.datetime(2030, 1, 17, 17, 15)
    assert not article.live


def test_an_unreadable_go_live_date_is_an_error_and_is_kept(editor_client, news_index):
    response = editor_client.post(add_url(news_index), article_data(go_live_at="17/01/2030 5pm"))

    assert response.status_code == 200
    assert response.context["form"].errors["go_live_at"] == [
        "Nie rozpoznano daty i godziny. Wpisz je w formacie DD.MM.RRRR GG:MM, np. 17.01.2027 17:00."
    ]
    assert 'value="17/01/2030 5pm"' in response.content.decode()
    assert not NewsPage.objects.filter(slug="zaproszenie-na-spotkanie").exists()


def test_dates_are_shown_in_polish_format_with_the_pickers_script(editor_client, news_article):
    news_article.go_live_at = timezone.make_aware(datetime.datetime(2030, 1, 17, 9, 45))
    news_article.save_revision()
    html = editor_client.get(reverse("wagtailadmin_pages:edit", args=[news_article.pk])).content.decode()

    go_live_input = re.search(r'<input[^>]*name="go_live_at"[^>]*>', html).group()
    assert 'value="17.01.2030 09:45"' in go_live_input
    # The picker script (15-minute steps, typed text kept) and the Polish format hint.
    assert "strategy_pages/js/admin-date-pickers" in html and 'data-datetime-hint="DD.MM.RRRR GG:MM"' in html


def test_the_default_workflow_and_its_task_are_named_in_polish():
    assert list(Workflow.objects.values_list("name", flat=True)) == ["Zatwierdzenie przez moderatorów"]
    assert list(Task.objects.values_list("name", flat=True)) == ["Zatwierdzenie przez moderatorów"]


def test_the_admins_javascript_strings_are_polish(editor_client):
    catalog = editor_client.get(reverse("wagtailadmin_javascript_catalog")).content.decode()
    assert "Trwa automatyczny zapis" in catalog


def test_no_avatar_comes_from_gravatar(editor_client, news_article, settings):
    settings.WAGTAIL_GRAVATAR_PROVIDER_URL = "//www.gravatar.com/avatar"
    assert "gravatar.com" in editor_client.get(reverse("wagtailadmin_account")).content.decode()  # Wagtail's default
    settings.WAGTAIL_GRAVATAR_PROVIDER_URL = None  # cms/settings/base.py
    for url in (reverse("wagtailadmin_home"), reverse("wagtailadmin_pages:edit", args=[news_article.pk]),
                reverse("wagtailadmin_account")):
        html = editor_client.get(url).content.decode()
        assert "gravatar" not in html.lower(), url
