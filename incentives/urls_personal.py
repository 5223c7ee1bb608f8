"""The personal addresses, joined to ``incentives.urls`` (namespace
``incentives``)."""

urlpatterns = []
