"""Every read of the incentives, one module per part (``applications``,
``publicity``, ``payments``, ``figures``)."""
