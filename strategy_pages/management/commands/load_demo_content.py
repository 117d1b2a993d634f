"""Builds the demo site (see strategy_pages/demo.py) and a demo admin account. Safe to run again."""

import importlib
import importlib.util
import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from strategy_pages import demo

DEMO_ADMIN_USERNAME = "admin"
DEMO_ADMIN_PASSWORD_DEFAULT = "konstancin2040"  # noqa: S105 - demo only, printed on purpose


def other_apps_demo_modules():
    """Demo modules of the other apps, e.g. forms/demo.py, loaded after the pages exist."""
    for name in ("forms.demo",):
        if importlib.util.find_spec(name) is not None:
            yield importlib.import_module(name)


class Command(BaseCommand):
    help = "Loads the demo content of the strategy site (idempotent) and creates the demo admin account."

    def add_arguments(self, parser):
        parser.add_argument(
            "--site-url",
            default=os.environ.get("DEMO_SITE_URL", ""),
            help="The address the demo is served at (e.g. http://127.0.0.1:8000): the default site's host "
            "and port, for canonical links, the sitemap and feeds. Default: $DEMO_SITE_URL, else unchanged.",
        )

    def handle(self, *args, **options):
        modules = list(other_apps_demo_modules())
        with transaction.atomic():
            pages = demo.load(site_url=options["site_url"])
            for module in modules:
                # Contract: load(pages) with keys home, news_index, news_article, strategy_page, privacy_page.
                module.load(pages)
            password = self.ensure_admin()
        self.stdout.write(self.style.SUCCESS(f"Demo content loaded: {pages['home'].title}"))
        self.stdout.write(f"Admin login: /admin/  user: {DEMO_ADMIN_USERNAME}  password: {password}")
        for module in modules:
            # Optional: the staff accounts an app's demo creates, each with its role.
            for username, role, account_password in getattr(module, "demo_accounts", list)():
                self.stdout.write(f"  also: user: {username}  password: {account_password}  ({role})")

    def ensure_admin(self):
        password = os.environ.get("DEMO_ADMIN_PASSWORD", DEMO_ADMIN_PASSWORD_DEFAULT)
        user, _ = get_user_model().objects.get_or_create(
            username=DEMO_ADMIN_USERNAME, defaults={"email": "admin@example.org"}
        )
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        return password
