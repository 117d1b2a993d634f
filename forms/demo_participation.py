"""Demo content of the working groups and consultations, called as ``load(pages)`` from ``forms.demo``.

Idempotent: pages by slug under the "Ankiety" section, groups by name, demo people by e-mail,
demo submissions by title. Texts of the sign-up page are the source strategy page's
("Jak mogę włączyć się w prace nad strategią?", 5 January 2022) word for word.

Two consultations, so the demo shows both halves: "Konsultacje społeczne – potrzeby i propozycje"
ended (a 40-day period in the past) and has its report with assessed submissions; "Konsultacje
społeczne projektu strategii" is open today (40 days around today, moved forward when a later run
finds it ended), so a resident can send a proposal.
"""

import datetime
import os

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from . import consultations, working_groups
from .models import (
    ConsultationPage,
    ConsultationReportPage,
    ConsultationSubmission,
    FormIndexPage,
    ThematicArea,
    WorkingGroup,
    WorkingGroupSignup,
    WorkingGroupSignupPage,
)

INDEX_SLUG = "ankiety"
SIGNUP_SLUG = "grupy-robocze"
ENDED_SLUG = "konsultacje-spoleczne-potrzeby-i-propozycje"
REPORT_SLUG = "raport"
OPEN_SLUG = "konsultacje-spoleczne-projektu-strategii"
STRATEGY_EMAIL = "strategia@konstancinjeziorna.pl"
STAFF_EMAIL = "strategia@example.org"
DEMO_REVIEWER_USERNAME = "recenzent"
DEMO_REVIEWER_PASSWORD_DEFAULT = "konstancin2040"  # noqa: S105 - demo only, printed by the README
CONSULTATION_DAYS = 40

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

CONSULTATION_INTRO = (
    "<p>W ramach działań partycypacyjnych każda zainteresowana osoba, w tym mieszkańcy, rady sołeckie, "
    "przedsiębiorcy, aktywiści, firmy, stowarzyszenia oraz wszelkiego rodzaju organizacje, będą miały możliwość "
    "zgłaszania swoich potrzeb i propozycji w ramach prowadzonych konsultacji społecznych. Konsultacje będą się "
    "odbywały w wyznaczonym przez burmistrza terminie.</p>"
)
HOW_TO_SUBMIT = (
    "<p>Potrzeby i propozycje można zgłaszać w terminie podanym powyżej:</p><ul>"
    "<li>przez formularz na tej stronie,</li>"
    f"<li>mailowo na adres <a href=\"mailto:{STRATEGY_EMAIL}\">{STRATEGY_EMAIL}</a>,</li>"
    "<li>pisemnie w kancelarii Urzędu Miasta i Gminy Konstancin-Jeziorna, ul. Piaseczyńska 77, "
    "05-520 Konstancin-Jeziorna, lub pocztą na ten adres (decyduje data wpływu do urzędu).</li></ul>"
    "<p>Zgłoszenia, które wpłyną po terminie, nie będą rozpatrywane.</p>"
)

DEMO_PEOPLE = [
    ("Anna Demo-Kowalska", "anna.demo@example.org", "mieszkaniec", ["społeczna", "przestrzenna"]),
    ("Piotr Demo-Nowak", "piotr.demo@example.org", "przedsiębiorca", ["gospodarcza"]),
    ("Ewa Demo-Wiśniewska", "ewa.demo@example.org", "stowarzyszenie", ["środowiskowa"]),
    ("Marek Demo-Zieliński", "marek.demo@example.org", "rada sołecka", ["przestrzenna", "środowiskowa"]),
    ("Katarzyna Demo-Lewandowska", "katarzyna.demo@example.org", "aktywista", ["społeczna"]),
]

# (title, area, represents, content, place, status, rejection reason, recommendation, justification, trends)
DEMO_SUBMISSIONS = [
    ("Więcej miejsc w żłobkach", "społeczny", "mieszkaniec",
     "W gminie brakuje miejsc w żłobkach, rodzice czekają ponad rok.", "Jeziorna", "accepted", "",
     "include", "Potrzeba potwierdzona danymi z diagnozy: liczba dzieci do lat 3 rośnie szybciej niż liczba miejsc.",
     ["napływ młodych rodzin", "dostęp do usług opiekuńczych"]),
    ("Dzienny dom seniora w Skolimowie", "społeczny", "stowarzyszenie",
     "Proponujemy utworzenie dziennego domu pobytu dla seniorów.", "Skolimów", "accepted", "",
     "partially", "Zasadne, lecz lokalizację należy wybrać po analizie dostępności komunikacyjnej.",
     ["starzenie się mieszkańców", "dostęp do usług opiekuńczych"]),
    ("Ochrona Lasku Obory przed zabudową", "środowiskowy", "aktywista",
     "Teren leśny powinien pozostać dostępny dla mieszkańców i chroniony.", "Obory", "accepted", "",
     "include", "Zgodne z celem ochrony walorów uzdrowiskowych i przyrodniczych gminy.",
     ["presja zabudowy na tereny zielone"]),
    ("Ścieżka rowerowa do Piaseczna", "przestrzenny", "rada sołecka",
     "Brakuje bezpiecznego połączenia rowerowego z Piasecznem.", "ul. Piaseczyńska", "accepted", "",
     "partially", "Potrzebne porozumienie z powiatem; do ujęcia jako cel współpracy ponadlokalnej.",
     ["dojazdy do pracy poza gminę"]),
    ("Strefa aktywności gospodarczej", "gospodarczy", "firma",
     "Gmina powinna przygotować tereny pod małe firmy usługowe.", "", "accepted", "",
     "exclude", "Sprzeczne z uzdrowiskowym charakterem gminy; wskazane wsparcie firm w istniejącej zabudowie.",
     ["rozwój usług uzdrowiskowych"]),
    ("Reklama mojego sklepu", "gospodarczy", "przedsiębiorca",
     "Zapraszam do sklepu.", "", "rejected", "Zgłoszenie nie dotyczy strategii rozwoju gminy.",
     None, "", []),
]


def _publish(page):
    page.save_revision().publish()


def _at(days_from_now, hour=0):
    moment = timezone.localtime() + datetime.timedelta(days=days_from_now)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


@transaction.atomic
def load(pages):
    index = FormIndexPage.objects.child_of(pages["home"]).filter(slug=INDEX_SLUG).first()
    if index is None:
        return {}
    areas = _areas()
    signup_page = _signup_page(index)
    _groups(signup_page, areas)
    _demo_signups(signup_page)
    reviewer = _reviewer(signup_page)
    ended = _ended_consultation(index)
    _demo_submissions(ended, areas, reviewer)
    _report_page(ended)
    open_consultation = _open_consultation(index)
    return {"working_groups": signup_page, "consultation": open_consultation, "ended_consultation": ended}


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
        working_groups.sign_up(
            page, groups=[groups[name] for name in group_names], full_name=full_name, email=email,
            represents=represents, enforce_window=False,
            motivation="Mieszkam w gminie od lat i chcę pomóc w przygotowaniu strategii (zgłoszenie demonstracyjne).",
        )


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


def _consultation(index, slug, title, starts_at):
    page = ConsultationPage(
        title=title,
        slug=slug,
        intro=CONSULTATION_INTRO,
        how_to_submit=HOW_TO_SUBMIT,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(days=CONSULTATION_DAYS),
        notification_recipients=STAFF_EMAIL,
        representation_choices="\n".join(
            ["mieszkaniec", "rada sołecka", "przedsiębiorca", "aktywista", "firma", "stowarzyszenie",
             "inna organizacja"]
        ),
    )
    index.add_child(instance=page)
    _publish(page)
    return page


def _ended_consultation(index):
    page = ConsultationPage.objects.child_of(index).filter(slug=ENDED_SLUG).first()
    return page or _consultation(
        index, ENDED_SLUG, "Konsultacje społeczne – potrzeby i propozycje", _at(-CONSULTATION_DAYS - 20)
    )


def _open_consultation(index):
    page = ConsultationPage.objects.child_of(index).filter(slug=OPEN_SLUG).first()
    if page is None:
        return _consultation(index, OPEN_SLUG, "Konsultacje społeczne projektu strategii", _at(-5))
    if page.has_ended():
        # An earlier demo run is over: open the period again around today.
        page = page.get_latest_revision_as_object()
        page.starts_at = _at(-5)
        page.ends_at = page.starts_at + datetime.timedelta(days=CONSULTATION_DAYS)
        _publish(page)
    return page


def _demo_submissions(page, areas, reviewer):
    """Submissions made while the (now ended) consultation was open, moderated and assessed."""
    admin = _demo_admin()
    submitted_at = page.starts_at + datetime.timedelta(days=3)
    for number, row in enumerate(DEMO_SUBMISSIONS, start=1):
        title, area, represents, content, place, status, reason, recommendation, justification, trends = row
        if ConsultationSubmission.objects.filter(page=page, title=title).exists():
            continue
        submission = consultations.submit(
            page, full_name=f"Osoba Demonstracyjna {number}", email=f"zglaszajacy{number}@example.org",
            represents=represents, area=areas[area], title=title, content=content, place=place, now=submitted_at,
        )
        ConsultationSubmission.objects.filter(pk=submission.pk).update(submit_time=submitted_at)
        submission = consultations.moderate(submission, user=admin, accept=status == "accepted", reason=reason)
        if recommendation:
            # The area's demo reviewer assesses where there is one; the administrator elsewhere.
            assessor = reviewer if consultations.can_assess(reviewer, submission) else admin
            consultations.assess(submission, user=assessor, recommendation=recommendation,
                                 justification=justification, trends=trends)


def _demo_admin():
    # The same account the demo command sets a password for after loading the content.
    from strategy_pages.management.commands.load_demo_content import DEMO_ADMIN_USERNAME

    admin, _ = get_user_model().objects.get_or_create(
        username=DEMO_ADMIN_USERNAME, defaults={"email": "admin@example.org", "is_staff": True, "is_superuser": True}
    )
    return admin


def _report_page(consultation):
    report = ConsultationReportPage.objects.child_of(consultation).filter(slug=REPORT_SLUG).first()
    if report is None:
        report = ConsultationReportPage(
            title="Raport z konsultacji społecznych",
            slug=REPORT_SLUG,
            intro="<p>Zestawienie wniosków i propozycji zgłoszonych w konsultacjach wraz z oceną grup roboczych. "
            "Raport nie zawiera imion, nazwisk ani danych kontaktowych osób zgłaszających.</p>",
        )
        consultation.add_child(instance=report)
        _publish(report)
    return report
