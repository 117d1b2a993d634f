"""Reactions to saving a working group (connected in ``FormsConfig.ready``)."""

from . import services


def working_group_saved(sender, instance, raw=False, **kwargs):
    # Every group has the permission group of its reviewers, however the group was created.
    if not raw and instance.reviewers_id is None:
        services.create_reviewers_group(instance)
    if not raw:
        # And its recommendations document (one per group), edited by those reviewers.
        services.recommendations_for(instance)
