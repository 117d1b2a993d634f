"""Page types of the strategy site: home, news and strategy pages, plus the site settings."""

import html

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from .blocks import NewsBodyBlock, StrategyBodyBlock

NEWS_PER_PAGE = 10


def description_from(text, words=30):
    """A plain-text summary for meta/Open Graph descriptions."""
    return Truncator(html.unescape(strip_tags(text or ""))).words(words)


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


class HomePage(Page):
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ul"])

    content_panels = [*Page.content_panels, FieldPanel("intro"), InlinePanel("highlights", label=_("Highlights"))]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["strategy_pages.NewsIndexPage", "strategy_pages.StrategyPage", "strategy_forms.FormIndexPage"]

    class Meta:
        verbose_name = _("home page")

    @property
    def meta_description(self):
        return description_from(self.intro)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["highlights"] = self.highlights.select_related("page").filter(page__live=True)
        context["news_index"] = NewsIndexPage.objects.child_of(self).live().first()
        return context


class HomePageHighlight(Orderable):
    home_page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="highlights")
    page = models.ForeignKey("wagtailcore.Page", verbose_name=_("page"), on_delete=models.CASCADE, related_name="+")
    description = models.CharField(_("short description"), max_length=300, blank=True)

    panels = [PageChooserPanel("page"), FieldPanel("description")]

    class Meta(Orderable.Meta):
        verbose_name = _("highlighted page")
        verbose_name_plural = _("highlighted pages")


class NewsIndexPage(RoutablePageMixin, Page):
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
        return (
            NewsPage.objects.child_of(self)
            .live()
            .public()
            .select_related("image")
            .order_by("-date", "-first_published_at")
        )

    def get_tags(self):
        return (
            Tag.objects.filter(strategy_pages_newspagetag_items__content_object__in=self.get_news())
            .distinct()
            .order_by("name")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        news = self.get_news()
        tag = None
        if tag_slug := request.GET.get("tag"):
            tag = get_object_or_404(Tag, slug=tag_slug)
            news = news.filter(tags=tag)
        paginator = Paginator(news, NEWS_PER_PAGE)
        news_page = paginator.get_page(request.GET.get("page"))
        context.update(
            news_page=news_page,
            page_range=paginator.get_elided_page_range(news_page.number, on_each_side=1, on_ends=1),
            tags=self.get_tags(),
            current_tag=tag,
            # Kept in the pagination links so page 2 is still the same tag.
            extra_query=urlencode({"tag": tag.slug}) + "&" if tag else "",
        )
        return context

    @path("feed/rss/", name="rss_feed")
    def rss_feed(self, request):
        from .feeds import NewsRssFeed

        return NewsRssFeed(self)(request)

    @path("feed/atom/", name="atom_feed")
    def atom_feed(self, request):
        from .feeds import NewsAtomFeed

        return NewsAtomFeed(self)(request)


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey("strategy_pages.NewsPage", on_delete=models.CASCADE, related_name="tagged_items")


class NewsPage(Page):
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

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")

    @property
    def meta_description(self):
        return description_from(self.intro)

    @property
    def og_image(self):
        return self.image

    def clean(self):
        super().clean()
        errors = {}
        if self.image and not self.image_alt.strip():
            errors["image_alt"] = _("Enter an alternative text describing the image.")
        if self.action_page and not self.action_label.strip():
            errors["action_label"] = _("Enter the label of the call-to-action button.")
        if errors:
            raise ValidationError(errors)


class StrategyPage(Page):
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
