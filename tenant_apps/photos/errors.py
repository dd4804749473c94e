"""Why the photos app refuses: the codes of a photo upload or export."""

from core.errors import ErrorCode


class PhotosErrorCode(ErrorCode):
    NOT_FOUND = "NOT_FOUND"
    VALUE_INVALID = "VALUE_INVALID"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    FILE_TYPE_NOT_ALLOWED = "FILE_TYPE_NOT_ALLOWED"
    FILE_INVALID_IMAGE = "FILE_INVALID_IMAGE"
    IMAGE_TOO_MANY_PIXELS = "IMAGE_TOO_MANY_PIXELS"
    PHOTO_NO_MARKETING_CONSENT = "PHOTO_NO_MARKETING_CONSENT"
    TOO_MANY = "TOO_MANY"
