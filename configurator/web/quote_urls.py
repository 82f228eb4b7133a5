"""Web URLs of quotes, mounted under quotes/ with the namespace "quotes" (see web/urls.py)."""

from django.urls import path

from configurator.web import quotes

urlpatterns = [
    path("", quotes.quote_list_view, name="list"),
    path("<int:pk>/", quotes.quote_detail, name="detail"),
    path("<int:pk>/pdf/panel/", quotes.quote_pdf_panel, name="pdf-panel"),
    path("<int:pk>/pdf/prepare/", quotes.quote_pdf_prepare, name="pdf-prepare"),
    path("<int:pk>/pdf/download/", quotes.quote_pdf_download, name="pdf-download"),
]
