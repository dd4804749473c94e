"""Why the files app refuses a file: the codes of a refused upload."""

from core.errors import ErrorCode


class FilesErrorCode(ErrorCode):
    NOT_FOUND = "NOT_FOUND"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    FILE_TYPE_NOT_ALLOWED = "FILE_TYPE_NOT_ALLOWED"
    FILE_INVALID_IMAGE = "FILE_INVALID_IMAGE"
    IMAGE_TOO_MANY_PIXELS = "IMAGE_TOO_MANY_PIXELS"
