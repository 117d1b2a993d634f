"""Editor panels shared by the apps' page models."""

from wagtail.admin import panels


class InlinePanel(panels.InlinePanel):
    """Wagtail's ``InlinePanel`` with an add button of its own wording.

    Wagtail builds both each item's heading ("{label} 1") and the add button ("Dodaj {label}") from
    ``label``; in Polish the item needs the nominative and the button the accusative: ``label`` "sesja"
    gives "Sesja 1", ``add_button_label`` "Dodaj sesję" the button, ``heading`` "Sesje" the panel."""

    def __init__(self, *args, add_button_label="", **kwargs):
        super().__init__(*args, **kwargs)
        self.add_button_label = add_button_label

    def clone_kwargs(self):
        return {**super().clone_kwargs(), "add_button_label": self.add_button_label}

    class BoundPanel(panels.InlinePanel.BoundPanel):
        template_name = "strategy_pages/panels/inline_panel.html"
