from .base import *  # noqa: F403

DEBUG = True
# Demo/development only: never used by production.py.
SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
ALLOWED_HOSTS = ["*"]

# The demo writes outgoing mail to files the README names (one file per message batch).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")  # noqa: F405
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))  # noqa: F405

# The demo mounts Django's admin at /django-admin/ (production does not unless asked).
DJANGO_ADMIN_ENABLED = env_bool("DJANGO_ADMIN_ENABLED", True)  # noqa: F405
