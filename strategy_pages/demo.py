"""Demo content built from the two seed documents (shared/seeds), Polish text word for word.

Everything is looked up before it is created (pages by slug under their parent, images and
documents by title), so loading twice changes nothing.
"""

import datetime
import io
import json
from urllib.parse import urlsplit

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from .models import (
    AccessibilityStatementPage,
    HomePage,
    HomePageHighlight,
    NewsIndexPage,
    NewsPage,
    SiteSettings,
    StrategyPage,
)

SITE_NAME = "Strategia rozwoju gminy Konstancin-Jeziorna 2040+"
STRATEGY_EMAIL = "strategia@konstancinjeziorna.pl"

HOME_INTRO = (
    "<p>Na tej stronie znajdziesz informacje o pracach nad „Strategią rozwoju gminy Konstancin-Jeziorna 2040+”: "
    "aktualności, harmonogram, dokumenty do pobrania oraz zapisy na warsztaty dla mieszkańców.</p>"
)

WORKSHOPS_LEAD = (
    "Trwają prace nad „Strategią rozwoju gminy Konstancin-Jeziorna 2040+”. Już 17 stycznia burmistrz Michał "
    "Wiśniewski zaprasza mieszkańców na warsztaty diagnostyczne, które będą poświęcone kluczowym obszarom polityki "
    "publicznej: społecznemu, ekonomicznemu oraz środowiskowo-przestrzennemu. Ze względu na ograniczoną liczbę "
    "miejsc, konieczna jest wcześniejsza rejestracja."
)
WORKSHOPS_SOURCE = "https://www.konstancinjeziorna.pl/news/burmistrz-zaprasza-do-udzialu-w-warsztatach-diagnostycznych"
MAYOR_QUOTE = (
    "Serdecznie zapraszam mieszkańców do aktywnego udziału w warsztatach. Razem zaplanujmy przyszłość naszej gminy."
)

STRATEGY_INTRO = (
    "Nowa strategia rozwoju gminy Konstancin-Jeziorna będzie opracowywana we współpracy z mieszkańcami. Każda "
    "zainteresowana osoba może włączyć się w prace na dokumentem na każdym etapie jako przygotowania."
)

METEO_ALT = (
    "Na górze czerwony napis meteo alert poprzedzony wykrzyknikiem. Obok niego logo Instytutu Meteorologii i "
    "Gospodarki Wodnej – niebieski okrąg z białymi literami IMGW, poniżej niebieski napis burze. W tle fragment "
    "granatowego parasola oraz krople deszczu."
)
METEO_LEAD = (
    "Zapowiada się burzowe popołudnie i wieczór. Instytut Meteorologii i Gospodarki Wodnej wydał dla powiatu "
    "piaseczyńskiego ostrzeżenie pierwszego stopnia. Alert obowiązuje w sobotę (18 maja) od godz. 13.00 do godz. "
    "22.00. Służby apelują o zachowanie szczególnej ostrożności."
)
CONFERENCE_ALT = "Grafika wektorowa. Plakat promujący konferencje."
CONFERENCE_LEAD = (
    "Stowarzyszenie Perły Mazowsza – Lokalna Grupa Działania zaprasza 28 maja br. na konferencję otwierającą "
    "realizację nowej strategii rozwoju na lata 2023–2027. Na spotkaniu zaprezentowane zostaną m.in. projekty "
    "grantowe, zakresy tematyczne planowanych naborów czy zasady otrzymania wsparcia."
)

WORKSHOPS_IMAGE_TITLE = "Warsztaty diagnostyczne – ilustracja"
WORKSHOPS_IMAGE_ALT = (
    "Ilustracja: osoby siedzące wokół wspólnego stołu podczas warsztatów, na stole kartki z notatkami."
)

SCHEDULE_DOCUMENT_TITLE = "Harmonogram prac nad strategią (wersja demonstracyjna)"
SCHEDULE_DOCUMENT_TEXT = """Harmonogram prac nad „Strategią rozwoju gminy Konstancin-Jeziorna 2040+”
(dokument demonstracyjny)

1. Diagnoza sytuacji społeczno-gospodarczej gminy – listopad 2024 – luty 2025
2. Warsztaty diagnostyczne z mieszkańcami – 17 stycznia 2025
3. Wywiady pogłębione z kluczowymi interesariuszami – do 21 stycznia 2025
4. Prace grup roboczych – marzec – czerwiec 2025
5. Konsultacje społeczne projektu strategii – wrzesień – październik 2025
6. Przyjęcie strategii przez Radę Miejską – grudzień 2025
"""


def paragraph(html):
    return {"type": "paragraph", "value": html}


def heading(text, level="h2"):
    return {"type": "heading", "value": {"text": text, "level": level}}


def bullet_list(items):
    return {"type": "list", "value": {"numbered": False, "items": items}}


def stage(title, start, end, status, description):
    return {
        "title": title,
        "start_date": start,
        "end_date": end,
        "status": status,
        "description": description,
    }


PRIVACY_BODY = [
    paragraph(
        "<p>Zgodnie z art. 13 ust. 1 i 2 rozporządzenia Parlamentu Europejskiego i Rady (UE) 2016/679 z dnia "
        "27 kwietnia 2016 r. w sprawie ochrony osób fizycznych w związku z przetwarzaniem danych osobowych i w "
        "sprawie swobodnego przepływu takich danych oraz uchylenia dyrektywy 95/46/WE (RODO) informujemy, że:</p>"
    ),
    {
        "type": "list",
        "value": {
            "numbered": True,
            "items": [
                "Administratorem Pani/Pana danych osobowych jest Burmistrz Gminy Konstancin-Jeziorna z siedzibą "
                "w Urzędzie Miasta i Gminy Konstancin-Jeziorna, ul. Piaseczyńska 77, 05-520 Konstancin-Jeziorna.",
                "Z inspektorem ochrony danych można się kontaktować listownie na adres siedziby administratora, "
                "z dopiskiem „Inspektor ochrony danych”, we wszystkich sprawach dotyczących przetwarzania danych "
                "osobowych.",
                "Dane osobowe przetwarzamy w celu przyjęcia i obsługi zgłoszeń na warsztaty, do grup roboczych "
                "oraz w konsultacjach społecznych „Strategii rozwoju gminy Konstancin-Jeziorna 2040+”, w tym "
                "w celu kontaktu w tych sprawach, na podstawie art. 6 ust. 1 lit. a RODO (zgoda) oraz art. 6 "
                "ust. 1 lit. e RODO (zadanie realizowane w interesie publicznym).",
                "Odbiorcami danych mogą być podmioty przetwarzające dane na zlecenie administratora, w tym "
                "wykonawca strategii oraz dostawcy usług informatycznych, wyłącznie w zakresie niezbędnym do "
                "realizacji celów wskazanych powyżej.",
                "Dane będą przechowywane do czasu zakończenia prac nad strategią, a następnie przez okres "
                "wynikający z przepisów o archiwizacji; dane przetwarzane na podstawie zgody – do czasu jej "
                "wycofania.",
                "Przysługuje Pani/Panu prawo dostępu do danych, ich sprostowania, usunięcia lub ograniczenia "
                "przetwarzania, prawo do wniesienia sprzeciwu oraz prawo do wycofania zgody w dowolnym momencie "
                "bez wpływu na zgodność z prawem przetwarzania, którego dokonano przed jej wycofaniem.",
                "Przysługuje Pani/Panu prawo wniesienia skargi do Prezesa Urzędu Ochrony Danych Osobowych "
                "(ul. Stawki 2, 00-193 Warszawa).",
                "Podanie danych jest dobrowolne, ale niezbędne do przyjęcia zgłoszenia.",
                "Dane nie będą przetwarzane w sposób zautomatyzowany, w tym w formie profilowania, ani "
                "przekazywane do państw trzecich.",
            ],
        },
    },
]


# --- Generated media -------------------------------------------------------------------------------


def _font(size):
    return ImageFont.load_default(size=size)


def _jpeg(draw_picture, size=(1200, 675), background="#ffffff"):
    picture = PILImage.new("RGB", size, background)
    draw_picture(ImageDraw.Draw(picture), size)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _draw_workshop(draw, size):
    width, height = size
    draw.rectangle([0, 0, width, height], fill="#e8f1ea")
    draw.rounded_rectangle([250, 300, 950, 520], radius=30, fill="#8a5a2b")
    for x in (330, 480, 630, 780):
        draw.rectangle([x, 340, x + 90, 460], fill="#ffffff", outline="#cccccc")
    colours = ["#0b5a2b", "#d9822b", "#2b6cb0", "#b83280", "#2f855a", "#c05621"]
    for index, x in enumerate((300, 500, 700, 900)):
        draw.ellipse([x - 50, 150, x + 50, 250], fill=colours[index])
        draw.rounded_rectangle([x - 70, 240, x + 70, 320], radius=30, fill=colours[index])
    for index, x in enumerate((400, 800)):
        draw.ellipse([x - 50, 540, x + 50, 640], fill=colours[index + 4])


def _draw_meteo(draw, size):
    width, height = size
    draw.pieslice([-200, 250, 700, 1150], start=180, end=360, fill="#1f2a5a")
    for x, y in ((800, 420), (900, 520), (1000, 380), (1100, 560), (760, 600), (980, 630)):
        draw.ellipse([x, y, x + 18, y + 30], fill="#5a8fd8")
    draw.ellipse([60, 40, 160, 140], fill="#d0021b")
    draw.text((100, 90), "!", fill="#ffffff", font=_font(80), anchor="mm")
    draw.text((190, 55), "METEO ALERT", fill="#d0021b", font=_font(80))
    draw.ellipse([880, 40, 1080, 240], fill="#0055a4")
    draw.text((980, 140), "IMGW", fill="#ffffff", font=_font(56), anchor="mm")
    draw.text((980, 290), "burze", fill="#0055a4", font=_font(64), anchor="mm")


def _draw_conference(draw, size):
    width, height = size
    draw.rectangle([0, 0, width, height], fill="#f6e7c8")
    draw.polygon([(0, height), (width // 2, 250), (width, height)], fill="#2f855a")
    draw.ellipse([900, 60, 1100, 260], fill="#d9822b")
    draw.text((80, 80), "KONFERENCJA", fill="#1a1a1a", font=_font(96))
    draw.text((80, 200), "LGD  28.05", fill="#1a1a1a", font=_font(64))


def get_or_create_image(title, draw_picture, filename):
    Image = get_image_model()
    image = Image.objects.filter(title=title).first()
    if image is None:
        image = Image(title=title, file=ImageFile(io.BytesIO(_jpeg(draw_picture)), name=filename))
        image._set_image_file_metadata()
        image.save()
    return image


def get_or_create_document(title, text, filename):
    Document = get_document_model()
    document = Document.objects.filter(title=title).first()
    if document is None:
        document = Document(title=title, file=ContentFile(text.encode("utf-8"), name=filename))
        document._set_document_file_metadata()
        document.save()
    return document


# --- Pages -----------------------------------------------------------------------------------------


def get_or_create_page(parent, model, slug, **fields):
    """Returns the page `slug` under `parent`, creating and publishing it when missing."""
    existing = parent.get_children().filter(slug=slug).specific().first()
    if existing is not None:
        return existing, False
    body = fields.pop("body", None)
    tags = fields.pop("tags", [])
    page = model(slug=slug, **fields)
    if body is not None:
        page.body = json.dumps(body)
    parent.add_child(instance=page)
    if tags:
        page.tags.add(*tags)
    page.save_revision().publish()
    return page, True


def set_site_address(site, site_url):
    """The default site at the address the demo is served at (``scripts/demo``: http://127.0.0.1:PORT),
    so canonical links, og:url, the sitemap and feed items name the same host as robots.txt does."""
    if not site_url:
        return site
    address = urlsplit(site_url)
    if address.scheme not in ("http", "https") or not address.hostname:
        raise ValueError(f"Not an http(s) address: {site_url!r}")
    hostname, port = address.hostname, address.port or (443 if address.scheme == "https" else 80)
    if (site.hostname, site.port) != (hostname, port):
        site.hostname, site.port = hostname, port
        site.save()
    return site


def load_home(site_url=None):
    """A HomePage as the default site's root, replacing Wagtail's placeholder "Welcome" page."""
    root = Page.get_first_root_node()
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site and isinstance(site.root_page.specific, HomePage):
        return site.root_page.specific, set_site_address(site, site_url)
    home, created = get_or_create_page(root, HomePage, "strona-glowna", title=SITE_NAME, intro=HOME_INTRO)
    if site is None:
        site = Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    else:
        site.root_page = home
    site.site_name = SITE_NAME
    site.save()
    set_site_address(site, site_url)
    # Wagtail's install creates a plain Page called "Welcome"; it is of no use once the home page exists.
    for placeholder in Page.objects.filter(
        depth=2, slug="home", content_type=ContentType.objects.get_for_model(Page), numchild=0
    ):
        placeholder.delete()
    return home, site


def load(site_url=None):
    """Builds the demo site (at ``site_url`` if given); returns the pages the other apps' demo code may need."""
    home, site = load_home(site_url)

    workshops_image = get_or_create_image(WORKSHOPS_IMAGE_TITLE, _draw_workshop, "warsztaty-diagnostyczne.jpg")
    meteo_image = get_or_create_image("Meteo alert: burze", _draw_meteo, "meteo-alert-burze.jpg")
    conference_image = get_or_create_image(
        "LGD Perły Mazowsza – plakat konferencji", _draw_conference, "lgd-konferencja.jpg"
    )
    schedule_document = get_or_create_document(
        SCHEDULE_DOCUMENT_TITLE, SCHEDULE_DOCUMENT_TEXT, "harmonogram-prac-nad-strategia.txt"
    )

    news_index, _ = get_or_create_page(
        home,
        NewsIndexPage,
        "aktualnosci",
        title="Aktualności",
        show_in_menus=True,
        intro="<p>Najnowsze informacje o pracach nad strategią rozwoju gminy.</p>",
    )

    news_article, _ = get_or_create_page(
        news_index,
        NewsPage,
        "burmistrz-zaprasza-do-udzialu-w-warsztatach-diagnostycznych",
        title="Burmistrz zaprasza do udziału w warsztatach diagnostycznych",
        date=datetime.date(2025, 1, 8),
        intro=WORKSHOPS_LEAD,
        image=workshops_image,
        image_alt=WORKSHOPS_IMAGE_ALT,
        image_credit="fot. Freepik.com",
        source_url=WORKSHOPS_SOURCE,
        source_label="Konstancin-Jeziorna (www.konstancinjeziorna.pl)",
        tags=["warsztaty", "strategia"],
        body=[
            paragraph(
                "<p>Prace nad „Strategią rozwoju gminy Konstancin-Jeziorna 2040+” nabierają tempa. W najbliższych "
                "dniach, zgodnie z obowiązującym harmonogramem, zaplanowano kolejne działania diagnostyczne, "
                "związane z opracowaniem tego ważnego dokumentu.</p>"
            ),
            heading("Warsztaty dla mieszkańców"),
            paragraph(
                "<p>Już 17 stycznia (piątek) w sali posiedzeń konstancińskiego magistratu zorganizowane zostaną "
                "warsztaty z udziałem mieszkańców. Będą one poświęcone kluczowym obszarom polityki publicznej:</p>"
            ),
            bullet_list(
                [
                    "społecznemu (w godz. 17.00-18.30),",
                    "gospodarczemu (w godz. 18.30-20.00) oraz",
                    "środowiskowo-przestrzennemu (w godz. 20.00-21.30).",
                ]
            ),
            paragraph(
                "<p>Aby zapewnić uczestnikom komfort oraz efektywne warunki pracy, w każdym spotkaniu może wziąć "
                "udział maksymalnie 30 osób. W związku z tym obowiązuje wcześniejsza rejestracja poprzez formularz "
                "dostępny na stronie internetowej: strategia.konstancinjeziorna.pl, zakładka: <b>Ankiety</b>.</p>"
            ),
            {
                "type": "quote",
                "value": {
                    "text": MAYOR_QUOTE,
                    "attribution": "Michał Wiśniewski, burmistrz Konstancina-Jeziorny",
                },
            },
            paragraph(
                "<p>Niezależnie od tego, w ramach obecnego etapu prac nad strategią, do 21 stycznia prowadzone będą "
                "również wywiady pogłębione z 15 kluczowymi interesariuszami, wskazanymi przez burmistrza.</p>"
            ),
            heading("Kluczowy dokument"),
            paragraph(
                "<p>„Strategia rozwoju gminy Konstancin-Jeziorna 2040+” to dokument o strategicznym znaczeniu. "
                "Wytacza on kierunki działań oraz określa cele, które samorząd chce osiągnąć w perspektywie "
                "kolejnych lat. Opracowaniem dokumentu zajmuje się Fundacja Miasto z Poznania, wyłoniona w "
                "postępowaniu o udzielenie zamówienia publicznego. <b>Szczegółowe informacje o strategii oraz "
                "harmonogramie prac można znaleźć na stronie internetowej: strategia.konstancinjeziorna.pl.</b></p>"
            ),
        ],
    )

    get_or_create_page(
        news_index,
        NewsPage,
        "meteo-alert-pierwszego-stopnia-burze",
        title="Meteo alert pierwszego stopnia: Burze",
        date=datetime.date(2024, 5, 18),
        intro=METEO_LEAD,
        image=meteo_image,
        image_alt=METEO_ALT,
        tags=["komunikaty", "pogoda"],
    )
    get_or_create_page(
        news_index,
        NewsPage,
        "lgd-perly-mazowsza-zaprasza-na-konferencje",
        title="LGD Perły Mazowsza zaprasza na konferencję",
        date=datetime.date(2024, 5, 17),
        intro=CONFERENCE_LEAD,
        image=conference_image,
        image_alt=CONFERENCE_ALT,
        tags=["wydarzenia"],
    )

    strategy_page, _ = get_or_create_page(
        home,
        StrategyPage,
        "jak-moge-wlaczyc-sie-w-prace-nad-strategia",
        title="Jak mogę włączyć się w prace nad strategią?",
        show_in_menus=True,
        date=datetime.date(2022, 1, 5),
        intro=STRATEGY_INTRO,
        body=[
            heading("Konsultacje społeczne"),
            paragraph(
                "<p>W ramach działań partycypacyjnych każda zainteresowana osoba, w tym mieszkańcy, rady sołeckie, "
                "przedsiębiorcy, aktywiści, firmy, stowarzyszenia oraz wszelkiego rodzaju organizacje, będą miały "
                "możliwość zgłaszania swoich potrzeb i propozycji w ramach prowadzonych konsultacji społecznych. "
                "Konsultacje będą się odbywały w wyznaczonym przez burmistrza terminie.</p>"
            ),
            heading("Grupy robocze"),
            paragraph(
                "<p>Osoby, które pragną bardziej zaangażować się w przygotowanie strategii, mogą ponadto zgłosić się "
                "do tzw. grup roboczych. Grupy robocze będą zorganizowane wokół poszczególnych tematów. Liczba grup "
                "będzie uzależniona od liczby zgłoszonych osób, ale przewiduje się, że powstaną 4 grupy, do spraw:</p>"
            ),
            bullet_list(["społecznych,", "środowiskowych,", "gospodarczych,", "przestrzennych."]),
            paragraph(
                "<p>Głównym zadaniem grup roboczych będzie uporządkowanie i ocena merytoryczna zebranych w ramach "
                "konsultacji społecznych wniosków i propozycji, wskazanie kluczowych trendów rozwojowych w danym "
                "obszarze tematycznym oraz sformułowanie rekomendacji w zakresie wizji i celów rozwojowych gminy.</p>"
            ),
            heading("Zgłoszenia do grup roboczych"),
            paragraph(
                "<p>Zachęcamy do zgłaszania się do grup roboczych wszystkie osoby, które pragną podzielić się swoją "
                "wiedzą i doświadczeniem w danej dziedzinie.</p>"
            ),
            {
                "type": "contact",
                "value": {
                    "title": "",
                    "text": "Zgłoszenia należy dokonać mailowo lub telefonicznie:",
                    "email": STRATEGY_EMAIL,
                    "phones": ["(22) 484 23 90", "(22) 484 23 92"],
                },
            },
            {
                "type": "schedule",
                "value": {
                    "title": "Harmonogram",
                    "stages": [
                        stage(
                            "Diagnoza sytuacji społeczno-gospodarczej gminy",
                            "2024-11-04",
                            "2025-02-28",
                            "done",
                            "Analiza danych o gminie, warsztaty diagnostyczne i wywiady z interesariuszami.",
                        ),
                        stage(
                            "Prace grup roboczych",
                            "2025-03-03",
                            "2025-06-30",
                            "in_progress",
                            "Ocena wniosków z konsultacji i rekomendacje do wizji oraz celów rozwojowych gminy.",
                        ),
                        stage(
                            "Konsultacje społeczne projektu strategii",
                            "2025-09-01",
                            "2025-10-31",
                            "planned",
                            "Mieszkańcy i organizacje mogą zgłaszać uwagi do projektu dokumentu.",
                        ),
                        stage(
                            "Przyjęcie strategii przez Radę Miejską",
                            "2025-12-01",
                            None,
                            "planned",
                            "",
                        ),
                    ],
                },
            },
            {"type": "downloads", "value": {"title": "Do pobrania", "documents": [schedule_document.pk]}},
        ],
    )

    privacy_page, _ = get_or_create_page(
        home,
        StrategyPage,
        "informacja-o-przetwarzaniu-danych-osobowych",
        title="Informacja o przetwarzaniu danych osobowych",
        intro="Informacja o przetwarzaniu danych osobowych osób zgłaszających się do udziału w pracach nad strategią.",
        body=PRIVACY_BODY,
    )

    accessibility_page = load_accessibility_statement(home)

    if not home.highlights.exists():
        # Through a revision, so the editor shows the highlights that are published.
        home.highlights = [
            HomePageHighlight(
                page=strategy_page, description="Konsultacje społeczne, grupy robocze i harmonogram prac."
            ),
            HomePageHighlight(page=news_article, description="Warsztaty diagnostyczne dla mieszkańców."),
        ]
        home.save_revision().publish()

    site_settings = SiteSettings.for_site(site)
    site_settings.site_name = SITE_NAME
    site_settings.municipality_name = "Urząd Miasta i Gminy Konstancin-Jeziorna"
    site_settings.address = "ul. Piaseczyńska 77\n05-520 Konstancin-Jeziorna"
    site_settings.phone = "(22) 484 23 00"
    site_settings.email = STRATEGY_EMAIL
    site_settings.privacy_page = privacy_page
    site_settings.accessibility_page = accessibility_page
    site_settings.default_og_image = workshops_image
    site_settings.save()

    return {
        "home": home,
        "news_index": news_index,
        "news_article": news_article,
        "strategy_page": strategy_page,
        "privacy_page": privacy_page,
    }


def load_accessibility_statement(home):
    """The "Deklaracja dostępności" (demo data: the dates and the contact person are examples)."""
    page, _ = get_or_create_page(
        home,
        AccessibilityStatementPage,
        "deklaracja-dostepnosci",
        title="Deklaracja dostępności",
        entity_name="Urząd Miasta i Gminy Konstancin-Jeziorna",
        published_on=datetime.date(2024, 11, 4),
        updated_on=datetime.date(2025, 1, 8),
        compliance_status=AccessibilityStatementPage.Compliance.PARTIAL,
        non_accessible_content=(
            "<ul><li>Niektóre dokumenty PDF opublikowane przed uruchomieniem strony (np. skany uchwał) nie są "
            "dostępne cyfrowo; na żądanie udostępnimy je w innej formie.</li>"
            "<li>Mapy w dokumentach strategii nie mają pełnego opisu tekstowego.</li></ul>"
            "<p>Wyłączenia: mapy są wyłączone z obowiązku zapewniania dostępności cyfrowej (art. 3 ust. 4 pkt 4 "
            "ustawy), o ile nie są przeznaczone do celów nawigacyjnych.</p>"
        ),
        prepared_on=datetime.date(2025, 1, 8),
        reviewed_on=datetime.date(2025, 1, 8),
        assessment_method=AccessibilityStatementPage.Method.SELF,
        contact_person="Koordynator do spraw dostępności (dane demonstracyjne)",
        contact_email="dostepnosc@konstancinjeziorna.pl",
        contact_phone="22 484 23 00",
        architectural_accessibility=(
            "<p>Urząd Miasta i Gminy Konstancin-Jeziorna, ul. Piaseczyńska 77, 05-520 Konstancin-Jeziorna "
            "(opis demonstracyjny).</p>"
            "<ul><li>Do budynku prowadzi wejście od ul. Piaseczyńskiej, dostępne dla osób poruszających się na "
            "wózkach (pochylnia).</li>"
            "<li>Sala posiedzeń, w której odbywają się warsztaty, znajduje się na parterze.</li>"
            "<li>Przed budynkiem wyznaczono miejsce parkingowe dla osób z niepełnosprawnościami.</li>"
            "<li>Do budynku można wejść z psem asystującym i psem przewodnikiem.</li>"
            "<li>Na spotkania można zamówić tłumacza polskiego języka migowego – prosimy o zgłoszenie co najmniej "
            "3 dni robocze wcześniej.</li></ul>"
        ),
    )
    return page
