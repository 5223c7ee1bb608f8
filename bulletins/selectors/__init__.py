"""Every read of the bulletins that a page, document, job or command needs."""
