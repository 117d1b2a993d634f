"""Renditions of the images of a list of pages, in one query.

``prefetch_related("image__renditions")`` costs more in Django's prefetch machinery (a related manager and
a queryset per image, the cache of each) than its query takes to build and run. Wagtail also reads the
renditions an image carries in ``prefetched_renditions``: a plain list, filled here from one query.
"""

from wagtail.images import get_image_model

from .prepared import prepared_query


@prepared_query(maxsize=1024)
def _renditions_of(image_ids):
    return get_image_model().get_rendition_model().objects.filter(image_id__in=image_ids)


def with_renditions(pages, image_field="image"):
    """``pages`` (a list), each one's image carrying all its renditions, so that ``{% picture %}`` and
    ``{% image %}`` find existing ones without a query; a rendition made later joins the list."""
    images = [image for page in pages if (image := getattr(page, image_field)) is not None]
    if not images:
        return pages
    by_image = {image.pk: [] for image in images}
    image_of = get_image_model().get_rendition_model()._meta.get_field("image")
    for rendition in _renditions_of(tuple(sorted(by_image))):
        by_image[rendition.image_id].append(rendition)
    for image in images:
        image.prefetched_renditions = by_image[image.pk]
        for rendition in image.prefetched_renditions:
            image_of.set_cached_value(rendition, image)
    return pages
