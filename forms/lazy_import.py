"""Page models name their views and form classes by dotted path, resolved on first use.

A Wagtail page is both a model and the endpoint that serves it. Its ``serve()``, ``form_builder`` and
``base_form_class`` belong to the views and forms of its domain, which import the models: naming them
by path instead of importing them keeps the models at the bottom of the import graph (checked by the
import contracts in ``pyproject.toml``) while Wagtail still finds them where it looks.
"""

from importlib import import_module

from django.utils.module_loading import import_string


class LazyImport:
    """A class attribute holding the module, or the module's attribute, at ``path``."""

    def __init__(self, path):
        self.path = path
        self._target = None

    def __get__(self, instance, owner=None):
        if self._target is None:
            try:
                self._target = import_module(self.path)
            except ModuleNotFoundError:
                self._target = import_string(self.path)
        return self._target
