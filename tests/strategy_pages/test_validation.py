import datetime

import pytest
from django.core.exceptions import ValidationError
from wagtail.admin.panels import get_edit_handler
from wagtail.blocks.struct_block import StructBlockValidationError

from strategy_pages.blocks import CallToActionBlock, ScheduleStageBlock
from strategy_pages.models import NewsPage

from .conftest import make_image

pytestmark = pytest.mark.django_db


def test_news_image_needs_alt_text(news_index):
    page = NewsPage(title="Bez opisu", slug="bez-opisu", intro="Lead", image=make_image(), image_alt="  ")
    with pytest.raises(ValidationError) as error:
        page.clean()
    assert error.value.message_dict["image_alt"] == ["Wpisz tekst alternatywny opisujący zdjęcie."]


def test_news_without_image_needs_no_alt_text(news_index):
    NewsPage(title="Bez zdjęcia", slug="bez-zdjecia", intro="Lead").clean()


def test_admin_form_reports_missing_alt_text(news_index, admin_user):
    page = NewsPage(title="Bez opisu", slug="bez-opisu", intro="Lead", date=datetime.date(2025, 1, 8))
    news_index.add_child(instance=page)
    form_class = get_edit_handler(NewsPage).get_form_class()
    data = {
        "title": page.title,
        "slug": page.slug,
        "date": "2025-01-08",
        "intro": "Lead",
        "image": make_image().pk,
        "image_alt": "",
        "body-count": "0",
        "tags": "",
    }
    form = form_class(data, instance=page, parent_page=news_index, for_user=admin_user)
    assert not form.is_valid()
    assert "Wpisz tekst alternatywny opisujący zdjęcie." in form.errors["image_alt"]


def test_call_to_action_needs_exactly_one_target():
    block = CallToActionBlock()
    value = block.to_python({"text": "", "label": "Zapisz się", "page": None, "url": ""})
    with pytest.raises(StructBlockValidationError):
        block.clean(value)
    ok = block.to_python({"text": "", "label": "Zapisz się", "page": None, "url": "https://example.org/"})
    assert block.clean(ok)["url"] == "https://example.org/"


def test_schedule_stage_cannot_end_before_it_starts():
    block = ScheduleStageBlock()
    value = block.to_python(
        {"title": "Etap", "start_date": "2025-03-01", "end_date": "2025-02-01", "status": "planned", "description": ""}
    )
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(value)
    assert "end_date" in error.value.block_errors
