"""Real-browser tests: Playwright drives Debian's Chromium against Django's live test server.

Run them alone (SQLite only; they never download a browser):

    TEST_SQLITE_PATH=/tmp/test-e2e.sqlite3 .venv/bin/python -m pytest tests/e2e -q

Every test in this folder is marked ``browser`` (so ``-m "not browser"`` leaves them out) and is a
transactional test: the live server runs in another thread and must see committed data. The page and
fragment caches are on, as on the real site (``_production_caches``).
"""

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in the test's thread; Django refuses ORM calls from a
# thread with a running loop unless this is set. It is read when a query runs, so setting it at
# import time (before any test touches the database) is enough.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Playwright adds --headless itself (Chromium's new headless mode); these keep the browser quiet,
# offline and usable as root in a container.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]

E2E_DIR = Path(__file__).parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Marks every test of this folder ``browser`` and as a transactional database test.

    It runs before pytest-django's own hook, which then puts them with the other transactional tests,
    last. That is for speed only: after each of them ``tests/conftest.py`` loads back what their flush
    removed, so a test that runs after them (``--random-order``, another selection) passes all the same."""
    for item in items:
        if E2E_DIR in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)
            if item.get_closest_marker("django_db") is None:
                item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.fixture(autouse=True)
def _production_caches(settings):
    """The page and fragment caches on, as residents get them (cms/settings/base.py), though the test
    settings switch them off for the rest of the suite.

    The live server runs in a thread of this process and reads these settings on every request. This
    fixture is function-scoped like ``demo_site`` (the live server itself creates no content), and runs
    before it: the demo content is loaded, and every page served, with the caches on. The cache starts
    empty in each test (``_fresh_public_caches`` in tests/conftest.py). The generation is read from the
    database on every request (``PAGE_CACHE_LOCAL_SECONDS`` 0): a change the test makes shows at once,
    without waiting for the one second a process of the real site may keep it.
    """
    settings.PAGE_CACHE_SECONDS = 300
    settings.FRAGMENT_CACHE_SECONDS = 3600
    settings.PAGE_CACHE_LOCAL_SECONDS = 0


@pytest.fixture(scope="session")
def base_url(pytestconfig):
    """The ``--base-url`` option (or ``base_url`` ini value) for pytest-playwright's browser contexts.

    Without pytest-base-url, pytest-playwright 0.10 provides this fixture as an instance method of a plugin
    class, which pytest 9 deprecates (``PytestRemovedIn10Warning``); this module-level one replaces it
    with the same value. The tests themselves use the live server's URL (``demo_site``)."""
    return pytestconfig.getoption("--base-url", None) or pytestconfig.getini("base_url") or None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Polish, like the residents; Warsaw time, like the site.
    return {**browser_context_args, "locale": "pl-PL", "timezone_id": "Europe/Warsaw"}


@pytest.fixture
def page(page):
    # Fail fast instead of waiting 30 s for an element that will not appear.
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def other_page(new_context):
    """A second person at another computer: a page in a browser context of its own (no shared cookies),
    for a test in which a resident reads the public site while an administrator works in the admin."""
    other = new_context().new_page()
    other.set_default_timeout(10_000)
    return other


@pytest.fixture(scope="session")
def screenshot_dir(pytestconfig):
    """test-results/screenshots/ (pytest-playwright's --output folder, emptied at the start of a run)."""
    path = Path(pytestconfig.getoption("--output")).absolute() / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class DemoSite:
    base_url: str
    pages: dict

    def url(self, page_or_path):
        """Absolute URL of a Wagtail page or of a path on the live server."""
        if isinstance(page_or_path, str):
            return self.base_url + page_or_path
        return self.base_url + page_or_path.specific.url


@pytest.fixture
def demo_site(live_server, settings, _production_caches):
    """The demo site (the same content as ``manage.py load_demo_content``) served by the live server.

    The default Wagtail Site gets the live server's host and port, so absolute URLs (canonical
    links, the cancel links in mails) point at the server the browser talks to.
    """
    from django.core.management import call_command
    from wagtail.models import Site

    from strategy_pages.management.commands.load_demo_content import other_apps_demo_modules
    from strategy_pages.models import NewsPage

    settings.ROOT_URLCONF = "tests.e2e.urls"
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    call_command("load_demo_content", stdout=open(os.devnull, "w"))  # noqa: SIM115

    site = Site.objects.get(is_default_site=True)
    address = urlsplit(live_server.url)
    site.hostname, site.port = address.hostname, address.port
    site.save()

    home = site.root_page.specific
    pages = {
        "home": home,
        "news_index": home.get_children().get(slug="aktualnosci").specific,
        "news_article": NewsPage.objects.get(slug="burmistrz-zaprasza-do-udzialu-w-warsztatach-diagnostycznych"),
        "strategy_page": home.get_children().get(slug="jak-moge-wlaczyc-sie-w-prace-nad-strategia").specific,
        "privacy_page": home.get_children().get(slug="informacja-o-przetwarzaniu-danych-osobowych").specific,
    }
    if any(module.__name__ == "forms.demo" for module in other_apps_demo_modules()):
        from forms.models import WorkshopPage

        pages["workshop"] = WorkshopPage.objects.live().first()
    return DemoSite(base_url=live_server.url, pages=pages)


@pytest.fixture
def workshop(demo_site):
    """The demo's workshop page (three sessions): the demo always has one."""
    page = demo_site.pages.get("workshop")
    assert page is not None, "the demo content has no workshop page"
    return page
