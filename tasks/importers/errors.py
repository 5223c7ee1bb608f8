class ImportFailed(Exception):
    """Input that cannot be imported; every message is in Chinese and names
    where in the file the problem is. Nothing has been written."""

    def __init__(self, errors: list[str] | str):
        self.errors = [errors] if isinstance(errors, str) else list(errors)
        super().__init__("\n".join(self.errors))
