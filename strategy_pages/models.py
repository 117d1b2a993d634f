"""Page types of the strategy site: home, news and strategy pages, plus the site settings."""

import html

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.html import strip_tags
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, Site
from wagtail.search import index

from .blocks import NewsBodyBlock, StrategyBodyBlock
from .caching import (
    SkipViewRestrictionsMixin,
    cached_fragment,
    current_request,
    prepared_public_pages,
    public_pages,
    site_has_view_restrictions,
)
from .images import with_renditions
from .navigation import PAGE_LINK_FIELDS, link_fields, navigation
from .panels import InlinePanel
from .prepared import prepared_query
from .routing import DirectRouteMixin

NEWS_PER_PAGE = 10


def description_from(text, words=30):
    """A plain-text summary for meta/Open Graph descriptions."""
    return Truncator(html.unescape(strip_tags(text or ""))).words(words)


class CachedPageMixin(SkipViewRestrictionsMixin):
    """Page types whose anonymous responses the page cache may keep (see ``strategy_pages.caching``).

    Only pages whose HTML is the same for every anonymous visitor belong here: no form, no CSRF
    token, nothing per person; places left are fetched fresh by the browser. Also skips Wagtail's
    two view-restriction queries when the site has no restriction at all (``SkipViewRestrictionsMixin``).
    """

    cache_anonymous_response = True
    # The rendered main content is a fragment reused until the next content change ({% page_content_cache %}).
    cache_page_content = True


class CacheGeneration(models.Model):
    """One row: the version of everything the public site caches (``strategy_pages.caching``).

    Kept in the database rather than in the cache so that every process sees a content change, even
    when each keeps its cache in its own memory (the default without Redis).
    """

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("cache generation")

    def __str__(self):
        return str(self.value)


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    site_name = models.CharField(
        _("site name"), max_length=200, default="Strategia rozwoju gminy Konstancin-Jeziorna 2040+"
    )
    municipality_name = models.CharField(
        _("municipality office"), max_length=200, default="Urząd Miasta i Gminy Konstancin-Jeziorna"
    )
    address = models.TextField(
        _("address"), default="ul. Piaseczyńska 77\n05-520 Konstancin-Jeziorna", help_text=_("One line per row.")
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True, default="(22) 484 23 00")
    email = models.EmailField(_("e-mail address"), blank=True)
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("personal data information page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The information on personal data processing that registration forms link to."),
    )
    accessibility_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("accessibility statement page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    default_og_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("default sharing image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown when a page is shared on social media and has no image of its own."),
    )

    panels = [
        FieldPanel("site_name"),
        MultiFieldPanel(
            [FieldPanel("municipality_name"), FieldPanel("address"), FieldPanel("phone"), FieldPanel("email")],
            heading=_("Contact details in the footer"),
        ),
        PageChooserPanel("privacy_page"),
        PageChooserPanel("accessibility_page"),
        FieldPanel("default_og_image"),
    ]

    class Meta:
        verbose_name = _("site settings")

    @classmethod
    def query_paths(cls, prefix=""):
        """``select_related`` and ``only`` paths (below ``prefix``) of the settings with the pages and image
        the footer and meta tags show: of the two pages only what a link shows, not ~30 columns each."""
        related = [f"{prefix}{name}" for name in ("privacy_page", "accessibility_page", "default_og_image")]
        own = [f"{prefix}{field.name}" for field in cls._meta.concrete_fields]
        linked = [*link_fields(f"{prefix}privacy_page"), *link_fields(f"{prefix}accessibility_page")]
        return related, [*own, *linked, f"{prefix}default_og_image"]

    @classmethod
    def for_site(cls, site):
        """The settings with the pages and image the footer and meta tags show, in one query: joined to the
        site's own query when the site was found by ``caching.find_site``, else kept in the fragment cache
        (every save of a setting, page or image makes a new generation)."""
        if site is None:
            raise cls.DoesNotExist(f"{cls} does not exist for site None.")
        joined = site._state.fields_cache.get(cls._meta.get_field("site").remote_field.cache_name)
        if joined is not None:
            return joined

        def build():
            related, fields = cls.query_paths()
            return cls.base_queryset().select_related(*related).only(*fields).get_or_create(site=site)[0]

        return cached_fragment(None, "site-settings", (site.pk,), build)


@prepared_query(maxsize=64)
def _live_highlights_of(home_page_pk):
    return (
        HomePageHighlight.objects.filter(home_page_id=home_page_pk, page__live=True).select_related("page")
        .only("sort_order", "home_page", "description", *link_fields("page")).order_by("sort_order")
    )


class HomePage(DirectRouteMixin, CachedPageMixin, Page):
    # Named, so that a host site's own HomePage (``home.HomePage`` of ``wagtail start``) keeps Page.homepage.
    page_ptr = models.OneToOneField(
        Page, on_delete=models.CASCADE, parent_link=True, primary_key=True, related_name="strategy_home_page"
    )
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ul"])

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel(
            "highlights",
            heading=_("Highlights"),
            label=_("highlighted page"),
            add_button_label=_("Add highlighted page"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "strategy_pages.NewsIndexPage",
        "strategy_pages.StrategyPage",
        "strategy_forms.FormIndexPage",
        "strategy_pages.AccessibilityStatementPage",
    ]

    class Meta:
        verbose_name = _("home page")

    @property
    def meta_description(self):
        return description_from(self.intro)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["highlights"] = cached_fragment(
            request, "home-highlights", (self.pk,),
            lambda: _live_highlights_of(self.pk),
        )
        context["news_index"] = cached_fragment(
            request, "home-news-index", (self.pk,), lambda: navigation(request, self, self).news_index
        )
        return context


class HomePageHighlight(Orderable):
    home_page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="highlights")
    page = models.ForeignKey("wagtailcore.Page", verbose_name=_("page"), on_delete=models.CASCADE, related_name="+")
    description = models.CharField(_("short description"), max_length=300, blank=True)

    panels = [PageChooserPanel("page"), FieldPanel("description")]

    class Meta(Orderable.Meta):
        verbose_name = _("highlighted page")
        verbose_name_plural = _("highlighted pages")


def _news_of_index(index_key, tag_pk=None, public_only=False):
    """The published news of the index ``(pk, path, depth)``, newest first, with their images; with
    ``tag_pk``, those with that tag."""
    index_pk, path, depth = index_key
    news = NewsPage.objects.child_of(Page(pk=index_pk, path=path, depth=depth)).live()
    if public_only:
        news = news.public()
    if tag_pk is not None:
        news = news.filter(tags=tag_pk)
    return news.select_related("image").order_by("-date", "-first_published_at")


@prepared_public_pages(maxsize=1024)
def _news_cards_of_index(index_key, tag_pk, start, stop, public_only=False):
    return _news_of_index(index_key, tag_pk, public_only).only(*NewsPage.card_fields)[start:stop]


@prepared_public_pages(maxsize=256)
def _tags_of_index(index_key, public_only=False):
    """Tags of the index's published news. Joined through the news pages' rows rather than with
    ``IN (news subquery)``, which PostgreSQL may run as a nested loop over every news page per tag; a
    private article must not lend its tags, so with view restrictions the news come from ``public()``."""
    news = "strategy_pages_newspagetag_items__content_object__"
    if public_only:
        tags = Tag.objects.filter(**{f"{news}in": _news_of_index(index_key, public_only=True)})
    else:
        _, path, depth = index_key
        tags = Tag.objects.filter(**{f"{news}path__startswith": path, f"{news}depth": depth + 1, f"{news}live": True})
    return tags.distinct().order_by("name")


class _NewsList:
    """An index's published news for its paginator: counted by a query, each page of news read by a
    prepared one (see ``strategy_pages.prepared``)."""

    def __init__(self, index_key, tag_pk):
        self.index_key, self.tag_pk = index_key, tag_pk

    def count(self):
        return _news_of_index(self.index_key, self.tag_pk, site_has_view_restrictions()).count()

    def __getitem__(self, items):
        if not isinstance(items, slice) or items.step is not None:
            raise TypeError("a page of news is a slice")
        return _news_cards_of_index(self.index_key, self.tag_pk, items.start, items.stop)


class NewsIndexPage(CachedPageMixin, RoutablePageMixin, Page):
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["strategy_pages.HomePage"]
    subpage_types = ["strategy_pages.NewsPage"]

    class Meta:
        verbose_name = _("news index")

    @property
    def meta_description(self):
        return description_from(self.intro)

    def get_news(self):
        """Published news of this index, newest first."""
        return _news_of_index((self.pk, self.path, self.depth), public_only=site_has_view_restrictions())

    def get_tags(self):
        """Tags of this index's published news."""
        return _tags_of_index((self.pk, self.path, self.depth))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        tag = None
        if tag_slug := request.GET.get("tag"):
            tag = get_object_or_404(Tag, slug=tag_slug)
        news = _NewsList((self.pk, self.path, self.depth), tag.pk if tag else None)
        paginator = Paginator(news, NEWS_PER_PAGE)

        def news_of_this_page():
            # The cards' images and renditions come with the page of news: two queries for any number.
            shown = paginator.get_page(request.GET.get("page"))
            shown.object_list = with_renditions(list(shown.object_list), spec=NewsPage.card_picture_spec)
            return shown

        # Counted and fetched only if the list is rendered, not when the content comes from the fragment cache.
        news_page = SimpleLazyObject(news_of_this_page)
        context.update(
            news_page=news_page,
            page_range=SimpleLazyObject(
                lambda: list(paginator.get_elided_page_range(news_page.number, on_each_side=1, on_ends=1))
            ),
            tags=self.get_tags(),
            current_tag=tag,
            # Kept in the pagination links so page 2 is still the same tag.
            extra_query=urlencode({"tag": tag.slug}) + "&" if tag else "",
        )
        return context

    # Routing to a news page needs only the index's generic fields: on the way to one, the index is not
    # loaded whole (strategy_pages.routing.route_children).
    route_with_generic_fields = True

    def route(self, request, path_components):
        # A news page is found in one query, not two (its type is known). The feeds' routes have two
        # components, so they never meet a news slug; anything else routes as Wagtail does.
        if len(path_components) == 1:
            found = _news_page_below(self.pk, self.path, self.depth, path_components[0])
            if found:
                news = found[0]
                news._cached_parent_obj = self
                return news.route(request, [])
        page = self
        if self.get_deferred_fields():  # routed to without its own fields: load them, as Wagtail would
            page = type(self)._default_manager.get(pk=self.pk)
            for name, value in self.__dict__.items():
                page.__dict__.setdefault(name, value)
        return super(NewsIndexPage, page).route(request, path_components)

    @path("feed/rss/", name="rss_feed")
    def rss_feed(self, request):
        from .feeds import NewsRssFeed

        return NewsRssFeed(self)(request)

    @path("feed/atom/", name="atom_feed")
    def atom_feed(self, request):
        from .feeds import NewsAtomFeed

        return NewsAtomFeed(self)(request)


@prepared_query(maxsize=2048)
def _news_page_below(index_pk, index_path, index_depth, slug):
    """The news page ``slug`` below the news index at ``index_path`` (a list: empty when there is none)."""
    index = Page(pk=index_pk, path=index_path, depth=index_depth)
    return (
        NewsPage.objects.child_of(index).filter(slug=slug).select_related(*NewsPage.route_select_related)
        .order_by("pk")[:1]
    )


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey("strategy_pages.NewsPage", on_delete=models.CASCADE, related_name="tagged_items")


class NewsPage(CachedPageMixin, Page):
    date = models.DateField(_("publication date"), default=timezone.localdate)
    intro = models.TextField(_("lead"), help_text=_("One or two sentences shown in lists and under the title."))
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("main image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_alt = models.CharField(
        _("alternative text of the image"),
        max_length=400,
        blank=True,
        help_text=_("Describe what the image shows for people who cannot see it. Required when an image is chosen."),
    )
    image_credit = models.CharField(
        _("photo credit"), max_length=200, blank=True, help_text=_("For example: fot. Freepik.com")
    )
    body = StreamField(NewsBodyBlock(), verbose_name=_("content"), blank=True)
    source_url = models.URLField(_("source address"), blank=True)
    source_label = models.CharField(_("source link text"), max_length=200, blank=True)
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True, verbose_name=_("tags"))
    action_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("call-to-action page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("For example the registration page for the event this news is about."),
    )
    action_label = models.CharField(_("call-to-action label"), max_length=100, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("image"), FieldPanel("image_alt"), FieldPanel("image_credit")], heading=_("Main image")
        ),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("source_url"), FieldPanel("source_label")], heading=_("Source")),
        MultiFieldPanel([PageChooserPanel("action_page"), FieldPanel("action_label")], heading=_("Call to action")),
        FieldPanel("tags"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]

    parent_page_types = ["strategy_pages.NewsIndexPage"]
    subpage_types = []
    og_type = "article"
    # Loaded with the page when it is routed (strategy_pages.routing): the template shows both.
    route_select_related = ("image", "action_page")
    # What a news card (lists, latest news) shows: a link, the date, the lead and the image.
    card_fields = (*PAGE_LINK_FIELDS, "date", "intro", "image", "image_alt")
    # The filters of the card's {% picture %} (strategy_pages/includes/news_card.html; a test keeps both
    # the same): the lists load only these renditions of each image.
    card_picture_spec = "format-{avif,jpeg} fill-{400x225,800x450}"

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")

    @property
    def meta_description(self):
        return description_from(self.intro)

    @property
    def og_image(self):
        return self.image

    def get_parent(self, update=False):
        # The parent (the tag links) comes with the navigation's one query rather than one of its own,
        # and only when the content is rendered (not when it comes from the fragment cache). A page not yet
        # in the tree (the admin's "add" form validating its slug) has no depth: treebeard answers for it.
        request = current_request()
        if not update and request is not None and self.depth and not hasattr(self, "_cached_parent_obj"):
            site = Site.find_for_request(request)
            parent = navigation(request, site.root_page, self).parent if site is not None else None
            if parent is not None and parent.depth == self.depth - 1:
                self._cached_parent_obj = parent
        return super().get_parent(update=update)

    def clean(self):
        super().clean()
        errors = {}
        if self.image and not self.image_alt.strip():
            errors["image_alt"] = _("Enter an alternative text describing the image.")
        if self.action_page and not self.action_label.strip():
            errors["action_label"] = _("Enter the label of the call-to-action button.")
        if errors:
            raise ValidationError(errors)


class StrategyPage(CachedPageMixin, Page):
    date = models.DateField(_("date"), null=True, blank=True, help_text=_("Shown under the title when filled in."))
    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(StrategyBodyBlock(), verbose_name=_("content"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("date"), FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["strategy_pages.HomePage", "strategy_pages.StrategyPage"]
    subpage_types = ["strategy_pages.StrategyPage"]

    class Meta:
        verbose_name = _("strategy page")
        verbose_name_plural = _("strategy pages")

    @property
    def meta_description(self):
        return description_from(self.intro)

    def subpages(self):
        """Live, public child pages ("In this section"), without Wagtail's restriction query when the site
        has no view restriction (``public_pages``)."""
        return public_pages(self.get_children().live())


# The accessibility statement ("Deklaracja dostępności") -------------------------------------------
# Sections follow the statement model published under the act of 4 April 2019 on the digital
# accessibility of public bodies' websites and mobile applications (Art. 10); texts are content,
# written in Polish, with defaults an editor adapts.

DEFAULT_FEEDBACK_TEXT = (
    "<p>W przypadku problemów z dostępnością strony internetowej prosimy o kontakt. Tą samą drogą można składać "
    "wnioski o udostępnienie informacji niedostępnej oraz składać wnioski o zapewnienie dostępności.</p>"
)
DEFAULT_ENFORCEMENT_TEXT = (
    "<p>Każdy ma prawo do wystąpienia z żądaniem zapewnienia dostępności cyfrowej strony internetowej lub jakiegoś "
    "jej elementu. Można także zażądać udostępnienia informacji za pomocą alternatywnego sposobu dostępu, na "
    "przykład przez odczytanie niedostępnego cyfrowo dokumentu, opisanie zawartości filmu bez audiodeskrypcji itp. "
    "Żądanie powinno zawierać dane osoby zgłaszającej żądanie, wskazanie, o którą stronę internetową chodzi, oraz "
    "sposób kontaktu. Jeżeli osoba żądająca zgłasza potrzebę otrzymania informacji za pomocą alternatywnego "
    "sposobu dostępu, powinna także określić dogodny dla niej sposób przedstawienia tej informacji.</p>"
    "<p>Podmiot publiczny zrealizuje żądanie niezwłocznie, nie później niż w ciągu 7 dni od dnia wystąpienia z "
    "żądaniem. Jeżeli dotrzymanie tego terminu nie jest możliwe, podmiot publiczny niezwłocznie informuje o tym "
    "wnoszącego żądanie, kiedy realizacja żądania będzie możliwa, przy czym termin ten nie może być dłuższy niż "
    "2 miesiące od dnia wystąpienia z żądaniem. Jeżeli zapewnienie dostępności cyfrowej nie jest możliwe, podmiot "
    "publiczny może zaproponować alternatywny sposób dostępu do informacji.</p>"
    "<p>W przypadku, gdy podmiot publiczny odmówi realizacji żądania zapewnienia dostępności lub alternatywnego "
    "sposobu dostępu do informacji, wnoszący żądanie może złożyć skargę w sprawie zapewnienia dostępności cyfrowej "
    "strony internetowej lub jakiegoś jej elementu. Po wyczerpaniu wskazanej wyżej procedury można także złożyć "
    "wniosek do Rzecznika Praw Obywatelskich (<a href=\"https://bip.brpo.gov.pl\">bip.brpo.gov.pl</a>).</p>"
)


class AccessibilityStatementPage(Page):
    """The accessibility statement every public body publishes (ustawa o dostępności cyfrowej, Art. 10)."""

    class Compliance(models.TextChoices):
        FULL = "full", _("fully compliant")
        PARTIAL = "partial", _("partially compliant")
        NONE = "none", _("not compliant")

    class Method(models.TextChoices):
        SELF = "self", _("self-assessment by the public body")
        EXTERNAL = "external", _("assessment by an external entity")

    entity_name = models.CharField(
        _("public body"), max_length=255, default="Urząd Miasta i Gminy Konstancin-Jeziorna"
    )
    website_address = models.URLField(
        _("website address"), blank=True, help_text=_("Leave empty to use the address of this site.")
    )
    published_on = models.DateField(_("date the website was published"))
    updated_on = models.DateField(_("date of the last significant update"))
    compliance_status = models.CharField(
        _("compliance status"), max_length=10, choices=Compliance.choices, default=Compliance.PARTIAL
    )
    non_accessible_content = RichTextField(
        _("non-accessible content and exceptions"), blank=True, features=["bold", "italic", "link", "ul", "ol"],
        help_text=_("What is not accessible and why (including content exempt from the act)."),
    )
    prepared_on = models.DateField(_("date the statement was prepared"))
    reviewed_on = models.DateField(_("date of the last review of the statement"), null=True, blank=True)
    assessment_method = models.CharField(
        _("how the statement was prepared"), max_length=10, choices=Method.choices, default=Method.SELF
    )
    assessed_by = models.CharField(
        _("external entity"), max_length=255, blank=True, help_text=_("Name of the entity that assessed the site.")
    )
    contact_person = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail address"))
    contact_phone = models.CharField(_("contact phone"), max_length=40)
    feedback_text = RichTextField(
        _("feedback and contact"), default=DEFAULT_FEEDBACK_TEXT, features=["bold", "italic", "link", "ul", "ol"]
    )
    enforcement_procedure = RichTextField(
        _("enforcement procedure"), default=DEFAULT_ENFORCEMENT_TEXT, features=["bold", "italic", "link", "ul", "ol"],
        help_text=_("Requests, complaints and the Commissioner for Human Rights (Rzecznik Praw Obywatelskich)."),
    )
    architectural_accessibility = RichTextField(
        _("architectural accessibility"), features=["bold", "italic", "link", "ul", "ol"],
        help_text=_("Entrances, lifts, parking, toilets, assistance dogs, sign-language interpreter…"),
    )
    mobile_apps = RichTextField(
        _("mobile applications"), blank=True, features=["bold", "italic", "link", "ul", "ol"],
        help_text=_("Optional: the body's mobile applications and where to get them."),
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel([FieldPanel("entity_name"), FieldPanel("website_address")], heading=_("Public body")),
        MultiFieldPanel([FieldPanel("published_on"), FieldPanel("updated_on")], heading=_("Dates")),
        MultiFieldPanel(
            [FieldPanel("compliance_status"), FieldPanel("non_accessible_content")], heading=_("Compliance status")
        ),
        MultiFieldPanel(
            [FieldPanel("prepared_on"), FieldPanel("reviewed_on"), FieldPanel("assessment_method"),
             FieldPanel("assessed_by")],
            heading=_("Preparation of the statement"),
        ),
        MultiFieldPanel(
            [FieldPanel("contact_person"), FieldPanel("contact_email"), FieldPanel("contact_phone"),
             FieldPanel("feedback_text")],
            heading=_("Feedback and contact"),
        ),
        FieldPanel("enforcement_procedure"),
        FieldPanel("architectural_accessibility"),
        FieldPanel("mobile_apps"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("non_accessible_content")]

    parent_page_types = ["strategy_pages.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("accessibility statement")
        verbose_name_plural = _("accessibility statements")

    @property
    def meta_description(self):
        return description_from(
            f"Deklaracja dostępności strony internetowej {self.entity_name}."
        )

    def clean(self):
        super().clean()
        errors = {}
        if self.published_on and self.updated_on and self.updated_on < self.published_on:
            errors["updated_on"] = _("The last update cannot be earlier than the publication.")
        if self.assessment_method == self.Method.EXTERNAL and not self.assessed_by.strip():
            errors["assessed_by"] = _("Name the external entity that assessed the site.")
        if self.compliance_status != self.Compliance.FULL and not strip_tags(self.non_accessible_content).strip():
            errors["non_accessible_content"] = _("List the content that is not accessible and why.")
        if errors:
            raise ValidationError(errors)

    def get_website_address(self, request=None):
        if self.website_address:
            return self.website_address
        site = self.get_site()
        return site.root_url if site else ""
