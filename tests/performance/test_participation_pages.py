"""The working-group sign-up, consultation, consultation report and survey pages (issue 22): their
content comes from the fragment cache with the CSRF token filled in fresh, in a few queries that do not
grow with the number of groups, sign-ups, submissions or areas, and nothing they show is ever stale —
a sign-up, a group that changes, the consultation period ending, the report being published."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.contrib.forms.models import FORM_FIELD_CHOICES

from forms.models import (
    Assessment,
    ConsultationSubmission,
    SurveyFormField,
    SurveyPage,
    ThematicArea,
    WorkingGroup,
    WorkingGroupSignup,
)
from forms.working_groups import services as working_groups
from strategy_pages import caching
from tests.forms.fixtures_participation import (
    add_report,
    areas,  # noqa: F401 - fixture
    make_consultation,
    make_signup_page,
    manager,  # noqa: F401 - fixture
    publish,
    submit,
)

from .conftest import count_queries

MAX_QUERIES = 12
PAGES = ["working_groups", "consultation", "report", "survey"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def participation(site_pages, areas):  # noqa: F811 - fixture
    """Under the site's form index: a sign-up page with four groups, an open consultation, an ended one
    with its report and three assessed submissions, and a survey."""
    form_index = site_pages["workshop"].get_parent().specific
    signup_page = make_signup_page(form_index)
    for order, area in enumerate(areas.values()):
        WorkingGroup.objects.create(page=signup_page, name=f"grupa {order}", area=area, sort_order=order)
    now = timezone.now()
    open_consultation = make_consultation(form_index, starts_at=now - timedelta(days=5), slug="konsultacje")
    ended = make_consultation(form_index, starts_at=now - timedelta(days=50), slug="konsultacje-zakonczone",
                              title="Konsultacje zakończone")
    report = add_report(ended)
    add_assessed(ended, list(areas.values()), 3)
    survey = SurveyPage(title="Ankieta", slug="ankieta", intro="<p>Prosimy o odpowiedzi.</p>")
    publish(form_index, survey)
    for order, label in enumerate(["Imię", "Uwagi"]):
        SurveyFormField.objects.create(page=survey, sort_order=order, label=label, field_type="singleline",
                                       required=False)
    survey.save_revision().publish()
    assert "singleline" in dict(FORM_FIELD_CHOICES)
    cache.clear()
    return {"working_groups": signup_page, "consultation": open_consultation, "ended": ended, "report": report,
            "survey": survey, "areas": list(areas.values())}


def add_assessed(consultation, area_list, count, start=0):
    """``count`` accepted, assessed submissions of an ended consultation (entered as staff would)."""
    for number in range(start, start + count):
        area = area_list[number % len(area_list)]
        submission = ConsultationSubmission.objects.create(
            page=consultation, full_name=f"Osoba {number}", email=f"osoba{number}@example.org",
            represents="mieszkaniec", area=area, title=f"Propozycja {number}", content="Treść.",
            status=ConsultationSubmission.Status.ACCEPTED, reference=f"K/{consultation.pk}/{number}", form_data={},
        )
        Assessment.objects.create(submission=submission, recommendation=Assessment.Recommendation.INCLUDE,
                                  justification=f"Uzasadnienie {number}.")


def url(participation, name):
    return participation[name].url


@pytest.fixture
def default_caches(settings):
    settings.PAGE_CACHE_SECONDS, settings.FRAGMENT_CACHE_SECONDS = 300, 3600
    cache.clear()
    yield
    cache.clear()


def warm_queries(page_url):
    """Queries of a view once the first one has built the fragments, and the two responses."""
    _, first = count_queries(page_url)
    with CaptureQueriesContext(connection) as captured:
        queries, second = count_queries(page_url)
    assert queries <= MAX_QUERIES, f"{page_url}: {queries} queries:\n" + "\n".join(
        query["sql"][:200] for query in captured.captured_queries
    )
    return queries, first, second


@pytest.mark.parametrize("page_name", PAGES)
def test_content_from_the_fragment_cache_in_few_queries(participation, default_caches, page_name):
    queries, first, second = warm_queries(url(participation, page_name))
    assert queries <= 2, f"{page_name}: {queries} queries"
    # The same page, each visitor with a token of their own (or none on the report).
    assert CSRF.sub("CSRF", second.content.decode()) == CSRF.sub("CSRF", first.content.decode())


@pytest.mark.parametrize("page_name", PAGES)
def test_cached_content_is_what_every_cache_off_renders(participation, settings, page_name):
    settings.PAGE_CACHE_SECONDS, settings.FRAGMENT_CACHE_SECONDS, settings.ROUTE_MEMO = 0, 0, False
    _, uncached = count_queries(url(participation, page_name))
    settings.PAGE_CACHE_SECONDS, settings.FRAGMENT_CACHE_SECONDS, settings.ROUTE_MEMO = 300, 3600, True
    cache.clear()
    _, _first, cached = warm_queries(url(participation, page_name))
    assert CSRF.sub("CSRF", cached.content.decode()) == CSRF.sub("CSRF", uncached.content.decode())


@pytest.mark.parametrize("page_name", ["working_groups", "consultation", "survey"])
def test_each_visitor_gets_a_token_that_posts(participation, default_caches, page_name):
    """The cached form carries the visitor's own CSRF token: a post with it passes the CSRF check."""
    page_url = url(participation, page_name)
    Client().get(page_url)  # fills the cache with another visitor's view
    client = Client(enforce_csrf_checks=True)
    response = client.get(page_url)
    token = CSRF.search(response.content.decode()).group(1)
    posted = client.post(page_url, {"csrfmiddlewaretoken": token})
    assert posted.status_code in (200, 400), posted.status_code  # the form's answer, not the CSRF 403


@pytest.mark.parametrize("fragment_cache_seconds", [0, 3600])
@pytest.mark.parametrize("page_name", PAGES)
def test_each_page_needs_at_most_12_queries(participation, settings, page_name, fragment_cache_seconds):
    settings.PAGE_CACHE_SECONDS, settings.FRAGMENT_CACHE_SECONDS = 0, fragment_cache_seconds
    queries, _, page = warm_queries(url(participation, page_name))
    assert queries <= MAX_QUERIES
    assert participation[page_name].title in page.content.decode()


def grow(participation):
    """Many more groups, sign-ups, submissions (assessed ones in the report) and areas."""
    extra_areas = [ThematicArea.objects.create(name=f"obszar {number}", sort_order=10 + number) for number in range(8)]
    all_areas = [*participation["areas"], *extra_areas]
    signup_page = participation["working_groups"]
    groups = [WorkingGroup.objects.create(page=signup_page, name=f"nowa grupa {number}", area=all_areas[number % 12],
                                          sort_order=10 + number) for number in range(26)]
    WorkingGroupSignup.objects.bulk_create([
        WorkingGroupSignup(page=signup_page, group=groups[number % len(groups)], full_name=f"Osoba {number}",
                           email=f"osoba{number}@example.org", represents="mieszkaniec", form_data={})
        for number in range(150)
    ])
    for number in range(40):
        submit(participation["consultation"], all_areas[number % 12], number=number)
    add_assessed(participation["ended"], all_areas, 60, start=3)
    caching.invalidate()


@pytest.mark.parametrize("fragment_cache_seconds", [0, 3600])
def test_queries_do_not_grow_with_groups_signups_submissions_and_areas(participation, settings,
                                                                       fragment_cache_seconds):
    settings.PAGE_CACHE_SECONDS, settings.FRAGMENT_CACHE_SECONDS = 0, fragment_cache_seconds

    def counts():
        """Per page, the queries of the first view after the cache is cleared and of the next one (a view
        before them sets up what a running process keeps, as in test_query_counts)."""
        result = {}
        for name in PAGES:
            count_queries(url(participation, name))
            cache.clear()
            result[name] = (count_queries(url(participation, name))[0], warm_queries(url(participation, name))[0])
        return result

    before = counts()
    grow(participation)
    after = counts()
    assert after == before
    report = Client().get(url(participation, "report")).content.decode()
    assert "Propozycja 62" in report and "obszar 7" in report  # the larger report was rendered


# --- nothing stale --------------------------------------------------------------------------------

def fresh_content(page_url):
    """The page as served now, after a view that may have filled the cache."""
    return Client().get(page_url).content.decode()


def test_a_new_signup_starts_a_new_cache_generation(participation, default_caches,
                                                    django_capture_on_commit_callbacks):
    """Nothing on the page counts sign-ups today, but whatever comes to show them (a group formed) is
    never stale: a sign-up replaces the cached content from its commit on."""
    page = participation["working_groups"]
    warm, _, _ = warm_queries(page.url)
    generation = caching.current_generation()
    with django_capture_on_commit_callbacks(execute=True):
        working_groups.sign_up(page, groups=list(page.open_groups()[:1]), full_name="Anna Nowa",
                               email="anna@example.org", phone="", represents="mieszkaniec", motivation="")
    assert caching.current_generation() > generation
    rebuilt, _ = count_queries(page.url)
    assert rebuilt > warm  # the content was rendered again, not taken from the cache


def test_a_group_that_changes_shows_at_once(participation, default_caches, manager,  # noqa: F811
                                            django_capture_on_commit_callbacks):
    page = participation["working_groups"]
    assert "grupa 0" in fresh_content(page.url)
    group = page.working_groups.get(name="grupa 0")
    with django_capture_on_commit_callbacks(execute=True):
        group.name = "grupa zawiązana"
        group.save()
    assert "grupa zawiązana" in fresh_content(page.url)
    source, target = page.working_groups.order_by("sort_order")[1:3]
    with django_capture_on_commit_callbacks(execute=True):
        working_groups.merge(source, target, user=manager)
    assert f'value="{source.pk}"' not in fresh_content(page.url)  # merged groups are no longer offered


def test_the_consultation_period_ending_shows_at_once(participation, default_caches, monkeypatch):
    consultation, report = participation["consultation"], add_report(participation["consultation"])
    cache.clear()
    assert 'name="title"' in fresh_content(consultation.url)
    assert "report-summary" not in fresh_content(report.url)
    after_the_end = consultation.ends_at + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: after_the_end)
    assert 'name="title"' not in fresh_content(consultation.url)
    assert "report-summary" in fresh_content(report.url)


def test_the_report_being_published_shows_at_once(participation, default_caches,
                                                  django_capture_on_commit_callbacks):
    consultation = participation["consultation"]
    assert "/raport/" not in fresh_content(consultation.url)
    with django_capture_on_commit_callbacks(execute=True):
        add_report(consultation)
    assert "/raport/" in fresh_content(consultation.url)


def test_a_new_assessment_shows_in_the_report_at_once(participation, default_caches,
                                                      django_capture_on_commit_callbacks):
    report_url, ended = url(participation, "report"), participation["ended"]
    assert "Propozycja 3" not in fresh_content(report_url)
    with django_capture_on_commit_callbacks(execute=True):
        add_assessed(ended, participation["areas"], 1, start=3)
    assert "Propozycja 3" in fresh_content(report_url)
    assessment = Assessment.objects.get(submission__title="Propozycja 3")
    with django_capture_on_commit_callbacks(execute=True):
        assessment.justification = "Nowe uzasadnienie grupy."
        assessment.save()
    assert "Nowe uzasadnienie grupy." in fresh_content(report_url)
