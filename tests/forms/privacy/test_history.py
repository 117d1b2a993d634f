"""Point 2 of issue 13: Reports › Site history and its export show entries about records that hold
personal data only to those allowed to see the record (and so never the moderators' names to others)."""

import pytest

from forms.consultations import services as consultations
from forms.models import ThematicArea

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderated(consultation, areas, form_admin, submission):
    """Submissions in two areas: the fixture's one, accepted by the form administrator, and one in
    another area, rejected with a reason."""
    other_area = ThematicArea.objects.exclude(pk=submission.area_id).first()
    rejected = consultations.submit(
        consultation, full_name="Ewa Tajna", email="ewa@example.org", represents="mieszkaniec", area=other_area,
        title="Tajny tytuł innego obszaru", content="Treść.",
    )
    unmoderated = consultations.submit(
        consultation, full_name="Olek", email="olek@example.org", represents="mieszkaniec", area=other_area,
        title="Niemoderowany tytuł", content="Treść.",
    )
    from tests.forms.fixtures_admin import make_user

    other_moderator = make_user("moderatorka-innego-obszaru", "Administratorzy formularzy")
    consultations.moderate(submission, user=form_admin, accept=True)
    consultations.moderate(rejected, user=other_moderator, accept=False, reason="Poza zakresem")
    return submission, rejected, unmoderated


OTHER_MODERATOR = "moderatorka-innego-obszaru"


def test_a_reviewer_sees_no_other_areas_nor_moderators_in_site_history(client, reviewer, moderated, form_admin):
    own, rejected, unmoderated = moderated
    client.force_login(reviewer)
    response = client.get("/admin/reports/site-history/")
    assert response.status_code == 200
    html = response.content.decode()
    assert rejected.title not in html and unmoderated.title not in html
    assert OTHER_MODERATOR not in html  # neither in the rows nor in the user filter
    if own.area_id in consultations.reviewer_area_ids(reviewer):
        assert own.title in html  # the submission the reviewer assesses: its history is theirs to see
    export = client.get("/admin/reports/site-history/?export=csv")
    assert export.status_code == 200
    body = b"".join(export.streaming_content).decode() if export.streaming else export.content.decode()
    assert rejected.title not in body and unmoderated.title not in body
    assert OTHER_MODERATOR not in body


def test_editors_see_none_of_them(client, editor, moderated):
    own, rejected, _unmoderated = moderated
    client.force_login(editor)
    html = client.get("/admin/reports/site-history/").content.decode()
    assert own.title not in html and rejected.title not in html


def test_form_administrators_see_everything(client, form_admin, moderated):
    own, rejected, unmoderated = moderated
    client.force_login(form_admin)
    html = client.get("/admin/reports/site-history/").content.decode()
    assert rejected.title in html and unmoderated.title in html
    body = client.get("/admin/reports/site-history/?export=csv")
    content = b"".join(body.streaming_content).decode() if body.streaming else body.content.decode()
    assert rejected.title in content
