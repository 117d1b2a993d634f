"""A reviewer of the social working group edits the group's recommendations in the Polish admin, marks
the saved version as agreed, and a resident finds it in the public consultation report."""

import re

from playwright.sync_api import expect


def test_reviewer_edits_and_agrees_the_recommendations(page, other_page, demo_site, screenshot_dir):
    from forms.models import ConsultationReportPage, GroupRecommendations
    from forms.working_groups.demo import DEMO_REVIEWER_PASSWORD_DEFAULT, DEMO_REVIEWER_USERNAME

    document = GroupRecommendations.objects.get(group__name="społeczna")
    report = ConsultationReportPage.objects.get(slug="raport")

    page.goto(demo_site.url("/admin/login/"))
    page.get_by_label("Nazwa użytkownika").fill(DEMO_REVIEWER_USERNAME)
    page.locator("#id_password").fill(DEMO_REVIEWER_PASSWORD_DEFAULT)
    page.get_by_role("button", name="Zaloguj się").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    page.goto(demo_site.url("/admin/snippets/strategy_forms/grouprecommendations/"))
    expect(page.get_by_role("link", name=re.compile("Rekomendacje grupy „społeczna”"))).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "recommendations-list-reviewer.png"), full_page=True)
    page.get_by_role("link", name=re.compile("Rekomendacje grupy „społeczna”")).click()

    vision = page.get_by_role("textbox", name=re.compile("^Wizja"))
    vision.fill("Gmina bliskich usług dla rodzin i seniorów, współtworzona przez mieszkańców.")
    page.get_by_role("button", name="Dodaj cel").click()
    goal = page.locator("[data-inline-panel-child]:not(.deleted)").last
    goal.get_by_role("textbox", name=re.compile("^Cel rozwojowy")).fill("Miejsca spotkań w każdym sołectwie")
    goal.get_by_role("textbox", name=re.compile("^Uzasadnienie")).fill("Mieszkańcy wskazują brak miejsc spotkań.")
    goal.get_by_label("starzenie się mieszkańców").check()
    goal.get_by_label(re.compile("Dzienny dom seniora")).check()
    page.screenshot(path=str(screenshot_dir / "recommendations-edit-reviewer.png"), full_page=True)
    page.get_by_role("button", name="Zapisz").first.click()
    expect(page.locator(".messages")).to_contain_text("zaktualizowan")

    # The draft is not public yet: the report still shows the version agreed in the demo.
    other_page.goto(demo_site.url(report))
    expect(other_page.get_by_text("Dostępna opieka nad dziećmi do lat 3")).to_be_visible()
    expect(other_page.get_by_text("Miejsca spotkań w każdym sołectwie")).to_have_count(0)

    # Saving returns to the list; the editor now offers to agree the saved version.
    page.goto(demo_site.url(f"/admin/snippets/strategy_forms/grouprecommendations/edit/{document.pk}/"))
    page.get_by_role("link", name="Oznacz zapisaną wersję jako uzgodnioną").first.click()
    expect(page.get_by_role("heading", name=re.compile("Wersja zapisana"))).to_be_visible()
    page.get_by_label("Jak grupa je uzgodniła").fill("spotkanie grupy 12 marca")
    page.screenshot(path=str(screenshot_dir / "recommendations-agree-reviewer.png"), full_page=True)
    page.get_by_role("button", name="Oznacz tę wersję jako uzgodnioną").click()
    expect(page.locator(".messages")).to_contain_text("oznaczono jako uzgodnioną")

    document.refresh_from_db()
    assert document.state == "agreed" and document.agreed_revision_id == document.latest_revision_id
    assert document.agreed_by.username == DEMO_REVIEWER_USERNAME

    other_page.goto(demo_site.url(report))
    section = other_page.locator(".group-recommendations")
    expect(section).to_contain_text("Miejsca spotkań w każdym sołectwie")
    expect(section).to_contain_text("Gmina bliskich usług dla rodzin i seniorów")
    expect(section).not_to_contain_text("Osoba Demonstracyjna")
