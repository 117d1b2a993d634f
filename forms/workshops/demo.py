"""Demo workshop: the diagnostic workshop evening of the municipality's article of 8 January 2025.

Idempotent: the page is looked up by slug, so running it again changes nothing, except moving an
evening that has already passed to a future date, so the demo keeps taking registrations.
"""

import datetime
import json
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import formats, timezone, translation

from .models import WorkshopFormField, WorkshopPage, WorkshopSession

WARSAW = ZoneInfo("Europe/Warsaw")
FRIDAY = 4

WORKSHOP_SLUG = "warsztaty-diagnostyczne"
# Earlier demo databases named the page after a fixed day; it is found and renamed.
LEGACY_WORKSHOP_SLUGS = ("warsztaty-diagnostyczne-17-stycznia",)

# The real evening was Friday 17 January 2025. The demo must take registrations today, so it is
# moved to the first Friday at least a week ahead; the session names and hours stay as announced.
SESSIONS = [
    ("Obszar społeczny", datetime.time(17, 0), datetime.time(18, 30)),
    ("Obszar gospodarczy", datetime.time(18, 30), datetime.time(20, 0)),
    ("Obszar środowiskowo-przestrzenny", datetime.time(20, 0), datetime.time(21, 30)),
]
PLACES = 30
VENUE = "Sala posiedzeń Urzędu Miasta i Gminy Konstancin-Jeziorna, ul. Piaseczyńska 77"

DESCRIPTION = [
    (
        "paragraph",
        "<p>Trwają prace nad „Strategią rozwoju gminy Konstancin-Jeziorna 2040+”. Burmistrz Michał "
        "Wiśniewski zaprasza mieszkańców na warsztaty diagnostyczne, które będą poświęcone kluczowym "
        "obszarom polityki publicznej: społecznemu, ekonomicznemu oraz środowiskowo-przestrzennemu.</p>",
    ),
    (
        "paragraph",
        "<p>Warsztaty odbędą się w sali posiedzeń konstancińskiego magistratu. Aby zapewnić uczestnikom "
        "komfort oraz efektywne warunki pracy, w każdym spotkaniu może wziąć udział maksymalnie 30 osób. "
        "W związku z tym obowiązuje wcześniejsza rejestracja poprzez formularz na tej stronie. Można "
        "zapisać się na jedno, dwa lub wszystkie trzy spotkania.</p>",
    ),
    (
        "list",
        {
            "numbered": False,
            "items": [
                "obszar społeczny – w godz. 17.00–18.30,",
                "obszar gospodarczy – w godz. 18.30–20.00,",
                "obszar środowiskowo-przestrzenny – w godz. 20.00–21.30.",
            ],
        },
    ),
    (
        "quote",
        {
            "text": "Serdecznie zapraszam mieszkańców do aktywnego udziału w warsztatach. "
            "Razem zaplanujmy przyszłość naszej gminy.",
            "attribution": "Michał Wiśniewski, burmistrz Konstancina-Jeziorny",
        },
    ),
    (
        "paragraph",
        "<p>„Strategia rozwoju gminy Konstancin-Jeziorna 2040+” to dokument o strategicznym znaczeniu. "
        "Wyznacza on kierunki działań oraz określa cele, które samorząd chce osiągnąć w perspektywie "
        "kolejnych lat. Opracowaniem dokumentu zajmuje się Fundacja Miasto z Poznania.</p>",
    ),
]

WORKSHOP_EXTRA_FIELDS = [
    {
        "label": "Z jaką częścią gminy jesteś związany/a?",
        "field_type": "dropdown",
        "required": False,
        "choices": "Konstancin\nJeziorna\nSkolimów\nChylice\nObory\nCzarnów\nInna miejscowość gminy\nSpoza gminy",
        "help_text": "Pomaga nam zadbać, by przy stole była reprezentowana cała gmina.",
    },
    {
        "label": "Czy potrzebujesz pomocy, aby wziąć udział?",
        "field_type": "multiline",
        "required": False,
        "help_text": "Np. tłumacz języka migowego, miejsce dla wózka, pętla indukcyjna.",
    },
]

def demo_evening(today=None):
    """The first Friday at least a week from today (see SESSIONS)."""
    today = today or timezone.localdate()
    earliest = today + datetime.timedelta(days=7)
    return earliest + datetime.timedelta(days=(FRIDAY - earliest.weekday()) % 7)


def workshop_title(day):
    """The title names the evening's real day ("Warsztaty diagnostyczne – 15 stycznia"): it goes into
    the calendar entries and mails, so it must agree with the sessions' dates."""
    with translation.override(settings.LANGUAGE_CODE):
        return f"Warsztaty diagnostyczne – {formats.date_format(day, 'j E')}"


def _at(day, time):
    return datetime.datetime.combine(day, time, tzinfo=WARSAW)


def _publish(page):
    page.save_revision().publish()


def load(index, news_article=None):
    workshop = _workshop(index)
    _link_news_article(news_article, workshop)
    return workshop


def _workshop(index):
    page = WorkshopPage.objects.child_of(index).filter(slug__in=(WORKSHOP_SLUG, *LEGACY_WORKSHOP_SLUGS)).first()
    if page is None:
        page = WorkshopPage(
            title="Warsztaty diagnostyczne",
            slug=WORKSHOP_SLUG,
            search_description="Warsztaty dla mieszkańców: obszar społeczny, gospodarczy i "
            "środowiskowo-przestrzenny. Obowiązuje rejestracja, 30 miejsc na każde spotkanie.",
            venue=VENUE,
            description=json.dumps([{"type": kind, "value": value} for kind, value in DESCRIPTION]),
            waitlist_enabled=True,
            form_fields=[WorkshopFormField(sort_order=i, **field) for i, field in enumerate(WORKSHOP_EXTRA_FIELDS)],
        )
        _schedule(page, demo_evening())
        index.add_child(instance=page)
        _publish(page)
    elif max(session.ends_at for session in page.sessions.all()) < timezone.now() or (
        page.slug != WORKSHOP_SLUG or page.title != workshop_title(_evening_of(page))
    ):
        # An earlier demo run is in the past (or named another day): move the evening (same sessions,
        # same rows) forward, and name it after its day.
        page = page.get_latest_revision_as_object()
        page.slug = WORKSHOP_SLUG
        _schedule(page, demo_evening())
        _publish(page)
    return page


def _schedule(page, day):
    """Sessions at their announced hours on ``day``; registration open from now until noon that day."""
    existing = {session.title: session for session in page.sessions.all()}
    sessions = []
    for order, (title, start, end) in enumerate(SESSIONS):
        session = existing.get(title) or WorkshopSession(title=title, capacity=PLACES)
        session.sort_order, session.starts_at, session.ends_at = order, _at(day, start), _at(day, end)
        sessions.append(session)
    page.sessions = sessions
    page.title = page.draft_title = workshop_title(day)
    page.registration_opens_at = timezone.now() - datetime.timedelta(hours=1)
    page.registration_closes_at = _at(day, datetime.time(12, 0))


def _evening_of(page):
    first = min(page.sessions.all(), key=lambda session: session.starts_at)
    return timezone.localtime(first.starts_at, WARSAW).date()


def _link_news_article(article, workshop):
    if article is None:
        return
    article = article.specific
    if article.action_page_id == workshop.pk:
        return
    article = article.get_latest_revision_as_object()
    article.action_page = workshop
    article.action_label = "Zapisz się na warsztaty"
    _publish(article)
