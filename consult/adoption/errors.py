"""The one error the adoption services raise: a sentence to show the user."""


class AdoptionError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
