"""StreamField blocks shared by the news and strategy pages."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

# Editors get a short, predictable toolbar: plain structure keeps pages readable.
PARAGRAPH_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading text"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("Level"),
        choices=[("h2", _("Heading 2")), ("h3", _("Heading 3")), ("h4", _("Heading 4"))],
        default="h2",
        help_text=_("Use level 2 for sections and level 3 or 4 for sub-sections, without skipping levels."),
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "strategy_pages/blocks/heading.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Attribution"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "strategy_pages/blocks/quote.html"


class ListBlock(blocks.StructBlock):
    numbered = blocks.BooleanBlock(label=_("Numbered list"), required=False)
    items = blocks.ListBlock(blocks.CharBlock(label=_("Item"), max_length=500), label=_("Items"), min_num=1)

    class Meta:
        icon = "list-ul"
        label = _("List")
        template = "strategy_pages/blocks/list.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        max_length=400,
        help_text=_("Describe what the image shows for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=400)
    credit = blocks.CharBlock(label=_("Photo credit"), required=False, max_length=200)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "strategy_pages/blocks/image.html"


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    label = blocks.CharBlock(
        label=_("Link text"), required=False, max_length=200, help_text=_("Defaults to the document title.")
    )

    class Meta:
        icon = "doc-full"
        label = _("Document link")
        template = "strategy_pages/blocks/document_link.html"


class BaseStreamBlock(blocks.StreamBlock):
    """Blocks every page body may use."""

    paragraph = blocks.RichTextBlock(label=_("Paragraph"), features=PARAGRAPH_FEATURES, icon="pilcrow")
    heading = HeadingBlock()
    quote = QuoteBlock()
    list = ListBlock()
    image = ImageBlock()
    document = DocumentLinkBlock()
    embed = EmbedBlock(
        label=_("Embedded media"), help_text=_("Address of a video or post, e.g. on YouTube."), icon="media"
    )


class ScheduleStageBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Stage"), max_length=200)
    start_date = blocks.DateBlock(label=_("Start date"))
    end_date = blocks.DateBlock(label=_("End date"), required=False)
    status = blocks.ChoiceBlock(
        label=_("Status"),
        choices=[("planned", _("Planned")), ("in_progress", _("In progress")), ("done", _("Done"))],
        default="planned",
    )
    description = blocks.TextBlock(label=_("Short description"), required=False)

    def clean(self, value):
        value = super().clean(value)
        if value["end_date"] and value["end_date"] < value["start_date"]:
            raise StructBlockValidationError(
                {"end_date": ValidationError(_("The end date cannot be earlier than the start date."))}
            )
        return value


class ScheduleBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Heading"), default="Harmonogram", max_length=200)
    stages = blocks.ListBlock(ScheduleStageBlock(), label=_("Stages"), min_num=1)

    class Meta:
        icon = "date"
        label = _("Schedule")
        template = "strategy_pages/blocks/schedule.html"


class DownloadsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Heading"), default="Do pobrania", max_length=200)
    documents = blocks.ListBlock(DocumentChooserBlock(label=_("Document")), label=_("Documents"), min_num=1)

    class Meta:
        icon = "download"
        label = _("Downloads")
        template = "strategy_pages/blocks/downloads.html"


class ContactBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Heading"), required=False, max_length=200)
    text = blocks.TextBlock(label=_("Text"), required=False)
    email = blocks.EmailBlock(
        label=_("E-mail address"),
        required=False,
        help_text=_("Shown in a form that address-harvesting robots cannot read."),
    )
    phones = blocks.ListBlock(
        blocks.CharBlock(label=_("Phone number"), max_length=40), label=_("Phone numbers"), default=[]
    )

    class Meta:
        icon = "mail"
        label = _("Contact")
        template = "strategy_pages/blocks/contact.html"


class CallToActionBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Text"), required=False)
    label = blocks.CharBlock(label=_("Button label"), max_length=100)
    page = blocks.PageChooserBlock(label=_("Page"), required=False)
    url = blocks.URLBlock(label=_("External address"), required=False)

    class Meta:
        icon = "link"
        label = _("Call to action")
        template = "strategy_pages/blocks/call_to_action.html"

    def clean(self, value):
        value = super().clean(value)
        if bool(value["page"]) == bool(value["url"]):
            message = _("Choose either a page or an external address.")
            raise StructBlockValidationError({"page": ValidationError(message), "url": ValidationError(message)})
        return value


class NewsBodyBlock(BaseStreamBlock):
    pass


class StrategyBodyBlock(BaseStreamBlock):
    schedule = ScheduleBlock()
    downloads = DownloadsBlock()
    contact = ContactBlock()
    call_to_action = CallToActionBlock()
