"""The publicity addresses, joined to ``incentives.urls`` (namespace
``incentives``)."""

urlpatterns = []

# The public 公示 pages, joined at /public/incentives/ (namespace
# ``public-incentives``).
public_urlpatterns = []
