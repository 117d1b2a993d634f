"""Demo consultations, called as ``load(index, areas=…, reviewer=…)`` from ``forms.demo``.

Two consultations, so the demo shows both halves: "Konsultacje społeczne – potrzeby i propozycje"
ended (a 40-day period in the past) and has its report with assessed submissions; "Konsultacje
społeczne projektu strategii" is open today (40 days around today, moved forward when a later run
finds it ended), so a resident can send a proposal. Idempotent: pages by slug, submissions by title.
"""

import datetime
import io

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from ..working_groups import services as working_groups
from ..working_groups.models import Channel, NoticeDelivery, RecommendedGoal, WorkingGroup
from . import services
from .models import ConsultationPage, ConsultationReportPage, ConsultationSubmission, Trend

ENDED_SLUG = "konsultacje-spoleczne-potrzeby-i-propozycje"
REPORT_SLUG = "raport"
OPEN_SLUG = "konsultacje-spoleczne-projektu-strategii"
STRATEGY_EMAIL = "strategia@konstancinjeziorna.pl"
STAFF_EMAIL = "strategia@example.org"
CONSULTATION_DAYS = 40

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


# A letter to the town hall, posted on the last day of the consultation and delivered two days after it
# ended: the date of posting counts, so staff enter it with the postmark date and the reason. The
# writer gave a phone number and no e-mail address; the scanned letter is the attachment.
PAPER_SUBMISSION = {
    "title": "Ławki i cień na placu przy ul. Piaseczyńskiej",
    "area": "przestrzenny",
    "represents": "mieszkaniec",
    "content": "Proszę o ustawienie ławek i posadzenie drzew przy przystanku na ul. Piaseczyńskiej: starsi "
    "mieszkańcy czekają na autobus w pełnym słońcu (list demonstracyjny).",
    "place": "ul. Piaseczyńska, przystanek",
    "full_name": "Stanisław Demo-Listowny",
    "phone": "(22) 000 00 77",
    "recommendation": "include",
    "justification": "Zgodne z celem poprawy jakości przestrzeni publicznej; do ujęcia w kierunkach działań.",
    "trends": ["starzenie się mieszkańców"],
}


def _scanned_letter():
    """A small PNG standing for the scan of the letter."""
    image = Image.new("RGB", (420, 300), "white")
    draw = ImageDraw.Draw(image)
    lines = ["Urząd Miasta i Gminy Konstancin-Jeziorna", "ul. Piaseczyńska 77", "", "Konsultacje strategii:",
             "proszę o ławki i drzewa", "przy przystanku.", "", "(skan demonstracyjny)"]
    for number, line in enumerate(lines):
        draw.text((20, 20 + 30 * number), line, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return SimpleUploadedFile("skan-listu.png", buffer.getvalue(), content_type="image/png")


def _publish(page):
    page.save_revision().publish()


def _at(days_from_now, hour=0):
    moment = timezone.localtime() + datetime.timedelta(days=days_from_now)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


# Descriptions of the demo trends, one or more in each of the seeds' four areas.
TREND_DESCRIPTIONS = {
    ("społeczny", "napływ młodych rodzin"): "Do gminy wprowadza się coraz więcej rodzin z małymi dziećmi, "
    "co zwiększa zapotrzebowanie na żłobki, przedszkola i szkoły.",
    ("społeczny", "dostęp do usług opiekuńczych"): "Rosną potrzeby opieki nad dziećmi i osobami starszymi, "
    "a liczba miejsc w placówkach nie nadąża za nimi.",
    ("społeczny", "starzenie się mieszkańców"): "Udział osób w wieku senioralnym rośnie; potrzebne są usługi "
    "dzienne i aktywizacja seniorów blisko miejsca zamieszkania.",
    ("środowiskowy", "presja zabudowy na tereny zielone"): "Nowa zabudowa zbliża się do lasów i terenów "
    "cennych przyrodniczo, od których zależy uzdrowiskowy charakter gminy.",
    ("gospodarczy", "rozwój usług uzdrowiskowych"): "Uzdrowisko i turystyka weekendowa są głównym kierunkiem "
    "rozwoju lokalnej gospodarki.",
    ("przestrzenny", "dojazdy do pracy poza gminę"): "Wielu mieszkańców dojeżdża codziennie do Warszawy "
    "i Piaseczna; brakuje bezpiecznych połączeń rowerowych i komunikacji zbiorowej.",
}
DEMO_VISION = (
    "Konstancin-Jeziorna to gmina, w której rodziny z dziećmi i seniorzy znajdują blisko domu opiekę, "
    "edukację i miejsca spotkań, a mieszkańcy współdecydują o jej rozwoju."
)
# (goal, justification, trends, titles of the submissions it rests on)
DEMO_GOALS = [
    ("Dostępna opieka nad dziećmi do lat 3",
     "Liczba dzieci do lat 3 rośnie szybciej niż liczba miejsc w żłobkach; rodzice czekają ponad rok.",
     ["napływ młodych rodzin", "dostęp do usług opiekuńczych"], ["Więcej miejsc w żłobkach"]),
    ("Usługi dzienne dla seniorów w każdej części gminy",
     "Starzenie się mieszkańców wymaga dziennych form opieki i aktywizacji; lokalizację należy wybrać po analizie "
     "dostępności komunikacyjnej.",
     ["starzenie się mieszkańców", "dostęp do usług opiekuńczych"], ["Dzienny dom seniora w Skolimowie"]),
]


def load(index, *, areas, reviewer):
    ended = _ended_consultation(index)
    _demo_submissions(ended, areas, reviewer)
    _paper_submission(ended, areas, reviewer)
    _trend_descriptions(areas)
    _demo_recommendations(reviewer)
    _report_page(ended)
    return {"consultation": _open_consultation(index), "ended_consultation": ended}


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
        submission = services.submit(
            page, full_name=f"Osoba Demonstracyjna {number}", email=f"zglaszajacy{number}@example.org",
            represents=represents, area=areas[area], title=title, content=content, place=place, now=submitted_at,
        )
        ConsultationSubmission.objects.filter(pk=submission.pk).update(submit_time=submitted_at)
        submission = services.moderate(submission, user=admin, accept=status == "accepted", reason=reason)
        if recommendation:
            # The area's demo reviewer assesses where there is one; the administrator elsewhere.
            assessor = reviewer if services.can_assess(reviewer, submission) else admin
            services.assess(submission, user=assessor, recommendation=recommendation,
                                 justification=justification, trends=trends)


def _paper_submission(page, areas, reviewer):
    letter = PAPER_SUBMISSION
    if ConsultationSubmission.objects.filter(page=page, title=letter["title"]).exists():
        return
    admin = _demo_admin()
    last_day = services.last_day_of_posting(page)
    received_at = timezone.localtime(page.ends_at).replace(hour=9, minute=30, second=0, microsecond=0) + (
        datetime.timedelta(days=2)
    )
    submission = services.enter_submission(
        page, user=admin, channel=Channel.PAPER, received_at=received_at, notice_delivery=NoticeDelivery.PAPER_CLAUSE,
        full_name=letter["full_name"], phone=letter["phone"], represents=letter["represents"],
        area=areas[letter["area"]], title=letter["title"], content=letter["content"], place=letter["place"],
        attachment=_scanned_letter(), posted_on=last_day,
        late_reason="List nadany w ostatnim dniu konsultacji (data stempla pocztowego), doręczony po terminie.",
    )
    submission = services.moderate(submission, user=admin, accept=True)
    assessor = reviewer if services.can_assess(reviewer, submission) else admin
    services.assess(submission, user=assessor, recommendation=letter["recommendation"],
                    justification=letter["justification"], trends=letter["trends"])


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


def _trend_descriptions(areas):
    for (area, name), description in TREND_DESCRIPTIONS.items():
        Trend.objects.filter(area=areas[area], name=name, description="").update(description=description)


def _demo_recommendations(reviewer):
    """The social group's recommendations, saved and agreed by its demo reviewer (once: a later run
    keeps whatever was edited since)."""
    group = WorkingGroup.objects.filter(name="społeczna", area__name="społeczny").order_by("pk").first()
    if group is None:
        return
    document = working_groups.recommendations_for(group)
    if document.latest_revision_id is not None:
        return
    document.vision = DEMO_VISION
    goals = []
    for order, (title, justification, trends, submissions) in enumerate(DEMO_GOALS):
        goal = RecommendedGoal(title=title, justification=justification, sort_order=order)
        goal.trends = list(Trend.objects.filter(area=group.area, name__in=trends))
        goal.submissions = list(ConsultationSubmission.objects.filter(area=group.area, title__in=submissions))
        goals.append(goal)
    document.goals = goals
    document.save()
    revision = document.save_revision(user=reviewer, log_action=True)
    working_groups.agree(document, user=reviewer, revision=revision, note="spotkanie grupy roboczej (demonstracja)")
