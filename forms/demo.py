"""Demo content of the forms app, called by ``load_demo_content`` as ``forms.demo.load(pages)``.

The "Ankiety" section, then each domain's demo under it (``<domain>/demo.py``). Idempotent: pages
are looked up by slug, so running it again changes nothing (except moving dates that have passed).
Texts are Polish, taken from the municipality's article of 8 January 2025 and its strategy page.
"""

import os

from django.db import transaction

from .consultations import demo as consultations_demo
from .index import FormIndexPage
from .privacy import demo as privacy_demo
from .surveys import demo as surveys_demo
from .working_groups import demo as working_groups_demo
from .workshops import demo as workshops_demo
from .workshops.demo import demo_evening  # noqa: F401 - the demo evening's date, for the tests

INDEX_SLUG = "ankiety"


def _publish(page):
    page.save_revision().publish()


@transaction.atomic
def load(pages):
    index = _form_index(pages["home"])
    workshop = workshops_demo.load(index, pages.get("news_article"))
    surveys_demo.load(index)
    groups = working_groups_demo.load(index)
    consultations_demo.load(index, areas=groups["areas"], reviewer=groups["reviewer"])
    privacy_demo.load(pages)
    return {"form_index": index, "workshop": workshop}


def demo_accounts():
    """(user name, role, password) of the staff accounts the demo creates, for the command to print."""
    staff_password = os.environ.get("DEMO_STAFF_PASSWORD", privacy_demo.DEMO_STAFF_PASSWORD_DEFAULT)
    reviewer_password = os.environ.get("DEMO_REVIEWER_PASSWORD", working_groups_demo.DEMO_REVIEWER_PASSWORD_DEFAULT)
    return [
        (privacy_demo.DEMO_EDITOR_USERNAME, "Redaktorzy", staff_password),
        (privacy_demo.DEMO_FORM_ADMIN_USERNAME, "Administratorzy formularzy", staff_password),
        (working_groups_demo.DEMO_REVIEWER_USERNAME, "Recenzenci grup roboczych", reviewer_password),
    ]


def _form_index(home):
    index = FormIndexPage.objects.child_of(home).filter(slug=INDEX_SLUG).first()
    if index is None:
        index = FormIndexPage(
            title="Ankiety",
            slug=INDEX_SLUG,
            intro="<p>Zapisy na warsztaty i ankiety dotyczące „Strategii rozwoju gminy "
            "Konstancin-Jeziorna 2040+”. Twoje zdanie pomoże zaplanować przyszłość gminy.</p>",
            show_in_menus=True,
        )
        home.add_child(instance=index)
        _publish(index)
    return index
