"""Demo content of the personal-data work, called from ``forms.demo.load``: the default data
protection notice (GDPR Art. 13) and two demo staff accounts in the roles created by migration 0007.

Idempotent. All texts are Polish demo data for Konstancin-Jeziorna: a real deployment must have
its notice checked by the office's data protection officer.
"""

import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from .models import DataProtectionNotice
from .permissions import ROLE_EDITORS, ROLE_FORM_ADMINS

NOTICE_TITLE = "Klauzula informacyjna – udział w pracach nad strategią"
DEMO_STAFF_PASSWORD_DEFAULT = "konstancin2040"  # noqa: S105 - demo only, printed by the README
DEMO_EDITOR_USERNAME = "redaktor"
DEMO_FORM_ADMIN_USERNAME = "administrator-formularzy"

NOTICE = {
    "controller": (
        "<p>Administratorem Pani/Pana danych osobowych jest Burmistrz Gminy Konstancin-Jeziorna, "
        "ul. Piaseczyńska 77, 05-520 Konstancin-Jeziorna (dane demonstracyjne).</p>"
    ),
    "dpo_contact": (
        "<p>Z inspektorem ochrony danych można skontaktować się pod adresem e-mail "
        "<a href=\"mailto:iod@konstancinjeziorna.pl\">iod@konstancinjeziorna.pl</a> lub pisemnie na adres "
        "administratora (dane demonstracyjne).</p>"
    ),
    "purposes": (
        "<p>Dane przetwarzamy w celu przeprowadzenia rejestracji na warsztaty i spotkania, ankiet, naboru do grup "
        "roboczych oraz konsultacji społecznych projektu „Strategii rozwoju gminy Konstancin-Jeziorna 2040+”, "
        "a także kontaktu w tych sprawach.</p>"
    ),
    "legal_basis": (
        "<p>Art. 6 ust. 1 lit. a RODO (zgoda) – rejestracja na warsztaty, ankiety i nabór do grup roboczych; "
        "art. 6 ust. 1 lit. c i e RODO w związku z art. 6 ust. 3–5 ustawy z dnia 6 grudnia 2006 r. o zasadach "
        "prowadzenia polityki rozwoju – konsultacje społeczne projektu strategii.</p>"
    ),
    "recipients": (
        "<p>Odbiorcami danych mogą być podmioty świadczące na rzecz urzędu usługi hostingu strony i poczty "
        "elektronicznej, na podstawie umów powierzenia przetwarzania danych, oraz organy uprawnione na podstawie "
        "przepisów prawa. Raport z konsultacji nie zawiera imion, nazwisk ani danych kontaktowych.</p>"
    ),
    "retention": (
        "<p>Dane przechowujemy przez 90 dni od zakończenia wydarzenia, konsultacji lub naboru, a następnie "
        "automatycznie anonimizujemy; zachowujemy jedynie dane statystyczne (liczby zgłoszeń) oraz oceny "
        "wniosków. Dokumentację konsultacji przechowujemy zgodnie z przepisami o archiwizacji.</p>"
    ),
    "other_information": (
        "<p>Podanie danych jest dobrowolne, ale niezbędne do udziału w wydarzeniu, naborze lub konsultacjach. "
        "Dane nie będą przekazywane do państw trzecich ani wykorzystywane do zautomatyzowanego podejmowania "
        "decyzji, w tym profilowania.</p>"
    ),
}


def load(pages=None):
    notice = DataProtectionNotice.objects.filter(title=NOTICE_TITLE).first()
    if notice is None:
        notice = DataProtectionNotice(title=NOTICE_TITLE, is_default=True, **NOTICE)
        notice.save()
    _staff_account(DEMO_EDITOR_USERNAME, ROLE_EDITORS, "Redaktor", "Demonstracyjny")
    _staff_account(DEMO_FORM_ADMIN_USERNAME, ROLE_FORM_ADMINS, "Administrator", "Formularzy")
    return notice


def _staff_account(username, role, first_name, last_name):
    group = Group.objects.filter(name=role).first()
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={"email": f"{username}@example.org", "first_name": first_name, "last_name": last_name},
    )
    if created:
        user.set_password(os.environ.get("DEMO_STAFF_PASSWORD", DEMO_STAFF_PASSWORD_DEFAULT))
        user.save()
    if group is not None:
        user.groups.add(group)
    return user
