"""The figures addresses, joined to ``incentives.urls`` (namespace
``incentives``)."""

urlpatterns = []
