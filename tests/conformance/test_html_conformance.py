"""Point 1 of issue 16: every public page of the demo site and every form's error state is valid
HTML by the Nu HTML Checker (zero errors), checked in one JVM run over all crawled pages."""

import os

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string

from .crawl import crawl
from .vnu import check_html_files

pytestmark = pytest.mark.django_db

# Pages no link leads to (or only some states of them): searches, an unknown page, the form index.
EXTRA_PATHS = [
    "/szukaj/?q=warsztaty",
    "/szukaj/?q=qwertyuiop",
    "/szukaj/?q=%22%3E",
    "/szukaj/?q=warsztaty&page=2",
    "/nie-ma-takiej-strony/",
]


@pytest.fixture
def demo_content():
    call_command("load_demo_content", stdout=open(os.devnull, "w"))  # noqa: SIM115


def submission_pages(client):
    """The result page after a registration and "Moje zgłoszenie" (issue 15.2), which only signed links reach."""
    from forms.models import WorkshopPage
    from forms.workshops import services

    workshop = WorkshopPage.objects.live().first()
    sessions = list(workshop.sessions.order_by("sort_order"))
    first, *_others = services.register(workshop, sessions=sessions, full_name="Ala", email="ala@example.org")
    manage = f"/rejestracja/zgloszenie/{services.submission_token(first.submission)}/"
    cancelled = client.post(manage, {"action": "cancel", "registration": first.registration.pk}, follow=True)
    result = client.get(f"/rejestracja/wynik/{services.result_token(workshop, [s.pk for s in sessions], [])}/")
    assert cancelled.status_code == result.status_code == 200
    return {"page submission after a cancellation": cancelled.content.decode(),
            "page registration result": result.content.decode(),
            "page submission with a bad token": client.get("/rejestracja/zgloszenie/zly-token/").content.decode()}


def test_every_public_page_and_form_error_state_is_valid_html(client, demo_content, tmp_path):
    pages, forms = crawl(client, extra=EXTRA_PATHS)
    # The crawl reaches every kind of page (so a broken link or crawler cannot pass with nothing checked).
    assert len(pages) >= 25, sorted(pages)
    assert any("/ochrona-danych/" in path for path in pages), sorted(pages)
    assert any(status == 404 for status, _html in pages.values())
    assert len({action for _page, action in forms}) >= 4, forms

    documents = {}
    for path, (_status, html) in pages.items():
        documents[f"page {path}"] = html
    for page_path, action in sorted(set(forms)):
        response = client.post(action, {})
        assert response.status_code < 500, (action, response.status_code)
        html = response.content.decode()
        assert 'id="form-errors"' in html, (action, response.status_code)  # the error state, not another page
        documents[f"errors {page_path} -> {action}"] = html
    assert sum(name.startswith("errors") for name in documents) >= 4
    # The error pages that no link leads to: 400 (a request the server cannot read), 403, 500.
    bad_request = client.get("/", HTTP_HOST="bad host name")
    assert bad_request.status_code == 400
    documents["page 400"] = bad_request.content.decode()
    documents["page 403"] = render_to_string("403.html")
    documents["page 500"] = render_to_string("500.html")
    cancel = client.get("/rejestracja/anuluj/nie-ma-takiego-tokenu/")
    assert cancel.status_code in (400, 404, 200)
    documents["page cancel with a bad token"] = cancel.content.decode()
    documents.update(submission_pages(client))

    # A canary the checker must reject: proves it ran over the files and reports what it finds.
    documents["canary"] = '<!DOCTYPE html><html lang="pl"><title>x</title><p id="a"><p id="a">'
    files = {}
    for number, (name, html) in enumerate(sorted(documents.items())):
        path = tmp_path / f"{number:03}.html"
        path.write_text(html, encoding="utf-8")
        files[f"file:{path}"] = name
    errors, warnings = check_html_files([url.removeprefix("file:") for url in files])
    canary = [m for m in errors if files.get(m.get("url")) == "canary"]
    assert [m["message"] for m in canary] == ["Duplicate ID “a”."], canary
    report = [
        f"{files.get(m.get('url'), m.get('url'))}: line {m.get('lastLine')}: {m['message']} [{m.get('extract', '')}]"
        for m in errors
        if m not in canary
    ]
    print(f"Nu HTML Checker: {len(files) - 1} documents, {len(report)} errors, {len(warnings)} warnings")
    for message in warnings:
        print("warning:", files.get(message.get("url")), message["message"])
    assert not report, "\n".join(report)
