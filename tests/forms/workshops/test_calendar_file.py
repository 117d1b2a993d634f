"""Point 2 of issue 16: the calendar file has a rule-based VTIMEZONE, the office as ORGANIZER, a UID with
the site's domain and one charset; a January and a July session read back at the right moment by two
parsers independent of the writer (vobject and ics), and by icalendar itself."""

import email
import email.policy
from datetime import UTC, datetime, timedelta

import icalendar
import ics
import pytest
import vobject
from django.core import mail
from django.utils import timezone
from wagtail.models import Site

from forms.workshops import messages as workshop_messages
from strategy_pages.models import SiteSettings
from tests.notifications.conftest import WARSAW, make_workshop, register

pytestmark = pytest.mark.django_db

OFFICE = "Urząd Miasta i Gminy Konstancin-Jeziorna"
OFFICE_EMAIL = "strategia@konstancinjeziorna.example"


@pytest.fixture
def site(db):
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = "strategia.konstancin.example", 443
    site.save()
    values = SiteSettings.for_site(site)
    values.municipality_name, values.email = OFFICE, OFFICE_EMAIL
    values.save()
    return site


def confirmation_at(local_start, capture):
    page = make_workshop(capacities=(10,))
    session = page.sessions.get()
    session.starts_at, session.ends_at = local_start, local_start + timedelta(hours=2)
    session.save()
    with capture(execute=True):
        registration = register(page, session).registration
    (message,) = mail.outbox
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
    (part,) = [part for part in parsed.iter_attachments() if part.get_content_type() == "text/calendar"]
    return registration, session, part


def next_year_moment(month):
    """17:00 Warsaw wall-clock time in ``month`` of next year (always in the future)."""
    return datetime(timezone.now().year + 1, month, 15, 17, 0, tzinfo=WARSAW)


@pytest.mark.parametrize("month, utc_hour", [(1, 16), (7, 15)], ids=["january-cet", "july-cest"])
def test_session_reads_back_at_its_moment_in_two_independent_parsers(
    site, month, utc_hour, django_capture_on_commit_callbacks
):
    registration, session, part = confirmation_at(next_year_moment(month), django_capture_on_commit_callbacks)
    text = part.get_content()

    # One charset on the part, and the iTIP method.
    content_type = part["Content-Type"]
    assert str(content_type).lower().count("charset") == 1, str(content_type)
    assert content_type.params == {"charset": "utf-8", "method": "PUBLISH"}
    assert part.get_filename() == "warsztaty.ics"

    # vobject: builds the zone from the VTIMEZONE rules (no system zone database involved).
    calendar = vobject.readOne(text)
    start = calendar.vevent.dtstart.value
    assert start.astimezone(UTC) == session.starts_at.astimezone(UTC)
    assert start.astimezone(UTC).hour == utc_hour
    assert start.utcoffset() == timedelta(hours=1 if month == 1 else 2)
    assert calendar.vevent.dtend.value.astimezone(UTC) == session.ends_at.astimezone(UTC)
    organizer = calendar.vevent.organizer
    assert organizer.value == f"mailto:{OFFICE_EMAIL}"
    assert organizer.params["CN"] == [OFFICE]
    assert calendar.vevent.uid.value == f"registration-{registration.pk}@strategia.konstancin.example"

    # ics (a third implementation).
    (event,) = ics.Calendar(text).events
    assert event.begin.to("UTC").datetime == session.starts_at.astimezone(UTC)
    assert event.end.to("UTC").datetime == session.ends_at.astimezone(UTC)
    assert event.uid.endswith("@strategia.konstancin.example")

    # icalendar, reading its own output.
    (vevent,) = icalendar.Calendar.from_ical(text).walk("VEVENT")
    assert vevent.decoded("DTSTART") == session.starts_at


def test_vtimezone_is_rule_based_on_the_last_sundays_of_march_and_october(site, django_capture_on_commit_callbacks):
    _registration, _session, part = confirmation_at(next_year_moment(7), django_capture_on_commit_callbacks)
    calendar = icalendar.Calendar.from_ical(part.get_content())
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Warsaw"
    parts = {component.name: component for component in zone.subcomponents}
    assert sorted(parts) == ["DAYLIGHT", "STANDARD"]  # two rules, not a list of transitions from 1970 to 2037
    assert "RDATE" not in parts["DAYLIGHT"] and "RDATE" not in parts["STANDARD"]
    daylight, standard = parts["DAYLIGHT"]["RRULE"], parts["STANDARD"]["RRULE"]
    assert (daylight["FREQ"], daylight["BYMONTH"], daylight["BYDAY"]) == (["YEARLY"], [3], ["-1SU"])
    assert (standard["FREQ"], standard["BYMONTH"], standard["BYDAY"]) == (["YEARLY"], [10], ["-1SU"])
    assert parts["DAYLIGHT"].decoded("TZOFFSETTO") == timedelta(hours=2)
    assert parts["STANDARD"].decoded("TZOFFSETTO") == timedelta(hours=1)
    assert parts["DAYLIGHT"].decoded("DTSTART") == datetime(1970, 3, 29, 2, 0)
    assert parts["STANDARD"].decoded("DTSTART") == datetime(1970, 10, 25, 3, 0)


def test_the_rules_give_the_real_transitions_for_years_to_come():
    """The VTIMEZONE rules agree with the zone database on every switch of the next years."""
    from dateutil.rrule import rrulestr

    zone = workshop_messages.vtimezone("Europe/Warsaw", 2027)
    for component in zone.subcomponents:
        rule = rrulestr(component["RRULE"].to_ical().decode(), dtstart=component.decoded("DTSTART"))
        for moment in rule.between(datetime(2027, 1, 1), datetime(2040, 12, 31)):
            before = (moment - timedelta(hours=3)).replace(tzinfo=WARSAW).utcoffset()
            after = (moment + timedelta(hours=3)).replace(tzinfo=WARSAW).utcoffset()
            assert (before, after) == (component.decoded("TZOFFSETFROM"), component.decoded("TZOFFSETTO")), moment
