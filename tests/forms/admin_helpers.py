import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def png_upload(name="zdjecie.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "#0b5a2b").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def page_editor_data(html):
    """The fields of Wagtail's page editor form as a browser would post them: {name: [values]}.

    Reads the ``<form>`` holding ``csrfmiddlewaretoken`` and the page's fields: text, hidden (rich
    text and StreamField JSON), ticked checkboxes and radios, textareas and selected options."""
    from html.parser import HTMLParser

    class Parser(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.data, self.textarea, self.select, self.option = {}, None, None, None
            self.in_form = False

        def add(self, name, value):
            self.data.setdefault(name, []).append(value)

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "form" and attrs.get("id") == "page-edit-form":
                self.in_form = True
            if not self.in_form:
                return
            name = attrs.get("name")
            if tag == "input" and name:
                kind = attrs.get("type", "text")
                if kind in {"submit", "button", "file", "image", "reset"}:
                    return
                if kind in {"checkbox", "radio"}:
                    if "checked" in attrs:
                        self.add(name, attrs.get("value", "on"))
                    return
                self.add(name, attrs.get("value", ""))
            elif tag == "textarea" and name:
                self.textarea = [name, ""]
            elif tag == "select" and name:
                self.select = [name, None, "multiple" in attrs]
            elif tag == "option" and self.select is not None:
                if self.option is None:
                    self.option = attrs.get("value", "")
                if "selected" in attrs:
                    self.add(self.select[0], attrs.get("value", ""))
                    self.select[1] = True

        def handle_data(self, data):
            if self.textarea is not None:
                self.textarea[1] += data

        def handle_endtag(self, tag):
            if tag == "form" and self.in_form:
                self.in_form = False
            elif tag == "textarea" and self.textarea is not None:
                self.add(self.textarea[0], self.textarea[1].removeprefix("\n"))
                self.textarea = None
            elif tag == "select" and self.select is not None:
                if not self.select[1] and not self.select[2] and self.option is not None:
                    self.add(self.select[0], self.option)  # a browser posts the first option
                self.select, self.option = None, None

    parser = Parser()
    parser.feed(html)
    return parser.data
