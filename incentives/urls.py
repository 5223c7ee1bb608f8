"""The incentives' addresses (namespace ``incentives``), one list per part."""

from . import (
    urls_applications,
    urls_figures,
    urls_imports,
    urls_payments,
    urls_personal,
    urls_publicity,
)

app_name = "incentives"
urlpatterns = [
    *urls_applications.urlpatterns,
    *urls_personal.urlpatterns,
    *urls_publicity.urlpatterns,
    *urls_payments.urlpatterns,
    *urls_imports.urlpatterns,
    *urls_figures.urlpatterns,
]
