"""Every write of the incentives, one module per part: ``applications``
(entry, duplicates, the moves), ``personal`` (encryption and the audited
reveal), ``publicity`` (公示 and objections), ``payments`` (shares,
batches, results, budgets), ``imports`` (the spreadsheets). Callers import
the module they need."""
