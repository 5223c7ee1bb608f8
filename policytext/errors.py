class ReadFailed(Exception):
    """Text that cannot be read; every message is in Chinese and names where
    in the text the problem is. Importers turn it into their own error."""

    def __init__(self, errors: list[str] | str):
        self.errors = [errors] if isinstance(errors, str) else list(errors)
        super().__init__("\n".join(self.errors))
