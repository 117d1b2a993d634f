import datetime

import pytest
from django.utils import timezone
from django_q.models import Schedule

from strategy_pages.models import NewsPage
from strategy_pages.tasks import PUBLISH_SCHEDULE_NAME, publish_scheduled_pages

pytestmark = pytest.mark.django_db


def test_migrations_create_the_minutely_schedule():
    schedule = Schedule.objects.get(name=PUBLISH_SCHEDULE_NAME)
    assert schedule.func == "strategy_pages.tasks.publish_scheduled_pages"
    assert schedule.schedule_type == Schedule.MINUTES
    assert schedule.minutes == 1
    assert schedule.repeats == -1


def test_task_publishes_pages_whose_time_has_come(news_index):
    page = NewsPage(title="Zaplanowana", slug="zaplanowana", intro="Lead", live=False)
    page.go_live_at = timezone.now() + datetime.timedelta(hours=1)
    news_index.add_child(instance=page)
    revision = page.save_revision()
    revision.publish()  # with a future go_live_at this only schedules the revision
    page.refresh_from_db()
    assert not page.live

    # Let the scheduled time pass (in the stored revision as well, which publishing reads).
    past = timezone.now() - datetime.timedelta(minutes=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    publish_scheduled_pages()

    page.refresh_from_db()
    assert page.live
    assert page.live_revision_id == revision.pk
