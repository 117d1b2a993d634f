"""A form administrator changes a session's capacity in the Polish admin and finds a new
registration in Wagtail's list of the workshop's submissions; a resident with the workshop page open
(its content kept in the fragment cache) sees the new number of places, then one place less."""

import re

from playwright.sync_api import expect

from .helpers import expect_workshop_places, log_in_to_admin, publish_in_editor

SOCIAL = "Obszar społeczny"


def test_form_administrator_changes_capacity_and_sees_a_new_registration(page, other_page, demo_site, workshop):
    from forms.workshops import services

    # A resident, at another computer, has the workshop page open.
    resident, workshop_url = other_page, demo_site.url(workshop)
    social = workshop.sessions.get(title=SOCIAL)
    confirmed = social.registrations.filter(status="confirmed").count()
    expect_workshop_places(resident, workshop_url, SOCIAL, social.capacity - confirmed, social.capacity)

    log_in_to_admin(page, demo_site, "administratorka")

    # The first inline session of the editor is "Obszar społeczny": 30 places become 35.
    page.goto(demo_site.url(f"/admin/pages/{workshop.pk}/edit/"))
    first_session = page.get_by_role("region", name="Sesja 1")
    expect(first_session.get_by_role("textbox", name=re.compile("^Tytuł lub temat"))).to_have_value(SOCIAL)
    first_session.get_by_role("spinbutton", name=re.compile("^Liczba miejsc")).fill("35")
    publish_in_editor(page)
    expect(page.get_by_role("status")).to_contain_text("opublikowana")
    assert workshop.sessions.get(title=SOCIAL).capacity == 35
    expect_workshop_places(resident, workshop_url, SOCIAL, 35 - confirmed, 35)

    # A resident registers meanwhile; the administrator finds the registration in the list.
    social = workshop.sessions.get(title=SOCIAL)
    services.register(workshop, sessions=[social], full_name="Zofia Wiśniewska", email="zofia.w@example.org")
    page.goto(demo_site.url(f"/admin/forms/submissions/{workshop.pk}/"))
    row = page.get_by_role("row").filter(has_text="Zofia Wiśniewska")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("zofia.w@example.org")
    expect(row).to_contain_text(SOCIAL)
    expect_workshop_places(resident, workshop_url, SOCIAL, 35 - confirmed - 1, 35)
