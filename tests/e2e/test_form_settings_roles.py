"""Points 1 and 9 of issue 13 in the browser: the page editor of a workshop, as an editor ("Redaktorzy")
and as a form administrator, with the Content-Security-Policy on and no violation in the console.

The editor sees and changes the title but neither "Powiadamiaj", the sessions, the staff mail nor the
retention; the administrator sees them, changes "Powiadamiaj", publishes, and the value is live."""

import re

import pytest
from playwright.sync_api import expect

from .helpers import publish_in_editor

pytestmark = pytest.mark.browser

PASSWORD = "haslo-testowe-2040"


def make_user(username, group_name):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def watch_console(page):
    """Every CSP violation and script error of the page, to assert there are none."""
    problems = []

    def on_console(message):
        if message.type == "error" and ("Content Security Policy" in message.text or "CSP" in message.text):
            problems.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.add_init_script("""
        document.addEventListener('securitypolicyviolation', (event) => {
            console.error('CSP violation: ' + event.violatedDirective + ' ' + event.blockedURI);
        });
    """)
    return problems


def log_in(page, demo_site, username):
    page.goto(demo_site.url("/admin/login/"))
    page.get_by_label("Nazwa użytkownika").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def open_editor(page, demo_site, workshop):
    response = page.goto(demo_site.url(f"/admin/pages/{workshop.pk}/edit/"))
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "camera=()" in response.headers["permissions-policy"]
    expect(page.locator("#id_title")).to_be_visible()


def test_an_editor_edits_content_but_not_where_personal_data_goes(page, demo_site):
    from forms.models import WorkshopPage

    workshop = demo_site.pages["workshop"]
    before = WorkshopPage.objects.get(pk=workshop.pk)
    make_user("redaktorka-e2e", "Redaktorzy")
    problems = watch_console(page)
    log_in(page, demo_site, "redaktorka-e2e")
    open_editor(page, demo_site, workshop)

    for hidden in ("notification_recipients", "staff_notifications", "retention_days", "data_protection_notice",
                   "registration_opens_at", "waitlist_enabled", "sessions-TOTAL_FORMS", "form_fields-TOTAL_FORMS"):
        expect(page.locator(f'[name="{hidden}"]')).to_have_count(0)
    expect(page.get_by_role("textbox", name=re.compile("^Powiadamiaj"))).to_have_count(0)

    page.locator("#id_title").fill(before.title + " – nowy tytuł")
    publish_in_editor(page)
    expect(page.get_by_role("status")).to_contain_text("opublikowana")
    after = WorkshopPage.objects.get(pk=workshop.pk)
    assert after.title.endswith("nowy tytuł")
    assert after.notification_recipients == before.notification_recipients
    assert list(after.sessions.values_list("capacity", flat=True)) == list(
        before.sessions.values_list("capacity", flat=True))
    assert problems == [], "\n".join(problems)


def test_a_form_administrator_routes_notifications(page, demo_site):
    from forms.models import WorkshopPage

    workshop = demo_site.pages["workshop"]
    make_user("administratorka-e2e", "Administratorzy formularzy")
    problems = watch_console(page)
    log_in(page, demo_site, "administratorka-e2e")
    open_editor(page, demo_site, workshop)

    notify = page.get_by_role("textbox", name=re.compile("^Powiadamiaj"))
    expect(notify).to_be_visible()
    expect(page.locator('[name="sessions-TOTAL_FORMS"]')).to_have_count(1)
    notify.fill("sekretariat@example.org")
    publish_in_editor(page)
    expect(page.get_by_role("status")).to_contain_text("opublikowana")
    assert WorkshopPage.objects.get(pk=workshop.pk).notification_recipients == "sekretariat@example.org"
    assert problems == [], "\n".join(problems)


def test_public_pages_run_under_the_strict_policy(page, demo_site):
    problems = watch_console(page)
    for name in ("home", "workshop", "news_article"):
        response = page.goto(demo_site.url(demo_site.pages[name]))
        policy = response.headers["content-security-policy"]
        assert "style-src 'self';" in policy and "'unsafe-inline'" not in policy
    assert problems == [], "\n".join(problems)
