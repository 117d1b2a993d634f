"""Demo working groups, called as ``load(index)`` from ``forms.demo``.

Idempotent: the page by slug under the "Ankiety" section, groups by name, demo people by e-mail.
Texts of the sign-up page are the source strategy page's ("Jak mogę włączyć się w prace nad
strategią?", 5 January 2022) word for word.
"""

import datetime
import os

from django.contrib.auth import get_user_model
from django.utils import timezone

from ..consultations.models import ThematicArea
from . import services
from .models import Channel, NoticeDelivery, WorkingGroup, WorkingGroupSignup, WorkingGroupSignupPage

SIGNUP_SLUG = "grupy-robocze"
STRATEGY_EMAIL = "strategia@konstancinjeziorna.pl"
STAFF_EMAIL = "strategia@example.org"
DEMO_REVIEWER_USERNAME = "recenzent"
DEMO_REVIEWER_PASSWORD_DEFAULT = "konstancin2040"  # noqa: S105 - demo only, printed by the README

AREAS = ("społeczny", "środowiskowy", "gospodarczy", "przestrzenny")

SIGNUP_INTRO = (
    "<p>Osoby, które pragną bardziej zaangażować się w przygotowanie strategii, mogą ponadto zgłosić się do tzw. "
    "grup roboczych. Grupy robocze będą zorganizowane wokół poszczególnych tematów. Liczba grup będzie "
    "uzależniona od liczby zgłoszonych osób, ale przewiduje się, że powstaną 4 grupy, do spraw:</p>"
    "<ul><li>społecznych,</li><li>środowiskowych,</li><li>gospodarczych,</li><li>przestrzennych.</li></ul>"
    "<p>Głównym zadaniem grup roboczych będzie uporządkowanie i ocena merytoryczna zebranych w ramach "
    "konsultacji społecznych wniosków i propozycji, wskazanie kluczowych trendów rozwojowych w danym obszarze "
    "tematycznym oraz sformułowanie rekomendacji w zakresie wizji i celów rozwojowych gminy.</p>"
)
SIGNUP_TEXT = (
    "<h2>Zgłoszenia do grup roboczych</h2>"
    "<p>Zachęcamy do zgłaszania się do grup roboczych wszystkie osoby, które pragną podzielić się swoją wiedzą "
    "i doświadczeniem w danej dziedzinie.</p>"
)
# The source: "Zgłoszenia należy dokonać mailowo na adres … lub telefonicznie pod numerem (22) 484 23 90 lub
# (22) 484 23 92." The address and numbers are fields, shown like the site's contact block.
OTHER_WAYS_TEXT = "Zgłoszenia należy dokonać mailowo lub telefonicznie:"
SIGNUP_PHONES = "(22) 484 23 90, (22) 484 23 92"

GROUPS = [
    ("społeczna", "społeczny", "Sprawy społeczne: edukacja, zdrowie, kultura, sport, pomoc społeczna, "
     "aktywność mieszkańców."),
    ("środowiskowa", "środowiskowy", "Sprawy środowiskowe: przyroda, jakość powietrza, woda, zieleń, "
     "gospodarka odpadami, klimat."),
    ("gospodarcza", "gospodarczy", "Sprawy gospodarcze: przedsiębiorczość, rynek pracy, turystyka i uzdrowisko, "
     "finanse gminy."),
    ("przestrzenna", "przestrzenny", "Sprawy przestrzenne: zagospodarowanie przestrzeni, transport, drogi, "
     "mieszkalnictwo, infrastruktura."),
]

DEMO_PEOPLE = [
    ("Anna Demo-Kowalska", "anna.demo@example.org", "mieszkaniec", ["społeczna", "przestrzenna"]),
    ("Piotr Demo-Nowak", "piotr.demo@example.org", "przedsiębiorca", ["gospodarcza"]),
    ("Ewa Demo-Wiśniewska", "ewa.demo@example.org", "stowarzyszenie", ["środowiskowa"]),
    ("Marek Demo-Zieliński", "marek.demo@example.org", "rada sołecka", ["przestrzenna", "środowiskowa"]),
    ("Katarzyna Demo-Lewandowska", "katarzyna.demo@example.org", "aktywista", ["społeczna"]),
]

# A resident without e-mail calls the office, as the strategy page invites ("lub telefonicznie pod
# numerem (22) 484 23 90"): staff enter the sign-up; she is told by phone (the staff task).
PHONE_SIGNUP = {
    "full_name": "Halina Demo-Telefoniczna",
    "phone": "600 000 101",
    "represents": "mieszkaniec",
    "group": "społeczna",
    "motivation": "Od 30 lat działam w klubie seniora w Skolimowie; chcę mówić o potrzebach starszych mieszkańców "
    "(zgłoszenie telefoniczne, demonstracyjne).",
}
def _publish(page):
    page.save_revision().publish()


def load(index):
    areas = _areas()
    signup_page = _signup_page(index)
    _groups(signup_page, areas)
    _demo_signups(signup_page)
    _demo_phone_signup(signup_page)
    return {"working_groups": signup_page, "areas": areas, "reviewer": _reviewer(signup_page)}


def _areas():
    areas = {}
    for order, name in enumerate(AREAS):
        areas[name], _ = ThematicArea.objects.get_or_create(name=name, defaults={"sort_order": order})
    return areas


def _signup_page(index):
    page = WorkingGroupSignupPage.objects.child_of(index).filter(slug=SIGNUP_SLUG).first()
    if page is None:
        page = WorkingGroupSignupPage(
            title="Grupy robocze",
            slug=SIGNUP_SLUG,
            search_description="Zgłoś się do grup roboczych, które ocenią wnioski z konsultacji i zarekomendują "
            "wizję oraz cele rozwojowe gminy.",
            intro=SIGNUP_INTRO,
            signup_text=SIGNUP_TEXT,
            other_ways_text=OTHER_WAYS_TEXT,
            signup_email=STRATEGY_EMAIL,
            signup_phones=SIGNUP_PHONES,
            signup_opens_at=timezone.now() - datetime.timedelta(days=1),
            notification_recipients=STAFF_EMAIL,
            representation_choices="\n".join(
                ["mieszkaniec", "rada sołecka", "przedsiębiorca", "aktywista", "firma", "stowarzyszenie",
                 "inna organizacja"]
            ),
        )
        index.add_child(instance=page)
        _publish(page)
    return page


def _groups(page, areas):
    for order, (name, area, description) in enumerate(GROUPS):
        WorkingGroup.objects.get_or_create(
            page=page, name=name,
            defaults={"description": description, "minimum_members": 5, "area": areas[area], "sort_order": order},
        )


def _demo_signups(page):
    groups = {group.name: group for group in page.working_groups.all()}
    for full_name, email, represents, group_names in DEMO_PEOPLE:
        if WorkingGroupSignup.objects.filter(page=page, email=email).exists():
            continue
        services.sign_up(
            page, groups=[groups[name] for name in group_names], full_name=full_name, email=email,
            represents=represents, enforce_window=False,
            motivation="Mieszkam w gminie od lat i chcę pomóc w przygotowaniu strategii (zgłoszenie demonstracyjne).",
        )


def _demo_phone_signup(page):
    """One sign-up received by phone, entered by staff the next morning, without an e-mail address."""
    person = PHONE_SIGNUP
    if WorkingGroupSignup.objects.filter(page=page, email="", full_name=person["full_name"]).exists():
        return
    received_at = timezone.localtime().replace(hour=10, minute=15, second=0, microsecond=0) - datetime.timedelta(
        days=1
    )
    received_at = max(received_at, page.signup_opens_at) if page.signup_opens_at else received_at
    services.enter_signup(
        page, user=_demo_staff(), channel=Channel.PHONE, received_at=received_at,
        notice_delivery=NoticeDelivery.READ_OUT, groups=[page.working_groups.get(name=person["group"])],
        full_name=person["full_name"], phone=person["phone"], represents=person["represents"],
        motivation=person["motivation"],
    )


def _demo_staff():
    # The superuser the demo command sets a password for (it may enter and moderate everything).
    from strategy_pages.management.commands.load_demo_content import DEMO_ADMIN_USERNAME

    admin, _ = get_user_model().objects.get_or_create(
        username=DEMO_ADMIN_USERNAME, defaults={"email": "admin@example.org", "is_staff": True, "is_superuser": True}
    )
    return admin


def _reviewer(page):
    """A demo admin account in the reviewers' group of "społeczna" (sees only that area's submissions)."""
    group = page.working_groups.get(name="społeczna")
    user, created = get_user_model().objects.get_or_create(
        username=DEMO_REVIEWER_USERNAME,
        defaults={"email": "recenzent@example.org", "first_name": "Recenzent", "last_name": "Demonstracyjny"},
    )
    if created:
        user.set_password(os.environ.get("DEMO_REVIEWER_PASSWORD", DEMO_REVIEWER_PASSWORD_DEFAULT))
        user.save()
    user.groups.add(group.reviewers)
    return user
