"""The payments addresses, joined to ``incentives.urls`` (namespace
``incentives``)."""

urlpatterns = []
