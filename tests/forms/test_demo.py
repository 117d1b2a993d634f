"""forms.demo.load: the "Ankiety" section with the 17 January workshop evening, moved to a future Friday."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from wagtail.models import Page

from forms import demo
from forms.models import FormIndexPage, SurveyPage, WorkshopPage
from forms.workshops import demo as workshop_demo
from strategy_pages.models import HomePage, NewsIndexPage, NewsPage

pytestmark = pytest.mark.django_db
WARSAW = ZoneInfo("Europe/Warsaw")


@pytest.fixture
def pages():
    home = HomePage(title="Strategia", slug="strategia")
    Page.get_first_root_node().add_child(instance=home)
    news_index = NewsIndexPage(title="Aktualności", slug="aktualnosci")
    home.add_child(instance=news_index)
    article = NewsPage(title="Burmistrz zaprasza", slug="burmistrz-zaprasza", intro="Warsztaty 17 stycznia.")
    news_index.add_child(instance=article)
    return {"home": home, "news_index": news_index, "news_article": article}


def test_demo_evening_is_a_friday_at_least_a_week_ahead():
    for offset in range(14):
        today = datetime.date(2025, 1, 8) + datetime.timedelta(days=offset)
        evening = demo.demo_evening(today)
        assert evening.weekday() == 4
        assert datetime.timedelta(days=7) <= evening - today < datetime.timedelta(days=14)


def test_load_builds_the_section_and_is_idempotent(pages):
    demo.load(pages)
    demo.load(pages)

    index = FormIndexPage.objects.get()
    assert (index.slug, index.get_parent().pk) == ("ankiety", pages["home"].pk)
    workshop = WorkshopPage.objects.get()
    # The title names the day the sessions are on (it goes into calendar entries and mails).
    evening = timezone.localtime(workshop.sessions.order_by("starts_at").first().starts_at, WARSAW).date()
    assert evening == demo.demo_evening()
    assert workshop.title == workshop_demo.workshop_title(evening)
    months = ["stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września",
              "października", "listopada", "grudnia"]
    assert workshop.title == f"Warsztaty diagnostyczne – {evening.day} {months[evening.month - 1]}"
    assert workshop.slug == "warsztaty-diagnostyczne"
    assert workshop.venue == "Sala posiedzeń Urzędu Miasta i Gminy Konstancin-Jeziorna, ul. Piaseczyńska 77"
    assert workshop.live and workshop.registration_is_open()
    sessions = list(workshop.sessions.order_by("sort_order"))
    def local(moment):
        return timezone.localtime(moment, WARSAW).strftime("%H:%M")

    hours = [(local(s.starts_at), local(s.ends_at)) for s in sessions]
    assert hours == [("17:00", "18:30"), ("18:30", "20:00"), ("20:00", "21:30")]
    assert [s.capacity for s in sessions] == [30, 30, 30]
    assert [s.title for s in sessions] == ["Obszar społeczny", "Obszar gospodarczy", "Obszar środowiskowo-przestrzenny"]
    assert SurveyPage.objects.count() == 1
    article = NewsPage.objects.get()
    assert (article.action_page_id, article.action_label) == (workshop.pk, "Zapisz się na warsztaty")


def test_a_past_demo_evening_is_moved_forward_keeping_its_sessions(pages):
    workshop = demo.load(pages)["workshop"]
    session_ids = set(workshop.sessions.values_list("pk", flat=True))
    past = timezone.now() - datetime.timedelta(days=30)
    workshop.sessions.update(starts_at=past, ends_at=past + datetime.timedelta(hours=1))

    demo.load(pages)

    assert set(workshop.sessions.values_list("pk", flat=True)) == session_ids
    assert all(s.starts_at > timezone.now() for s in workshop.sessions.all())
    workshop.refresh_from_db()
    evening = timezone.localtime(workshop.sessions.order_by("starts_at").first().starts_at, WARSAW).date()
    assert workshop.title == workshop_demo.workshop_title(evening)


def test_an_old_demo_named_after_another_day_is_renamed_after_its_sessions(pages):
    workshop = demo.load(pages)["workshop"]
    WorkshopPage.objects.filter(pk=workshop.pk).update(
        title="Warsztaty diagnostyczne – 17 stycznia", slug="warsztaty-diagnostyczne-17-stycznia"
    )
    demo.load(pages)
    workshop = WorkshopPage.objects.get()
    evening = timezone.localtime(workshop.sessions.order_by("starts_at").first().starts_at, WARSAW).date()
    assert "17 stycznia" not in workshop.title or evening.day == 17
    assert workshop.title == workshop_demo.workshop_title(evening)
    assert workshop.slug == "warsztaty-diagnostyczne"
