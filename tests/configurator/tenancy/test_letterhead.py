"""The letterhead fields of an organisation: a logo is a small PNG or JPEG, checked by content."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from configurator.tenancy.models import LOGO_MAX_BYTES, Organisation

pytestmark = pytest.mark.django_db

PNG_HEAD = b"\x89PNG\r\n\x1a\n"
JPEG_HEAD = b"\xff\xd8\xff\xe0"


def organisation_with_logo(name: str, content: bytes) -> Organisation:
    return Organisation(
        name="Acme", slug="acme", logo=SimpleUploadedFile(name, content), vat_number="FR1"
    )


@pytest.mark.parametrize(("name", "content"), [("a.png", PNG_HEAD + b"x"), ("b.jpg", JPEG_HEAD)])
def test_png_and_jpeg_logos_are_accepted(name: str, content: bytes) -> None:
    """A PNG or a JPEG within the size limit passes."""
    organisation_with_logo(name, content).full_clean()


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("logo.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "PNG or JPEG"),
        ("logo.svg", b"<svg/>", "extension"),
        ("logo.png", PNG_HEAD + b"x" * LOGO_MAX_BYTES, "at most 512 KB"),
    ],
)
def test_other_files_are_refused_naming_the_logo_field(
    name: str, content: bytes, says: str
) -> None:
    """A disguised file, another type or an oversized image: an error on `logo`, in words."""
    with pytest.raises(ValidationError) as caught:
        organisation_with_logo(name, content).full_clean()
    assert list(caught.value.message_dict) == ["logo"]
    assert says in " ".join(caught.value.message_dict["logo"])
