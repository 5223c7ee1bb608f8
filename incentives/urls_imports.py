"""The imports addresses, joined to ``incentives.urls`` (namespace
``incentives``)."""

urlpatterns = []
