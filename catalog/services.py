"""Writes of the catalogue. Every write validates the full row before it saves."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from catalog.choices import ComponentKind
from catalog.models import PRICE_FIELDS, Component, Manufacturer, PriceBookEntry
from catalog.selectors import bundle_member_errors

__all__ = [
    "component_create",
    "component_delete",
    "component_update",
    "component_upsert",
    "manufacturer_create",
    "manufacturer_delete",
    "manufacturer_get_or_create",
    "manufacturer_update",
    "manufacturer_upsert",
]

# Fields a caller may set on a component; anything else is a programming error, not input.
COMPONENT_FIELDS = frozenset(
    field.name
    for field in Component._meta.concrete_fields
    if field.name not in {"id", "manufacturer", "sku", "created", "updated"}
)
MANUFACTURER_FIELDS = frozenset({"name", "slug", "website"})


def _check_fields(fields: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Unknown field(s): {', '.join(sorted(unknown))}")


def _unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:90] or "manufacturer"
    slug, n = base, 1
    others = Manufacturer.objects.all()
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    while others.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _validate_and_save(component: Component) -> Component:
    # full_clean first: it normalises the spec, which the bundle check then reads.
    component.full_clean()
    if component.kind == ComponentKind.BUNDLE:
        errors = bundle_member_errors(component.spec)
        if errors:
            raise ValidationError(errors)
    component.save()
    return component


def manufacturer_get_or_create(*, name: str) -> tuple[Manufacturer, bool]:
    """The manufacturer with this exact name, created (with a unique slug) when missing."""
    name = name.strip()
    if not name:
        raise ValidationError({"manufacturer": ["A manufacturer name is required."]})
    manufacturer = Manufacturer.objects.filter(name=name).first()
    if manufacturer is not None:
        return manufacturer, False
    manufacturer = Manufacturer(name=name, slug=_unique_slug(name))
    manufacturer.full_clean()
    manufacturer.save()
    return manufacturer, True


def manufacturer_create(*, name: str, slug: str = "", website: str = "") -> Manufacturer:
    """Create a manufacturer; the slug is derived from the name when not given."""
    manufacturer = Manufacturer(name=name, slug=slug or _unique_slug(name), website=website)
    manufacturer.full_clean()
    manufacturer.save()
    return manufacturer


def manufacturer_update(*, manufacturer: Manufacturer, **fields: Any) -> Manufacturer:
    """Change a manufacturer's name, slug or website."""
    _check_fields(fields, MANUFACTURER_FIELDS)
    for field, value in fields.items():
        setattr(manufacturer, field, value)
    manufacturer.full_clean()
    manufacturer.save()
    return manufacturer


@transaction.atomic
def manufacturer_upsert(*, name: str, **fields: Any) -> tuple[Manufacturer, bool, bool]:
    """Create or update a manufacturer by name; returns (manufacturer, created, changed)."""
    _check_fields(fields, MANUFACTURER_FIELDS - {"name"})
    manufacturer, created = manufacturer_get_or_create(name=name)
    changed = False
    for field, value in fields.items():
        if getattr(manufacturer, field) != value:
            setattr(manufacturer, field, value)
            changed = True
    if changed:
        manufacturer.full_clean()
        manufacturer.save()
    return manufacturer, created, changed and not created


def manufacturer_delete(*, manufacturer: Manufacturer) -> None:
    """Delete a manufacturer; raises ProtectedError while it still has components."""
    manufacturer.delete()


def component_create(*, manufacturer: Manufacturer, sku: str, **fields: Any) -> Component:
    """Create a component after validating the whole row (spec included).

    `owner` (an organisation) makes it that seller's private component; none: the library.
    """
    _check_fields(fields, COMPONENT_FIELDS | {"owner"})
    component = Component(manufacturer=manufacturer, sku=sku, **fields)
    return _validate_and_save(component)


def component_update(*, component: Component, **fields: Any) -> Component:
    """Change some fields of a component and validate the whole row before saving."""
    _check_fields(fields, COMPONENT_FIELDS | {"manufacturer", "sku"})
    for field, value in fields.items():
        setattr(component, field, value)
    return _validate_and_save(component)


def component_delete(*, component: Component) -> None:
    """Delete a component."""
    component.delete()


def _field_values(component: Component, fields: set[str]) -> dict[str, Any]:
    return {field: getattr(component, field) for field in fields}


@transaction.atomic
def component_upsert(
    *, manufacturer_name: str, sku: str, **fields: Any
) -> tuple[Component, bool, bool]:
    """Create or update a component by (manufacturer name, SKU); returns (row, created, changed).

    The manufacturer is created when missing. The row is validated in full before saving,
    and an existing row whose values do not change is not written again (re-imports stay
    cheap and keep `updated` meaningful).
    """
    _check_fields(fields, COMPONENT_FIELDS)
    sku = sku.strip()
    manufacturer, _ = manufacturer_get_or_create(name=manufacturer_name)
    component = (
        Component.objects.select_related("manufacturer")
        .filter(manufacturer=manufacturer, sku=sku)
        .first()
    )
    if component is None:
        component = Component(manufacturer=manufacturer, sku=sku, **fields)
        return _validate_and_save(component), True, False

    # Compare after full_clean: it turns "2" into Decimal("2") and fills the spec defaults,
    # so equal values written differently do not count as a change.
    before = _field_values(component, set(COMPONENT_FIELDS))
    for field, value in fields.items():
        setattr(component, field, value)
    component.full_clean()
    if _field_values(component, set(COMPONENT_FIELDS)) == before:
        return component, False, False
    return _validate_and_save(component), False, True


# --------------------------------------------------------------------------- price books


def price_entry_save(
    *, seller: Any, component: Component, entry: PriceBookEntry | None = None, **fields: Any
) -> PriceBookEntry:
    """Create or change a seller's price of a component, validated as a whole row."""
    _check_fields(fields, frozenset({*PRICE_FIELDS, "availability"}))
    if entry is None:
        entry = PriceBookEntry(seller=seller, component=component)
    else:
        entry.component = component
    for field, value in fields.items():
        setattr(entry, field, value)
    entry.full_clean()
    entry.save()
    return entry


def price_entry_delete(*, entry: PriceBookEntry) -> None:
    """Remove a component from a seller's price book (it falls back to the library price)."""
    entry.delete()
