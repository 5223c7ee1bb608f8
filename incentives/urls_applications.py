"""The applications addresses, joined to ``incentives.urls`` (namespace
``incentives``)."""

urlpatterns = []
