"""Views outside the page tree: site search and robots.txt."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.generic import TemplateView
from wagtail.models import Page, Site

RESULTS_PER_PAGE = 10


def search(request):
    query = request.GET.get("q", "").strip()
    results = Page.objects.none()
    if query:
        pages = Page.objects.live().public()
        if site := Site.find_for_request(request):
            pages = pages.descendant_of(site.root_page, inclusive=True)
        results = pages.specific().search(query)
    paginator = Paginator(results, RESULTS_PER_PAGE)
    results_page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "strategy_pages/search.html",
        {
            "query": query,
            # Kept in the pagination links so page 2 is still the same search.
            "extra_query": urlencode({"q": query}) + "&",
            "results_page": results_page,
            "page_range": paginator.get_elided_page_range(results_page.number, on_each_side=1, on_ends=1),
        },
    )


class RobotsView(TemplateView):
    template_name = "strategy_pages/robots.txt"
    content_type = "text/plain; charset=utf-8"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "sitemap_url": self.request.build_absolute_uri(reverse("sitemap")),
        }
