"""Home page: the dashboard of the organisations a user acts for, or the sign-in page."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from configurator.builds import selectors
from configurator.builds.models import Build
from configurator.quotes.models import QuoteRequest
from configurator.quotes.selectors import quote_request_list, quote_requests_to_answer
from configurator.tenancy.models import Membership
from configurator.tenancy.permissions import organisations_visible_to
from configurator.web.common import build_rows, paginate

# Every listed build is evaluated by the engine (see `build_rows`): the dashboard caps the
# list at the most recently edited ones and links to the paged list for the rest.
DASHBOARD_BUILDS = 25
BUILDS_PER_PAGE = 25
DASHBOARD_REQUESTS = 10


@require_GET
def home(request: HttpRequest) -> HttpResponseBase:
    """The dashboard for a signed-in user; the sign-in page for anyone else."""
    user = request.user
    if not user.is_authenticated:
        return auth_views.LoginView.as_view()(request)
    return dashboard(request, user)


def dashboard(request: HttpRequest, user: User) -> HttpResponse:
    """Organisations, sites and recent builds (status and worst finding) the user acts on."""
    organisations = (
        organisations_visible_to(user)
        .select_related("served_by")
        .annotate(site_count=Count("sites", distinct=True))
        .order_by("name", "pk")
    )
    memberships = {
        m.organisation_id: m for m in Membership.objects.filter(user=user).order_by("pk")
    }
    sites = selectors.site_list(user=user).annotate(build_count=Count("builds"))
    builds = selectors.build_list(user=user)
    total_builds = builds.count()
    # Sellers see the requests waiting for their quote; customers their own waiting ones.
    to_answer = list(quote_requests_to_answer(user=user)[:DASHBOARD_REQUESTS])
    waiting = to_answer or list(
        quote_request_list(user=user, status=QuoteRequest.Status.OPEN)[:DASHBOARD_REQUESTS]
    )
    return render(
        request,
        "configurator/dashboard.html",
        {
            "organisations": [
                (organisation, memberships.get(organisation.pk)) for organisation in organisations
            ],
            "sites": sites,
            "rows": build_rows(builds[:DASHBOARD_BUILDS]),
            "total_builds": total_builds,
            "shown_builds": min(total_builds, DASHBOARD_BUILDS),
            "quote_requests": waiting,
            "quote_requests_to_answer": bool(to_answer),
        },
    )


@login_required
@require_GET
def build_list(request: HttpRequest) -> HttpResponse:
    """Every visible build, newest edits first, filterable by status, a page at a time."""
    status = request.GET.get("status") or None
    if status not in Build.Status.values:
        status = None
    page = paginate(
        request, selectors.build_list(user=request.user, status=status), BUILDS_PER_PAGE
    )
    return render(
        request,
        "configurator/build_list.html",
        {
            "page": page,
            "rows": build_rows(page.object_list),
            "status": status or "",
            "query": f"status={status}" if status else "",
            "statuses": Build.Status.choices,
        },
    )
