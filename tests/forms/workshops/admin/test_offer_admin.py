"""Issue 15 point 4 in the admin: an open offer shows in the registrations list, and a form administrator
confirms the place of a person who accepted it by phone; editors and reviewers are refused."""

import pytest
from wagtail.models import ModelLogEntry

from forms.models import Registration
from forms.workshops import services

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture
def offered(workshop, sessions):
    """Session 1 (2 places) with offers valid 24 h: one place freed, offered to a person without e-mail."""
    workshop.waitlist_offer_hours = 24
    workshop.save()
    people = [services.register(workshop, sessions=[sessions[0]], full_name=name, email=email, phone=phone,
                                source=Registration.Source.STAFF, enforce_window=False)[0].registration
              for name, email, phone in (("Osoba 0", "osoba0@example.org", ""), ("Osoba 1", "osoba1@example.org", ""),
                                         ("Jan Telefoniczny", "", "600 111 222"))]
    services.cancel(people[0], by_staff=True)
    return Registration.objects.get(pk=people[2].pk)


def test_a_form_admin_sees_the_offer_and_confirms_the_place_on_their_behalf(client, form_admin, offered):
    assert offered.has_open_offer and offered.call_reason == Registration.CallReason.OFFERED
    client.force_login(form_admin)
    listing = client.get("/admin/registrations/", {"status": "waitlisted"}).content.decode()
    assert "zaproponowano miejsce do" in listing
    assert f"/admin/registrations/{offered.pk}/accept-offer/" in listing
    page = client.get(f"/admin/registrations/{offered.pk}/accept-offer/")
    assert page.status_code == 200 and "Potwierdź miejsce" in page.content.decode()

    response = client.post(f"/admin/registrations/{offered.pk}/accept-offer/", follow=True)

    assert response.status_code == 200 and "ma potwierdzone miejsce" in response.content.decode()
    confirmed = Registration.objects.get(pk=offered.pk)
    assert confirmed.status == Status.CONFIRMED and not confirmed.call_pending  # the call was made
    assert ModelLogEntry.objects.filter(action="strategy_forms.registration_offer_accepted", user=form_admin,
                                        object_id=str(offered.pk)).exists()
    # No offer any more: the confirmation page is gone, a repeated POST says why in Polish.
    assert client.get(f"/admin/registrations/{offered.pk}/accept-offer/").status_code == 404
    again = client.post(f"/admin/registrations/{offered.pk}/accept-offer/", follow=True)
    assert "Miejsce nie czeka już na tę osobę" in again.content.decode()


@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_editors_and_reviewers_cannot_confirm_an_offer(client, offered, role, request):
    client.force_login(request.getfixturevalue(role))
    for response in (client.get(f"/admin/registrations/{offered.pk}/accept-offer/"),
                     client.post(f"/admin/registrations/{offered.pk}/accept-offer/")):
        assert response.status_code == 403
    assert Registration.objects.get(pk=offered.pk).has_open_offer
