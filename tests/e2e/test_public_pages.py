"""Every public page type of the demo site: axe-core (WCAG 2.0/2.1 A and AA) at 1280 and 360 px,
the 360 px rules (no sideways scrolling, 44 px controls), screenshots, and keyboard basics."""

import pytest

from .helpers import (
    DESKTOP,
    MOBILE,
    assert_focus_visible,
    assert_mobile_friendly,
    assert_no_axe_violations,
    save_screenshots,
)


def public_pages(demo_site):
    pages = demo_site.pages
    news_index_url = demo_site.url(pages["news_index"])
    return [
        ("home", demo_site.url(pages["home"]), 200),
        ("news-index", news_index_url, 200),
        ("news-index-tag", news_index_url + "?tag=warsztaty", 200),
        ("news-page", demo_site.url(pages["news_article"]), 200),
        ("strategy-page", demo_site.url(pages["strategy_page"]), 200),
        ("privacy-page", demo_site.url(pages["privacy_page"]), 200),
        ("search-results", demo_site.url("/szukaj/?q=warsztaty"), 200),
        ("search-no-results", demo_site.url("/szukaj/?q=qwertyuiop"), 200),
        ("search-empty", demo_site.url("/szukaj/"), 200),
        ("not-found", demo_site.url("/nie-ma-takiej-strony/"), 404),
        *participation_and_statement_pages(demo_site),
    ]


def participation_and_statement_pages(demo_site):
    """The working-group sign-up, both demo consultations, the report and the accessibility statement."""
    from django.utils import timezone

    from forms.models import ConsultationPage, ConsultationReportPage, WorkingGroupSignupPage
    from strategy_pages.models import AccessibilityStatementPage

    now = timezone.now()
    open_consultation = ConsultationPage.objects.live().filter(ends_at__gt=now).first()
    pages = [
        ("working-group-signup", WorkingGroupSignupPage.objects.live().get()),
        ("consultation-open", open_consultation),
        ("consultation-report", ConsultationReportPage.objects.live().get()),
        ("accessibility-statement", AccessibilityStatementPage.objects.live().get()),
    ]
    assert all(page is not None for _name, page in pages), pages
    return [(name, demo_site.url(page), 200) for name, page in pages]


def check_page(page, name, url, status, screenshot_dir):
    """All checks of one page; returns the failure messages instead of stopping at the first."""
    failures = []
    for size in (DESKTOP, MOBILE):
        page.set_viewport_size(size)
        response = page.goto(url)
        assert response.status == status, f"{name}: HTTP {response.status}"
        checks = [assert_no_axe_violations] + ([assert_mobile_friendly] if size is MOBILE else [])
        for check in checks:
            try:
                check(page)
            except pytest.fail.Exception as error:
                failures.append(f"[{name} @ {size['width']} px] {error}")
    save_screenshots(page, url, name, screenshot_dir)
    return failures


def test_public_pages_pass_axe_and_mobile_checks(page, demo_site, screenshot_dir):
    failures = []
    for name, url, status in public_pages(demo_site):
        failures += check_page(page, name, url, status, screenshot_dir)
    assert not failures, "\n\n".join(failures)


def test_search_results_are_announced_and_listed(page, demo_site):
    page.goto(demo_site.url("/szukaj/"))
    page.get_by_role("searchbox", name="Szukaj w serwisie").fill("warsztaty")
    page.get_by_role("button", name="Szukaj", exact=True).click()
    assert page.get_by_role("status").filter(has_text="warsztaty").is_visible()
    results = page.locator(".search-results li")
    assert results.count() >= 1
    assert page.get_by_role("link", name="Burmistrz zaprasza do udziału w warsztatach diagnostycznych").is_visible()


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page, demo_site):
    page.goto(demo_site.url(demo_site.pages["news_article"]))
    page.keyboard.press("Tab")
    skip_link = page.locator(":focus")
    assert skip_link.get_attribute("class") == "skip-link"
    assert skip_link.inner_text() == "Przejdź do treści głównej"
    box = skip_link.bounding_box()
    assert box and box["y"] >= 0 and box["height"] >= 44, f"the focused skip link is not on screen: {box}"
    assert_focus_visible(skip_link)

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab continues inside the main content, not at the top of the page.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_focus_is_visible_on_every_link_and_button(page, demo_site):
    """Tabs through the whole search page and the news index: every stop shows a focus indicator."""
    for url in (demo_site.url("/szukaj/?q=warsztaty"), demo_site.url(demo_site.pages["news_index"])):
        page.goto(url)
        stops = page.evaluate(
            "document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea').length"
        )
        seen = set()
        for _ in range(stops):
            page.keyboard.press("Tab")
            focused = page.locator(":focus")
            if focused.count() == 0:
                break
            assert_focus_visible(focused)
            seen.add(focused.evaluate("el => el.tagName"))
        assert {"A", "BUTTON"} <= seen or "/szukaj/" not in url, seen
