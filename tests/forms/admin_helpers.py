import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def png_upload(name="zdjecie.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "#0b5a2b").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
