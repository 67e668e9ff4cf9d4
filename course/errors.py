"""Business failures that views turn into a message and a status code."""


class CourseError(Exception):
    """A request the rules refuse. `status` is the HTTP status a view answers with."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(CourseError):
    status = 404


class Conflict(CourseError):
    status = 409


class Forbidden(CourseError):
    status = 403
