"""The project's ``|date`` (strategy_pages.templatetags.strategy_dates) gives Django's text in every case."""

import datetime
import re
import zoneinfo

import pytest
from django.template import engines
from django.template.defaultfilters import date as django_date
from django.utils import timezone, translation

from strategy_pages.templatetags import strategy_dates

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
FORMATS = ["j E Y", "l, j E Y, H:i", "Y-m-d\\TH:i:sO", "H:i", "N j, Y, P e T I", "c", "r", "U", None, "DATE_FORMAT"]
VALUES = [
    datetime.date(2026, 3, 29),
    datetime.datetime(2026, 3, 29, 1, 30),  # naive
    datetime.datetime(2026, 6, 1, 18, 0, tzinfo=WARSAW),
    datetime.datetime(2026, 10, 25, 2, 30, tzinfo=WARSAW),  # the autumn change: fold 0, summer time
    datetime.datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=WARSAW),  # the same wall time an hour later
    datetime.datetime(2026, 6, 1, 16, 0, tzinfo=datetime.UTC),  # the same instant as 18:00 in Warsaw
    datetime.time(18, 5),
]


def test_the_template_engine_uses_the_project_filter():
    template = engines["django"].from_string("{{ value|date:'j E Y' }}")
    assert template.template.engine.template_builtins[-1].filters["date"] is strategy_dates.date


@pytest.mark.parametrize("language", ["pl", "en"])
def test_every_value_and_format_gives_djangos_text_twice(language):
    strategy_dates._formatted.cache_clear()
    with translation.override(language):
        for value in VALUES:
            for fmt in FORMATS:
                try:
                    expected = django_date(value, fmt)
                except TypeError as error:  # a time format for a date: Django refuses, and so does the memo
                    with pytest.raises(TypeError, match=re.escape(str(error))):
                        strategy_dates.date(value, fmt)
                    continue
                assert strategy_dates.date(value, fmt) == expected, (value, fmt)
                assert strategy_dates.date(value, fmt) == expected, (value, fmt)  # from the memo
    assert strategy_dates._formatted.cache_info().hits > 0


def test_equal_instants_in_other_zones_and_folds_keep_their_own_text():
    summer, winter = VALUES[3], VALUES[4]
    assert summer == winter  # Python compares the wall time of the same zone and ignores the fold
    assert int(strategy_dates.date(winter, "U")) - int(strategy_dates.date(summer, "U")) == 3600
    warsaw, utc = VALUES[2], VALUES[5]
    assert warsaw == utc
    assert (strategy_dates.date(warsaw, "H:i e"), strategy_dates.date(utc, "H:i e")) == ("18:00 CEST", "16:00 UTC")


def test_the_language_is_part_of_the_key():
    value = datetime.date(2026, 5, 4)
    with translation.override("pl"):
        polish = strategy_dates.date(value, "l, j E Y")
    with translation.override("en"):
        english = strategy_dates.date(value, "l, j E Y")
    assert (polish, english) == ("Poniedziałek, 4 maja 2026", "Monday, 4 May 2026")


@pytest.mark.parametrize("value", ["", None, "2026-01-01", 5])
def test_what_is_not_a_date_is_left_to_django(value):
    assert strategy_dates.date(value, "j E Y") == django_date(value, "j E Y")


def test_a_template_shows_local_time_in_polish(settings):
    settings.TIME_ZONE = "Europe/Warsaw"
    template = engines["django"].from_string("{{ value|date:'l, j E Y, H:i' }}")
    value = datetime.datetime(2026, 6, 1, 16, 0, tzinfo=datetime.UTC)
    with translation.override("pl"), timezone.override(WARSAW):
        assert template.render({"value": value}) == "Poniedziałek, 1 czerwca 2026, 18:00"
