"""Wagtail's ``{% image %}``, ``{% srcset_image %}`` and ``{% picture %}`` with their filters parsed once.

Wagtail's nodes build new ``Filter`` objects on every render, and each parses its spec again into
operations (validating every operation's arguments with ``inspect.getcallargs``): on a page with a
dozen pictures, a few thousand calls per request for specs that are fixed in the template. These
nodes keep the filters they built, once per compiled template (the template loader keeps compiled
templates for the life of the process), and are otherwise Wagtail's: same renditions, same HTML.
Load this library instead of ``wagtailimages_tags``.
"""

from django import template
from wagtail.images.templatetags import wagtailimages_tags as wagtail_tags

register = template.Library()


class _FiltersParsedOnce:
    def get_filter(self):
        if getattr(self, "_filter", None) is None:
            self._filter = super().get_filter()
        return self._filter

    def get_filters(self):
        if getattr(self, "_filters", None) is None:
            self._filters = super().get_filters()
        return self._filters


class ImageNode(_FiltersParsedOnce, wagtail_tags.ImageNode):
    pass


class SrcsetImageNode(_FiltersParsedOnce, wagtail_tags.SrcsetImageNode):
    pass


class PictureNode(_FiltersParsedOnce, wagtail_tags.PictureNode):
    pass


_NODES = {
    wagtail_tags.ImageNode: ImageNode,
    wagtail_tags.SrcsetImageNode: SrcsetImageNode,
    wagtail_tags.PictureNode: PictureNode,
}


def image(parser, token):
    node = wagtail_tags.image(parser, token)
    node.__class__ = _NODES[type(node)]
    return node


register.tag("image", image)
register.tag("srcset_image", image)
register.tag("picture", image)
