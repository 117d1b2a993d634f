"""Renditions of the images of a list of pages, in one query.

``prefetch_related("image__renditions")`` costs more in Django's prefetch machinery (a related manager and
a queryset per image, the cache of each) than its query takes to build and run. Wagtail also reads the
renditions an image carries in ``prefetched_renditions``: a plain list, filled here from one query.
"""

import functools

from wagtail.images import get_image_model

from .prepared import prepared_query


@prepared_query(maxsize=1024)
def _renditions_of(image_ids, filter_specs=None):
    renditions = get_image_model().get_rendition_model().objects.filter(image_id__in=image_ids)
    return renditions.filter(filter_spec__in=filter_specs) if filter_specs is not None else renditions


@functools.cache
def filter_specs(spec):
    """The renditions' ``filter_spec`` values a template's filter pattern makes: for
    ``"format-{avif,jpeg} fill-{400x225,800x450}"``, four (Wagtail's own brace expansion)."""
    from wagtail.images.models import Filter

    return tuple(Filter().expand_spec(spec))


def with_renditions(pages, image_field="image", spec=None):
    """``pages`` (a list), each one's image carrying its renditions, so that ``{% picture %}`` and
    ``{% image %}`` find existing ones without a query; a rendition made later joins the list. With
    ``spec`` (the filters of the one picture the template shows of each page), only those renditions:
    an image has renditions for every place it is shown (a news image: eleven), a card shows four."""
    images = [image for page in pages if (image := getattr(page, image_field)) is not None]
    if not images:
        return pages
    by_image = {image.pk: [] for image in images}
    image_of = get_image_model().get_rendition_model()._meta.get_field("image")
    specs = filter_specs(spec) if spec is not None else None
    for rendition in _renditions_of(tuple(sorted(by_image)), specs):
        by_image[rendition.image_id].append(rendition)
    for image in images:
        image.prefetched_renditions = by_image[image.pk]
        for rendition in image.prefetched_renditions:
            image_of.set_cached_value(rendition, image)
    return pages
