"""A trivial task for the broker integration test: its only effect is a row the test can see."""

from django.contrib.auth.models import Group


def record_marker(name):
    Group.objects.get_or_create(name=name)
    return name
