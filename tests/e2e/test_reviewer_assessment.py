"""Reviewers of the social working group (members of its reviewers' group and of the role "Recenzenci grup
roboczych", not superusers) work from the dashboard in the Polish admin: the panel leads to the next
submission waiting for assessment, the reviewer assesses it and changes the assessment, and sees both
versions (who, when, what changed); a second reviewer who saves on a stale version is told, and nothing is
overwritten silently."""

import re

from playwright.sync_api import expect

from .helpers import admin_screenshot, log_in_as_member
from .polish import assert_no_english


def log_in_reviewer(page, demo_site, username, first_name, last_name):
    """A member of the reviewers' role and of the social group's reviewers; the dashboard is loaded again
    once the user reviews the area."""
    from forms.models import WorkingGroup
    from forms.privacy.permissions import ROLE_REVIEWERS

    user = log_in_as_member(page, demo_site, username, ROLE_REVIEWERS, first_name=first_name, last_name=last_name)
    user.groups.add(WorkingGroup.objects.get(name="społeczna").reviewers)
    page.reload()
    return user


def waiting_submissions():
    """Two accepted submissions of the social area in the open consultation, not assessed yet."""
    from forms.consultations import services as consultations
    from forms.consultations.demo import OPEN_SLUG, _demo_admin
    from forms.models import ConsultationPage, ThematicArea

    consultation = ConsultationPage.objects.get(slug=OPEN_SLUG)
    area = ThematicArea.objects.get(name="społeczny")
    submissions = []
    for number, title in enumerate(("Plac zabaw w Mirkowie", "Świetlica w Kierszku"), start=1):
        submission = consultations.submit(
            consultation, full_name=f"Mieszkanka {number}", email=f"mieszkanka{number}@example.org",
            represents="mieszkaniec", area=area, title=title, content="Proszę o rozważenie tej propozycji.",
        )
        submissions.append(consultations.moderate(submission, user=_demo_admin(), accept=True))
    return submissions


def test_reviewers_assess_from_the_dashboard_keep_versions_and_never_overwrite_each_other(
    page, other_page, demo_site, screenshot_dir
):
    from forms.models import Assessment

    first, _second = waiting_submissions()
    log_in_reviewer(page, demo_site, "recenzentka", "Alicja", "Oceniająca")
    panel = page.locator("section").filter(has=page.get_by_role("heading", name="Zgłoszenia czekające na Twoją ocenę"))
    expect(panel).to_contain_text("2 zgłoszenia z obszaru Twojej grupy roboczej czekają na ocenę.")
    assert_no_english(page, selector="#reviewer-panel-heading >> xpath=ancestor::section", label="reviewer panel")
    # Wagtail 8's dashboard hard-codes the screen-reader-only button of its search box as "Search"
    # (wagtailadmin/home.html, not translatable): the only word allowed on the rest of the dashboard.
    assert_no_english(page, allow=("search",), label="reviewer dashboard")
    admin_screenshot(page, screenshot_dir / "reviewer-dashboard-1280.png")

    panel.get_by_role("link", name=f"Oceń następne: {first.reference}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(first.reference)
    assert_no_english(page, label="submission to assess")
    page.get_by_role("radio", name="uwzględnić", exact=True).check()
    page.get_by_role("textbox", name="Uzasadnienie").fill("Brakuje placu zabaw w tej części gminy.")
    page.get_by_role("textbox", name="Trendy").fill("młode rodziny")
    page.get_by_role("button", name="Zapisz ocenę").click()
    expect(page.locator(".messages")).to_contain_text("Ocena została zapisana.")

    # A second thought: in part only.
    page.get_by_role("radio", name="uwzględnić częściowo").check()
    page.get_by_role("button", name="Zapisz ocenę").click()
    expect(page.locator(".messages")).to_contain_text("Ocena została zapisana.")
    versions = page.get_by_role("table").filter(has_text="Co się zmieniło")
    expect(versions.get_by_role("row")).to_have_count(3)  # header + two versions
    newest, oldest = versions.get_by_role("row").nth(1), versions.get_by_role("row").nth(2)
    expect(newest).to_contain_text("Alicja Oceniająca")
    expect(newest).to_contain_text("rekomendacja")
    expect(newest).to_contain_text("uwzględnić częściowo")
    expect(oldest).to_contain_text("pierwsza wersja")
    expect(oldest).to_contain_text("młode rodziny")
    assert_no_english(page, label="assessment versions")
    admin_screenshot(page, screenshot_dir / "reviewer-versions-1280.png")

    # A second reviewer of the group, at another computer, opens the same submission and saves a change
    # while the first still has the form open.
    log_in_reviewer(other_page, demo_site, "recenzent-drugi", "Bogdan", "Drugi")
    other_page.get_by_role("button", name="Partycypacja").click()
    other_page.get_by_role("link", name="Zgłoszenia do konsultacji").click()
    other_page.get_by_role("link", name=re.compile(re.escape(first.reference))).first.click()
    other_page.get_by_role("textbox", name="Uzasadnienie").fill("Plac zabaw jest już w planie inwestycji.")
    other_page.get_by_role("radio", name="nie uwzględniać").check()
    other_page.get_by_role("button", name="Zapisz ocenę").click()
    expect(other_page.locator(".messages")).to_contain_text("Ocena została zapisana.")

    page.get_by_role("textbox", name="Uzasadnienie").fill("Mój nowy tekst, którego nie wolno zgubić.")
    page.get_by_role("button", name="Zapisz ocenę").click()
    expect(page.get_by_role("alert").filter(has_text="Nowsza wersja 3")).to_contain_text("Bogdan Drugi")
    expect(page.get_by_text("Ktoś zapisał nowszą wersję oceny")).to_be_visible()
    expect(page.get_by_role("textbox", name="Uzasadnienie")).to_have_value("Mój nowy tekst, którego nie wolno zgubić.")
    assert_no_english(page, label="stale version refused")
    admin_screenshot(page, screenshot_dir / "reviewer-stale-1280.png")
    assessment = Assessment.objects.get(submission=first)
    assert (assessment.version, assessment.justification) == (3, "Plac zabaw jest już w planie inwestycji.")
    assert assessment.versions.count() == 3
