"""Consultation period, receipts, attachments, moderation, assessment and who may see what."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry

from forms.consultations import services as consultations
from forms.models import Assessment, ConsultationSubmission, Trend
from tests.forms.fixtures_participation import make_consultation, make_user, png_bytes, submit, upload

pytestmark = pytest.mark.django_db

Status = ConsultationSubmission.Status


def form_data(area, **overrides):
    return {
        "full_name": "Anna Kowalska",
        "email": "anna@example.org",
        "phone": "",
        "represents": "mieszkaniec",
        "area": area.pk,
        "title": "Ławki w parku",
        "content": "Proszę o ławki w parku zdrojowym.",
        "place": "Park Zdrojowy",
        "consent": "on",
        **overrides,
    }


# Period and receipt ---------------------------------------------------------------------------


def test_a_submission_gets_a_unique_reference_number_and_a_receipt(
    consultation, areas, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(consultation, areas["społeczny"], 1)
    second = submit(consultation, areas["społeczny"], 2)
    year = timezone.localtime(first.submit_time).year
    assert re.fullmatch(rf"KS-{year}-\d{{6}}", first.reference)
    assert first.reference == f"KS-{year}-{first.pk:06d}"
    assert first.reference != second.reference
    assert ConsultationSubmission.objects.filter(reference=first.reference).count() == 1
    receipt = next(message for message in mailoutbox if message.to == ["jan1@example.org"])
    assert first.reference in receipt.subject and first.reference in receipt.body
    assert any(message.to == ["biuro@example.org"] for message in mailoutbox)


def test_the_reference_number_is_unique_in_the_database(consultation, areas):
    from django.db import IntegrityError, transaction

    first = submit(consultation, areas["społeczny"], 1)
    second = submit(consultation, areas["społeczny"], 2)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationSubmission.objects.filter(pk=second.pk).update(reference=first.reference)


def test_page_post_shows_the_receipt(consultation, areas, client):
    response = client.post(consultation.url, form_data(areas["przestrzenny"]))
    assert response.status_code == 200
    submission = ConsultationSubmission.objects.get()
    assert submission.reference in response.content.decode()
    assert (submission.area, submission.place, submission.status) == (areas["przestrzenny"], "Park Zdrojowy", "new")


@pytest.mark.parametrize(
    ("starts_in", "expected"), [(timedelta(days=2), "has not started"), (-timedelta(days=41), "ended on")]
)
def test_submissions_outside_the_period_are_refused_with_a_clear_message(
    site_root, areas, client, settings, starts_in, expected
):
    settings.LANGUAGE_CODE = "en"
    page = make_consultation(site_root, starts_at=timezone.now() + starts_in, slug="poza-terminem")
    with pytest.raises(consultations.ConsultationClosed) as refused:
        submit(page, areas["społeczny"])
    assert expected in str(refused.value.message)
    response = client.post(page.url, form_data(areas["społeczny"]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert expected in str(response.context["form"].non_field_errors())
    assert not ConsultationSubmission.objects.exists()


def test_the_page_states_the_deadline_and_how_to_submit(consultation, client):
    html = client.get(consultation.url).content.decode()
    assert timezone.localtime(consultation.ends_at).strftime("%Y") in html
    assert "Przez formularz lub w kancelarii urzędu." in html


def test_the_admin_warns_when_the_period_is_shorter_than_35_days(consultation, site_root, client):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

    admin = make_user("admin", superuser=True)
    client.force_login(admin)

    def edit(days):
        starts = timezone.localtime(consultation.starts_at)
        data = nested_form_data({
            "title": consultation.title,
            "slug": consultation.slug,
            "intro": rich_text(""),
            "starts_at": starts.strftime("%Y-%m-%d %H:%M"),
            "ends_at": (starts + timedelta(days=days)).strftime("%Y-%m-%d %H:%M"),
            "how_to_submit": rich_text("<p>Formularz.</p>"),
            "representation_choices": "mieszkaniec",
            "notification_recipients": "",
            "comments": inline_formset([]),
        })
        response = client.post(f"/admin/pages/{consultation.pk}/edit/", data, follow=True)
        assert response.status_code == 200
        return [str(message) for message in response.context["messages"]]

    short = edit(30)
    assert any("35" in message and "30" in message for message in short), short
    consultation.refresh_from_db()
    assert consultation.get_latest_revision_as_object().period == timedelta(days=30)  # saved, only a warning
    assert not any("35" in message for message in edit(35))


def test_the_period_must_end_after_it_starts(site_root):
    from django.core.exceptions import ValidationError

    page = make_consultation(site_root, starts_at=timezone.now(), slug="zle")
    page.ends_at = page.starts_at
    with pytest.raises(ValidationError):
        page.full_clean()


# Attachments ----------------------------------------------------------------------------------


def test_a_pdf_named_attachment_that_is_not_a_pdf_is_refused(consultation, areas, client):
    fake = upload("propozycja.pdf", b"MZ\x90\x00 this is an executable", "application/pdf")
    response = client.post(consultation.url, {**form_data(areas["społeczny"]), "attachment": fake})
    assert response.status_code == 400
    assert "attachment" in response.context["form"].errors
    assert not ConsultationSubmission.objects.exists()


def test_a_damaged_image_is_refused(consultation, areas):
    broken = upload("zdjecie.png", b"\x89PNG\r\n\x1a\n" + b"not really an image")
    with pytest.raises(consultations.AttachmentRejected):
        consultations.check_attachment(broken)


def test_a_too_large_attachment_is_refused(consultation, areas, client, settings):
    settings.CONSULTATION_ATTACHMENT_MAX_BYTES = 1000
    big = upload("mapa.pdf", b"%PDF-1.7\n" + b"0" * 2000, "application/pdf")
    response = client.post(consultation.url, {**form_data(areas["społeczny"]), "attachment": big})
    assert response.status_code == 400
    assert "attachment" in response.context["form"].errors


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [("mapa.pdf", b"%PDF-1.7\n%%EOF\n", "application/pdf"), ("zdjecie.jpg", None, "image/png")],
)
def test_accepted_attachments_are_stored_privately_under_a_random_name(
    consultation, areas, client, settings, name, content, content_type
):
    content = content or png_bytes()  # a real PNG, even though named .jpg: the content decides
    response = client.post(consultation.url, {**form_data(areas["społeczny"]), "attachment": upload(name, content)})
    assert response.status_code == 200
    submission = ConsultationSubmission.objects.get()
    assert submission.attachment_content_type == content_type
    assert submission.attachment_name == name
    path = submission.attachment.path
    assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not path.startswith(str(settings.MEDIA_ROOT))
    assert name not in path
    with pytest.raises(ValueError):
        submission.attachment.url  # noqa: B018 - no public URL exists


# Moderation, assessment and access --------------------------------------------------------------


@pytest.fixture
def reviewers(groups):
    """A reviewer of the social group and one of the economic group."""
    return {
        "społeczny": make_user("recenzent-spoleczny", groups=[groups["społeczna"].reviewers]),
        "gospodarczy": make_user("recenzent-gospodarczy", groups=[groups["gospodarcza"].reviewers]),
    }


@pytest.fixture
def accepted(consultation, areas, moderator):
    social = submit(consultation, areas["społeczny"], 1, attachment=upload("a.pdf", b"%PDF-1.4\n"))
    economic = submit(consultation, areas["gospodarczy"], 2)
    return {
        "społeczny": consultations.moderate(social, user=moderator, accept=True),
        "gospodarczy": consultations.moderate(economic, user=moderator, accept=True),
    }


def test_a_reviewer_of_one_group_gets_403_on_another_groups_submission(accepted, reviewers, client):
    client.force_login(reviewers["społeczny"])
    own, other = accepted["społeczny"], accepted["gospodarczy"]
    assert client.get(f"/admin/participation/submissions/{own.pk}/").status_code == 200
    assert client.get(f"/admin/participation/submissions/{own.pk}/attachment/").status_code == 200
    assert client.get(f"/admin/participation/submissions/{other.pk}/").status_code == 403
    assessment = {"recommendation": "include", "justification": "Tak.", "trends": ""}
    assert client.post(f"/admin/participation/submissions/{other.pk}/assess/", assessment).status_code == 403
    assert client.post(f"/admin/participation/submissions/{other.pk}/moderate/", {
        "decision": "reject", "reason": "x", "area": other.area_id,
    }).status_code == 403
    assert not Assessment.objects.exists()
    listing = client.get("/admin/participation/submissions/")
    assert list(listing.context["submissions"]) == [own]


def test_reviewers_do_not_see_new_or_rejected_submissions_nor_personal_data(consultation, areas, reviewers, client):
    new = submit(consultation, areas["społeczny"], 7)
    client.force_login(reviewers["społeczny"])
    assert client.get(f"/admin/participation/submissions/{new.pk}/").status_code == 403
    assert client.get("/admin/participation/submissions/").context["submissions"].count() == 0


def test_attachments_need_a_login(accepted, client):
    response = client.get(f"/admin/participation/submissions/{accepted['społeczny'].pk}/attachment/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_moderation_rejects_with_a_reason_moves_areas_and_is_logged(consultation, areas, moderator, client):
    submission = submit(consultation, areas["społeczny"])
    with pytest.raises(consultations.ModerationError):
        consultations.moderate(submission, user=moderator, accept=False, reason=" ")
    client.force_login(moderator)
    response = client.post(f"/admin/participation/submissions/{submission.pk}/moderate/", {
        "decision": "reject", "reason": "Nie dotyczy strategii.", "area": areas["gospodarczy"].pk,
    })
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.status, submission.rejection_reason, submission.area) == (
        Status.REJECTED, "Nie dotyczy strategii.", areas["gospodarczy"]
    )
    actions = set(ModelLogEntry.objects.for_instance(submission).values_list("action", flat=True))
    assert {"wagtail.create", "strategy_forms.submission_area", "strategy_forms.submission_reject"} <= actions


def test_a_plain_editor_cannot_moderate(consultation, areas, client):
    submission = submit(consultation, areas["społeczny"])
    client.force_login(make_user("redaktor"))
    assert client.get(f"/admin/participation/submissions/{submission.pk}/").status_code == 403
    assert client.get("/admin/participation/submissions/").status_code == 403


def test_a_reviewer_records_an_assessment_with_trends(accepted, reviewers, client):
    submission = accepted["społeczny"]
    client.force_login(reviewers["społeczny"])
    response = client.post(f"/admin/participation/submissions/{submission.pk}/assess/", {
        "recommendation": "partially", "justification": "Częściowo zasadne.",
        "trends": "starzenie się mieszkańców, Starzenie się mieszkańców , dojazdy", "version": 0,
    })
    assert response.status_code == 302
    assessment = Assessment.objects.get(submission=submission)
    assert assessment.recommendation == "partially"
    assert assessment.working_group.name == "społeczna"
    assert sorted(assessment.trends.values_list("name", flat=True)) == ["dojazdy", "starzenie się mieszkańców"]
    # Trends are reused within the area, ignoring letter case.
    consultations.assess(submission, user=reviewers["społeczny"], recommendation="include", justification="Tak.",
                         trends=["DOJAZDY"])
    assert Trend.objects.filter(area=submission.area).count() == 2
    assert ModelLogEntry.objects.for_instance(submission).filter(
        action="strategy_forms.submission_assess"
    ).count() == 2


def test_the_admin_shows_personal_data_to_moderators_only(accepted, reviewers, moderator, client):
    submission = accepted["społeczny"]
    client.force_login(moderator)
    assert submission.email in client.get(f"/admin/participation/submissions/{submission.pk}/").content.decode()
    client.force_login(reviewers["społeczny"])
    assert submission.email not in client.get(f"/admin/participation/submissions/{submission.pk}/").content.decode()
