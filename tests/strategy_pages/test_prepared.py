"""prepared_query: the same rows as the queryset, from SQL compiled once per distinct call, read afresh."""

import datetime
import threading
from unittest import mock

import pytest
from django.contrib.auth.models import Group, User
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import Page

from strategy_pages.prepared import prepared_query

pytestmark = pytest.mark.django_db


@prepared_query
def tags_named(*names):
    return Tag.objects.filter(name__in=names).order_by("name")


@prepared_query
def tag_slugs():
    return Tag.objects.order_by("slug").values_list("slug", flat=True)


@prepared_query
def tag_rows():
    return Tag.objects.order_by("slug").values_list("pk", "slug")


@prepared_query
def pages_with_types():
    return Page.objects.select_related("content_type").only("title", "content_type__model").order_by("path")


@prepared_query
def users_with_groups():
    return User.objects.prefetch_related("groups").order_by("username")


@prepared_query(moments=("now",))
def joined_before(now):
    return User.objects.filter(date_joined__lt=now).order_by("username")


@pytest.fixture(autouse=True)
def fresh_compilations():
    for prepared in (tags_named, tag_slugs, tag_rows, pages_with_types, users_with_groups, joined_before):
        prepared.cache_clear()


def compilations():
    """A spy on Django's SQL compiler: how many SELECTs were compiled."""
    return mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql)


def test_rows_equal_those_of_the_queryset_and_later_calls_compile_nothing():
    Tag.objects.create(name="Zieleń", slug="zielen")
    Tag.objects.create(name="Drogi", slug="drogi")
    Tag.objects.create(name="Szkoły", slug="szkoly")
    with compilations() as compiled:
        first = tags_named("Zieleń", "Drogi")
        second = tags_named("Zieleń", "Drogi")
        third = tags_named("Zieleń", "Drogi")
    assert compiled.call_count == 1
    expected = list(Tag.objects.filter(name__in=["Zieleń", "Drogi"]).order_by("name"))
    assert first == second == third == expected
    assert [tag.slug for tag in third] == ["drogi", "zielen"]
    assert first[0] is not second[0]  # new instances on every call, never a kept result


def test_each_distinct_call_has_its_own_sql():
    Tag.objects.create(name="Zieleń", slug="zielen")
    Tag.objects.create(name="Drogi", slug="drogi")
    with compilations() as compiled:
        assert [tag.name for tag in tags_named("Drogi")] == ["Drogi"]
        assert [tag.name for tag in tags_named("Zieleń")] == ["Zieleń"]
        assert [tag.name for tag in tags_named("Drogi")] == ["Drogi"]
    assert compiled.call_count == 2
    assert tags_named.cache_info().currsize == 2


def test_every_call_reads_the_database_again():
    assert tag_slugs() == []
    Tag.objects.create(name="Drogi", slug="drogi")
    assert tag_slugs() == ["drogi"]
    Tag.objects.filter(slug="drogi").update(slug="drogi-gminne")
    Tag.objects.create(name="Zieleń", slug="zielen")
    assert tag_slugs() == ["drogi-gminne", "zielen"]
    Tag.objects.all().delete()
    assert tag_slugs() == []


def test_each_call_runs_its_query_once(django_assert_num_queries):
    Tag.objects.create(name="Drogi", slug="drogi")
    with django_assert_num_queries(1):
        assert [tag.slug for tag in tags_named("Drogi")] == ["drogi"]  # compiled, then run once
    with django_assert_num_queries(1):
        assert [tag.slug for tag in tags_named("Drogi")] == ["drogi"]


def test_a_query_that_can_match_nothing_runs_no_sql(django_assert_num_queries):
    Tag.objects.create(name="Drogi", slug="drogi")
    with django_assert_num_queries(0):
        assert tags_named() == []  # name__in=[]: Django knows the answer without asking the database
    assert [tag.slug for tag in tags_named("Drogi")] == ["drogi"]


def test_values_list_rows_stay_tuples():
    tag = Tag.objects.create(name="Drogi", slug="drogi")
    tag_rows()  # compiled
    assert tag_rows() == [(tag.pk, "drogi")]


def test_select_related_and_only_as_the_queryset_loads_them():
    expected = list(Page.objects.select_related("content_type").only("title", "content_type__model").order_by("path"))
    pages = pages_with_types()
    pages = pages_with_types()
    assert [(page.pk, page.title) for page in pages] == [(page.pk, page.title) for page in expected]
    assert pages[0].get_deferred_fields() == expected[0].get_deferred_fields()
    with mock.patch.object(SQLCompiler, "execute_sql", side_effect=AssertionError("no query expected")):
        assert [page.content_type.model for page in pages] == [page.content_type.model for page in expected]


def test_prefetch_related_runs_its_own_query_on_every_call():
    staff = Group.objects.create(name="Zespół ds. zieleni")
    anna = User.objects.create(username="anna")
    anna.groups.add(staff)
    User.objects.create(username="jan")
    users_with_groups()
    users = users_with_groups()
    assert [(user.username, [group.name for group in user.groups.all()]) for user in users] == [
        ("anna", ["Zespół ds. zieleni"]), ("jan", []),
    ]
    anna.groups.clear()
    assert [list(user.groups.all()) for user in users_with_groups()] == [[], []]


def test_a_moment_is_a_parameter_of_each_run_not_of_the_sql():
    start = timezone.now().replace(microsecond=0)
    for days, username in ((1, "anna"), (3, "jan"), (5, "ola")):
        User.objects.create(username=username, date_joined=start + datetime.timedelta(days=days))
    with compilations() as compiled:
        seen = [
            [user.username for user in joined_before(now=start + datetime.timedelta(days=days))]
            for days in (0, 2, 4, 6)
        ]
    assert seen == [[], ["anna"], ["anna", "jan"], ["anna", "jan", "ola"]]
    assert compiled.call_count == 1


def test_a_moment_the_query_does_not_use_is_refused():
    @prepared_query(moments=("now",))
    def ignores_now(now):
        return Tag.objects.all()

    with pytest.raises(ValueError, match="not found"):
        ignores_now(now=timezone.now())


@pytest.mark.django_db(transaction=True)
def test_sql_compiled_in_one_thread_runs_in_another_on_its_own_connection():
    Tag.objects.create(name="Drogi", slug="drogi")
    assert tag_slugs() == ["drogi"]  # compiled here, with this thread's connection
    seen, errors = [], []

    def other_thread():
        from django.db import connection

        try:
            seen.extend(tag_slugs())
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert errors == []
    assert seen == ["drogi"]
