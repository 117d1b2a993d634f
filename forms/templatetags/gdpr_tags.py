"""The link to the data protection notice (GDPR Art. 13) shown at every form's consent."""

from django import template
from wagtail.models import Site

from strategy_pages.models import SiteSettings
from strategy_pages.prepared import prepared_query

from ..abuse import honeypot_field_name
from ..privacy.models import DataProtectionNotice

register = template.Library()


@prepared_query
def _default_notice():
    return DataProtectionNotice.objects.filter(is_default=True).order_by("pk")[:1]


@register.simple_tag(takes_context=True)
def data_protection_link(context, page=None):
    """{"url", "title"} of the notice the page chose, else the default notice, else the site's
    privacy page (site settings); None when there is none of them."""
    notice = getattr(page, "data_protection_notice", None) if page is not None else None
    if notice is None:
        notice = next(iter(_default_notice()), None)
    if notice is not None:
        return {"url": notice.get_absolute_url(), "title": notice.title}
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return None
    privacy_page = SiteSettings.for_site(site).privacy_page
    if privacy_page is None:
        return None
    return {"url": privacy_page.get_url(request), "title": privacy_page.title}


@register.inclusion_tag("forms/includes/honeypot.html")
def honeypot():
    """The spam-trap field of every public form (checked by ``forms.abuse``)."""
    return {"honeypot_name": honeypot_field_name()}
