"""Live fragments for cached pages: what must never be stale is fetched fresh by the browser.

Pages kept in the page cache (``strategy_pages.caching``) show the upcoming workshops as a link
that ``forms/static/forms/live-fragments.js`` replaces with this view's HTML: the same include as on
uncached pages, counted by ``services.upcoming_workshops`` on every request. Without JavaScript the
link opens the same list as a page of its own.
The view itself is never cached (``Cache-Control: no-store``, not even by a front proxy).
"""

from django.db.models import Count
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from strategy_pages.caching import (
    cached_fragment,
    fragment_cache_seconds,
    live_fragment_mark,
    register_live_fragment,
    response_will_be_cached,
)

from . import services
from .models import Registration, WorkshopPage, takes_place_filter

UPCOMING_TEMPLATE = "forms/workshops/includes/upcoming_workshops.html"
DEFERRED_TEMPLATE = "forms/workshops/includes/upcoming_workshops_deferred.html"
PAGE_TEMPLATE = "forms/workshops/upcoming_workshops_page.html"
MAX_LIMIT = 10


@require_GET
@never_cache
def upcoming_workshops_fragment(request):
    try:
        limit = min(max(int(request.GET.get("limit", 3)), 1), MAX_LIMIT)
    except ValueError:
        limit = 3
    # The script asks for the bare block; a person following the placeholder's link gets a whole page.
    template = UPCOMING_TEMPLATE if request.headers.get("X-Live-Fragment") else PAGE_TEMPLATE
    response = TemplateResponse(
        request, template, {"workshops": upcoming_workshops(limit), "request": request}
    )
    response["X-Robots-Tag"] = "noindex"
    patch_vary_headers(response, ["X-Live-Fragment"])
    return response


def render_upcoming_workshops(request, limit=3):
    """The live block; on a page the page cache will keep, a placeholder loaded in the browser; in a page
    body kept in the fragment cache, a mark filled in with the live block on every request."""
    if response_will_be_cached(request):
        context = {"fragment_url": f"{reverse('strategy_forms:upcoming_workshops_fragment')}?limit={limit}"}
        return mark_safe(render_to_string(DEFERRED_TEMPLATE, context, request=None))
    if mark := live_fragment_mark(request, "upcoming-workshops", int(limit)):
        return mark_safe(mark)
    return _live_upcoming_workshops(request, limit)


def _live_upcoming_workshops(request, limit):
    workshops = upcoming_workshops(limit)
    sessions = [session for workshop in workshops for session in workshop.upcoming_sessions]
    host = request.get_host() if request is not None else ""
    return mark_safe(_rendered_for_places(
        request, "upcoming-workshops-html", sessions, UPCOMING_TEMPLATE,
        {"workshops": workshops, "request": request}, (host, limit),
    ))


def _rendered_for_places(request, name, sessions, template, context, key_parts=()):
    """``template`` rendered, reused from the fragment cache while the content and the places left of
    every shown session are unchanged: the key holds the counts made for this request (places left and,
    for pages that show it, the waitlist length), so what is reused is never stale."""
    places = tuple(
        (session.pk, session.places_left, getattr(session, "waitlisted_count", None)) for session in sessions
    )
    return cached_fragment(
        request, name, (*key_parts, get_language(), places), lambda: render_to_string(template, context)
    )


SESSION_SUMMARY_TEMPLATE = "forms/workshops/includes/session_summary.html"
SESSION_CHOICES_TEMPLATE = "forms/workshops/includes/session_choices.html"


def remember_sessions(request, page, sessions):
    """Keep the sessions counted for this request's workshop page, for its live marks."""
    if request is not None:
        request._strategia_workshop = (page, sessions)


def _workshop_and_sessions(request, page_pk):
    page, sessions = getattr(request, "_strategia_workshop", (None, None))
    if page is None or page.pk != page_pk:
        page = WorkshopPage.objects.get(pk=page_pk)
        sessions = services.sessions_with_places(page)
        remember_sessions(request, page, sessions)
    return page, sessions


def render_session_summary(request, page, sessions):
    """A workshop's sessions with places left; a mark instead while its content is rendered for the
    fragment cache (filled in on every request by ``_live_workshop_sessions``)."""
    if mark := live_fragment_mark(request, "workshop-sessions", f"summary:{page.pk}"):
        return mark_safe(mark)
    context = {"page": page, "sessions": sessions}
    return _rendered_for_places(request, "session-summary", sessions, SESSION_SUMMARY_TEMPLATE, context, (page.pk,))


def render_session_choices(request, page, sessions, html_name, auto_id, selected=()):
    """The session checkboxes of a registration form (as ``render_session_summary``; a cached form is
    never bound, so nothing is selected in it)."""
    if mark := live_fragment_mark(request, "workshop-sessions", f"choices:{page.pk}:{html_name}:{auto_id}"):
        return mark_safe(mark)
    context = {"page": page, "sessions": sessions, "html_name": html_name, "auto_id": auto_id, "selected": selected}
    if selected:  # a form sent back with its errors: this person's choices
        return render_to_string(SESSION_CHOICES_TEMPLATE, context)
    key_parts = (page.pk, html_name, auto_id)
    return _rendered_for_places(request, "session-choices", sessions, SESSION_CHOICES_TEMPLATE, context, key_parts)


def _live_workshop_sessions(request, argument):
    kind, page_pk, *field = argument.split(":")
    page, sessions = _workshop_and_sessions(request, int(page_pk))
    if kind == "summary":
        return render_session_summary(request, page, sessions)
    html_name, auto_id = field
    return render_session_choices(request, page, sessions, html_name, auto_id)


# Candidates kept in the fragment cache: enough that sessions starting meanwhile cannot empty the list.
CANDIDATES = 20
CANDIDATES_SECONDS = 300


def upcoming_workshops(limit=3, now=None):
    """``services.upcoming_workshops`` with the places counted now, on every call.

    With the fragment cache on, which pages and sessions are upcoming (they change only when a page is
    published, which starts a new cache generation, or as time passes, filtered here) is cached, and
    only the confirmed registrations are counted per request, in one query for the shown sessions.
    """
    if fragment_cache_seconds() <= 0:
        return services.upcoming_workshops(limit=limit, now=now)
    now = now or timezone.now()
    candidates = cached_fragment(
        None, "upcoming-workshops", (),
        lambda: services.upcoming_workshops(limit=CANDIDATES, now=now), max_seconds=CANDIDATES_SECONDS,
    )
    pages = []
    for page in candidates:
        page.upcoming_sessions = [session for session in page.upcoming_sessions if session.starts_at >= now]
        if page.upcoming_sessions:
            page.next_start = page.upcoming_sessions[0].starts_at
            pages.append(page)
    pages = sorted(pages, key=lambda page: (page.next_start, page.pk))[:limit]
    sessions = [session for page in pages for session in page.upcoming_sessions]
    confirmed = dict(
        Registration.objects.filter(takes_place_filter(), session__in=sessions)
        .values_list("session_id")
        .annotate(count=Count("id"))
        .values_list("session_id", "count")
    ) if sessions else {}
    for session in sessions:
        session.taken_count = confirmed.get(session.pk, 0)
        session.places_left = max(session.capacity - session.taken_count, 0)
    return pages


def _register():
    register_live_fragment(
        "upcoming-workshops", lambda request, argument: _live_upcoming_workshops(request, int(argument))
    )
    register_live_fragment("workshop-sessions", _live_workshop_sessions)


_register()
