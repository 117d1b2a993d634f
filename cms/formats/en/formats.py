"""English formats plus the Polish input formats: the admin shows dates as "17.01.2027 17:00"
(WAGTAIL_DATETIME_FORMAT) whatever language a staff member picked, so every language must read them back."""

from django.conf.locale.en.formats import *  # noqa: F403
from django.conf.locale.en.formats import DATE_INPUT_FORMATS as _EN_DATE_INPUT_FORMATS
from django.conf.locale.en.formats import DATETIME_INPUT_FORMATS as _EN_DATETIME_INPUT_FORMATS

DATE_INPUT_FORMATS = ["%d.%m.%Y", *_EN_DATE_INPUT_FORMATS]
DATETIME_INPUT_FORMATS = ["%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S", *_EN_DATETIME_INPUT_FORMATS]
