"""Web URLs of quotes, mounted under quotes/ with the namespace "quotes" (see web/urls.py)."""

from django.urls import path

from configurator.quotes.models import Quote
from configurator.web import quotes

urlpatterns = [
    path("", quotes.quote_list_view, name="list"),
    path("new/", quotes.quote_new, name="new"),
    path("request/<int:build_pk>/", quotes.quote_request, name="request"),
    path("<int:pk>/", quotes.quote_detail, name="detail"),
    path("<int:pk>/edit/", quotes.quote_edit, name="edit"),
    path("<int:pk>/issue/", quotes.quote_issue, name="issue"),
    path("<int:pk>/revise/", quotes.quote_revise, name="revise"),
    path(
        "<int:pk>/accept/",
        quotes.quote_answer,
        {"answer": Quote.Status.ACCEPTED},
        name="accept",
    ),
    path(
        "<int:pk>/decline/",
        quotes.quote_answer,
        {"answer": Quote.Status.REJECTED},
        name="decline",
    ),
    path("<int:pk>/pdf/panel/", quotes.quote_pdf_panel, name="pdf-panel"),
    path("<int:pk>/pdf/prepare/", quotes.quote_pdf_prepare, name="pdf-prepare"),
    path("<int:pk>/pdf/download/", quotes.quote_pdf_download, name="pdf-download"),
]
