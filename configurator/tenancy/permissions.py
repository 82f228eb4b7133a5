"""Who may see and do what: the one place where roles become permissions.

Every request is judged from `(request.user, request.auth)`. `request.auth` is an
`ApiToken` for token requests (its organisation is the whole scope of the request) and
None for session requests (the user's memberships decide).

Typical use in a viewset of organisation-owned objects::

    class BuildViewSet(OrganisationScopedMixin, viewsets.ModelViewSet):
        queryset = Build.objects.select_related("organisation").order_by("pk")
        organisation_field = "site__organisation"   # path from the model to Organisation

Objects of other organisations then answer 404, never 403.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Q, QuerySet
from rest_framework import exceptions
from rest_framework.permissions import BasePermission

from configurator.tenancy.models import ApiToken, Membership, Organisation

if TYPE_CHECKING:
    from rest_framework.generics import GenericAPIView
    from rest_framework.request import Request
    from rest_framework.views import APIView

    # What the mixins below are mixed into. Not imported at run time: DRF loads this module
    # (through the throttle classes) while rest_framework.views is still being imported.
    _GenericView = GenericAPIView[Any]
else:
    _GenericView = object

Role = Membership.Role

# Roles whose holders act for the organisation's customers too (Organisation.served_by).
SERVING_ROLES = frozenset({Role.ADMIN, Role.SALES_ENGINEER})
# Roles allowed to see cost prices and margins.
COST_ROLES = frozenset({Role.ADMIN, Role.SALES_ENGINEER, Role.CATALOGUE_MANAGER})
# Roles allowed to write the (global) component catalogue.
CATALOGUE_WRITE_ROLES = frozenset({Role.ADMIN, Role.CATALOGUE_MANAGER})


def token_of(auth: Any) -> ApiToken | None:
    """Return the API token a request authenticated with, or None for sessions."""
    return auth if isinstance(auth, ApiToken) else None


def organisations_visible_to(user: Any, auth: Any = None) -> QuerySet[Organisation]:
    """Organisations the request may act on.

    Token: exactly the token's organisation. Superuser session: all. Otherwise each
    membership's organisation, plus the organisations it serves when the role is admin
    or sales engineer. Anonymous: none. Built from subqueries, so it costs no query
    until evaluated and composes into `organisation__in=`.
    """
    if user is None or not user.is_authenticated:
        return Organisation.objects.none()
    token = token_of(auth)
    if token is not None:
        return Organisation.objects.filter(pk=token.organisation_id)
    if user.is_superuser:
        return Organisation.objects.all()
    memberships = Membership.objects.filter(user=user)
    return Organisation.objects.filter(
        Q(pk__in=memberships.values("organisation"))
        | Q(served_by__in=memberships.filter(role__in=SERVING_ROLES).values("organisation"))
    )


def organisation_visible(
    user: Any, auth: Any, organisation: Organisation, *, roles: dict[int, str] | None = None
) -> bool:
    """Whether `organisations_visible_to(user, auth)` includes `organisation`, decided in
    Python: for one object already loaded, a plain query for the user's `roles_around` it
    (or none, given `roles`) costs less than filtering by the subqueries."""
    if user is None or not user.is_authenticated:
        return False
    token = token_of(auth)
    if token is not None:
        return organisation.pk == token.organisation_id
    if user.is_superuser:
        return True
    if roles is None:
        roles = roles_around(user, organisation)
    served_by = organisation.served_by_id
    served_role = roles.get(served_by) if served_by is not None else None
    return organisation.pk in roles or served_role in SERVING_ROLES


def roles_around(user: Any, organisation: Organisation) -> dict[int, str]:
    """The user's membership roles in `organisation` and in the organisation serving it, by
    organisation id: one query. `user_role` and `can_see_cost` decide a session request on
    these alone; a page asking both reads them once and passes them as `roles`."""
    if user is None or not user.is_authenticated:
        return {}
    return dict(
        Membership.objects.filter(
            user=user, organisation_id__in=[organisation.pk, organisation.served_by_id]
        ).values_list("organisation_id", "role")
    )


def user_role(
    user: Any, organisation: Organisation, *, roles: dict[int, str] | None = None
) -> str | None:
    """The role `user` holds for `organisation`, or None.

    A direct membership wins; otherwise an admin or sales engineer of the serving
    organisation holds that role for the served one; a superuser counts as admin.
    `roles`: the user's `roles_around` the organisation, when already read.
    """
    if user is None or not user.is_authenticated:
        return None
    if roles is None:
        roles = roles_around(user, organisation)
    if organisation.pk in roles:
        return roles[organisation.pk]
    served_by = organisation.served_by_id
    served_role = roles.get(served_by) if served_by is not None else None
    if served_role in SERVING_ROLES:
        return served_role
    if user.is_superuser:
        return Role.ADMIN
    return None


def roles_of(user: Any, auth: Any = None) -> frozenset[str]:
    """Roles that count for this request: the token organisation's only, else all of them."""
    if user is None or not user.is_authenticated:
        return frozenset()
    memberships = Membership.objects.filter(user=user)
    token = token_of(auth)
    if token is not None:
        memberships = memberships.filter(organisation_id=token.organisation_id)
    return frozenset(memberships.values_list("role", flat=True))


def seller_of(organisation: Organisation) -> Organisation | None:
    """The seller whose prices and costs apply to `organisation`'s builds and quotes.

    A seller organisation sells for itself; a customer is sold to by the organisation that
    serves it (None when nobody does).
    """
    if organisation.kind == Organisation.Kind.SELLER:
        return organisation
    return organisation.served_by


def can_see_cost(
    user: Any,
    auth: Any = None,
    organisation: Organisation | None = None,
    *,
    roles: dict[int, str] | None = None,
) -> bool:
    """Whether cost prices and margins may be shown: admins, sales, catalogue managers.

    With `organisation` (the owner of the build, BOM or quote shown), only a cost role held
    in that organisation's seller counts: a customer of one organisation who is staff of
    another seller never sees the first one's costs. Without it (nothing owned is shown),
    any cost role of the request counts. A token counts its own organisation's role only.
    `roles`: the user's `roles_around` the organisation, when already read (the seller is
    the organisation itself or the one serving it, so they hold its role).
    """
    if user is None or not user.is_authenticated:
        return False
    if organisation is None:
        return bool(user.is_superuser or roles_of(user, auth) & COST_ROLES)
    token = token_of(auth)
    if user.is_superuser and token is None:
        return True
    seller_id = organisation.selling_organisation_id  # as `seller_of`, without loading it
    if seller_id is None:
        return False
    if token is not None and token.organisation_id != seller_id:
        return False
    if roles is not None:
        return roles.get(seller_id) in COST_ROLES
    return Membership.objects.filter(
        user=user, organisation_id=seller_id, role__in=COST_ROLES
    ).exists()


def cost_visibility(user: Any, auth: Any = None) -> Any:
    """`can_see_cost` per organisation, asked once per organisation (for lists of objects)."""
    answers: dict[int, bool] = {}

    def visible(organisation: Organisation) -> bool:
        if organisation.pk not in answers:
            answers[organisation.pk] = can_see_cost(user, auth, organisation)
        return answers[organisation.pk]

    return visible


def can_edit_catalogue(user: Any, auth: Any = None) -> bool:
    """Whether the request may write the component catalogue."""
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_superuser or roles_of(user, auth) & CATALOGUE_WRITE_ROLES)


def can_approve_build(user: Any, auth: Any, organisation: Organisation) -> bool:
    """Whether the request may approve (or reopen) a build of `organisation`.

    Approval is the seller's engineering sign-off: admins and sales engineers only, never
    customers, integrators or catalogue managers. With a token only its organisation's role
    counts; which organisations are visible at all is the scoping's job.
    """
    if token_of(auth) is not None:
        return bool(roles_of(user, auth) & SERVING_ROLES)
    return user_role(user, organisation) in SERVING_ROLES


def scope_to_organisations(
    queryset: QuerySet[Any], request: Request, organisation_field: str = "organisation"
) -> QuerySet[Any]:
    """Restrict a queryset to rows whose `organisation_field` is visible to the request."""
    visible = organisations_visible_to(request.user, request.auth)
    return queryset.filter(**{f"{organisation_field}__in": visible})


# The Django group of platform staff: they edit the shared technical library (with the
# importers); superusers count as platform staff too.
PLATFORM_STAFF_GROUP = "Platform staff"
# Roles that edit their seller organisation's price book and private components.
PRICE_BOOK_WRITE_ROLES = frozenset({Role.ADMIN, Role.CATALOGUE_MANAGER})


def can_edit_library(user: Any, auth: Any = None) -> bool:
    """Whether the request may write the shared, vendor-neutral technical library."""
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_superuser or user.groups.filter(name=PLATFORM_STAFF_GROUP).exists())


def price_book_owners(user: Any, auth: Any = None, *, write: bool = False) -> Any:
    """Seller organisations whose price book the request may read (cost roles) or edit.

    Editing: admins and catalogue managers of the seller. Reading: also its sales engineers.
    A token counts its own organisation only; a superuser session all sellers.
    """
    sellers = Organisation.objects.filter(kind=Organisation.Kind.SELLER)
    if user is None or not user.is_authenticated:
        return sellers.none()
    token = token_of(auth)
    if user.is_superuser and token is None:
        return sellers
    roles = PRICE_BOOK_WRITE_ROLES if write else COST_ROLES
    memberships = Membership.objects.filter(user=user, role__in=roles)
    if token is not None:
        memberships = memberships.filter(organisation_id=token.organisation_id)
    return sellers.filter(pk__in=memberships.values("organisation"))


def private_component_owners(user: Any, auth: Any = None) -> Any:
    """Organisations whose private components the request sees: its own memberships."""
    if user is None or not user.is_authenticated:
        return Organisation.objects.none()
    token = token_of(auth)
    if token is not None:
        return Organisation.objects.filter(pk=token.organisation_id)
    if user.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(
        pk__in=Membership.objects.filter(user=user).values("organisation")
    )


def can_see_library_cost(user: Any, auth: Any = None) -> bool:
    """The library's reference cost: cost roles and the platform staff who keep it."""
    return can_see_cost(user, auth) or can_edit_library(user, auth)


class CatalogueAccess:
    """The catalogue's access policy (settings.CATALOG_ACCESS_POLICY), answered by roles."""

    can_edit_catalogue = staticmethod(can_edit_catalogue)
    can_see_cost = staticmethod(can_see_library_cost)
    can_edit_library = staticmethod(can_edit_library)
    price_book_owners = staticmethod(price_book_owners)
    private_component_owners = staticmethod(private_component_owners)


class IsInVisibleOrganisation(BasePermission):
    """Object check for organisation-owned objects: outside the scope answers 404, not 403.

    Reads the view's `organisation_field` (default "organisation") as a `__`-path from the
    object to its Organisation. Prefer `OrganisationScopedMixin`, which filters the queryset
    so such objects are never found; this class guards views that fetch objects otherwise.
    """

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        organisation = obj
        for part in getattr(view, "organisation_field", "organisation").split("__"):
            organisation = getattr(organisation, part)
        organisation_id = getattr(organisation, "pk", organisation)
        visible = organisations_visible_to(request.user, request.auth)
        if not visible.filter(pk=organisation_id).exists():
            raise exceptions.NotFound()
        return True


class OrganisationScopedMixin(_GenericView):
    """Viewset mixin: the queryset holds only objects of the request's organisations.

    Set `organisation_field` to the path from the model to Organisation. On create, call
    `self.check_organisation(organisation)` before saving so a client cannot write into
    an organisation it cannot see.
    """

    organisation_field = "organisation"

    def get_queryset(self) -> QuerySet[Any]:
        queryset = super().get_queryset()
        return scope_to_organisations(queryset, self.request, self.organisation_field)

    def visible_organisations(self) -> QuerySet[Organisation]:
        return organisations_visible_to(self.request.user, self.request.auth)

    def check_organisation(self, organisation: Organisation) -> Organisation:
        """Refuse (as a validation error on `organisation`) an organisation out of scope."""
        if not self.visible_organisations().filter(pk=organisation.pk).exists():
            raise exceptions.ValidationError({"organisation": ["Unknown organisation."]})
        return organisation


# --------------------------------------------------------------------------- quotes
# (appended for issue 6: who writes, issues and answers quotes, and how much they may discount)

# Roles that write and issue quotes: the seller's people, never the customer's.
QUOTE_ISSUER_ROLES = SERVING_ROLES


def _seller_memberships(user: Any) -> QuerySet[Membership]:
    """The user's issuer-role memberships held in seller organisations."""
    return Membership.objects.filter(
        user=user, role__in=QUOTE_ISSUER_ROLES, organisation__kind=Organisation.Kind.SELLER
    )


def organisations_quoting_for(user: Any, auth: Any = None) -> QuerySet[Organisation]:
    """Organisations whose quotes the request may write: create, edit, issue, revise.

    An admin or sales engineer of a seller organisation quotes for it and for every
    organisation it serves; an "admin" of a customer organisation does not (a customer never
    prices its own offer). Always within `organisations_visible_to`, so a token keeps its scope.
    """
    visible = organisations_visible_to(user, auth)
    if user is None or not user.is_authenticated:
        return visible
    if user.is_superuser and token_of(auth) is None:
        return visible
    sellers = _seller_memberships(user).values("organisation")
    return visible.filter(Q(pk__in=sellers) | Q(served_by__in=sellers))


def quote_issuer_role(user: Any, organisation: Organisation) -> str | None:
    """The role under which `user` may issue quotes for `organisation`, or None.

    Held directly in a seller organisation or through the organisation serving it; when both
    apply, the role with the higher discount limit counts. A superuser counts as admin.
    """
    if user is None or not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.ADMIN
    roles = set(
        _seller_memberships(user)
        .filter(organisation_id__in=[organisation.pk, organisation.served_by_id])
        .values_list("role", flat=True)
    )
    if not roles:
        return None
    return max(roles, key=lambda role: quote_discount_limit_pct(role) or 0)


def quote_discount_limit_pct(role: str | None) -> Decimal | None:
    """Highest discount in percent `role` may grant (settings.QUOTE_DISCOUNT_LIMITS); None: none."""
    if role is None:
        return None
    # Read per call, not at import, so a settings override applies (tests, deployments).
    limits = getattr(settings, "QUOTE_DISCOUNT_LIMITS", {})
    limit = limits.get(str(role))
    return None if limit is None else Decimal(str(limit))


def can_answer_quote(
    user: Any, organisation: Organisation, customer: Organisation | None = None
) -> bool:
    """Whether `user` may accept or reject a quote of `organisation` (offered to `customer`).

    Any member of the buying organisation (they are the ones who buy): the named `customer`
    when the quote has one, else the build's organisation; and the issuers, who record an
    answer given by mail or phone.
    """
    if user is None or not user.is_authenticated:
        return False
    if quote_issuer_role(user, organisation) is not None:
        return True
    buyer = customer or organisation
    return Membership.objects.filter(user=user, organisation=buyer).exists()


def can_request_quote(user: Any, auth: Any, organisation: Organisation) -> bool:
    """Whether the request may ask for a quote of a build of `organisation`.

    Members of a customer organisation ask its seller; a seller's people quote directly. With
    a token only the token's own organisation counts.
    """
    if user is None or not user.is_authenticated:
        return False
    if organisation.kind != Organisation.Kind.CUSTOMER:
        return False
    token = token_of(auth)
    if token is not None and token.organisation_id != organisation.pk:
        return False
    return Membership.objects.filter(user=user, organisation=organisation).exists()
