"""Helpers every room may use: reading query parameters, checking
uploaded files, writing spreadsheet cells. No models, no rules of the
policy; only Django and the standard library."""
