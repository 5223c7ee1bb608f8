"""The performance benchmark (``bin/bench``): a province-scale dataset,
page timings against a trivial view, imports against a ``bulk_create``
floor, and a bounded load run. Not used by the portal itself."""
