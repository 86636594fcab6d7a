"""Photos people upload (evidence, a trainee's portrait): a real JPEG, PNG or WebP image under the size limit."""

import hashlib

from django.conf import settings

from anjian.core.errors import DomainError

PHOTO_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def check_photo(upload, field: str = "file") -> tuple[str, str]:
    """Check an upload and name it by its hash; answers (content type, SHA-256). Refuses anything else clearly."""
    from PIL import Image, UnidentifiedImageError

    if upload.size > settings.PHOTO_MAX_BYTES:
        limit = f"{settings.PHOTO_MAX_BYTES // (1024 * 1024)} MiB"
        raise DomainError("photo_too_large", field=field, limit=limit)
    try:
        with Image.open(upload) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise DomainError("photo_not_image", field=field) from None
    if kind not in PHOTO_TYPES:
        raise DomainError("photo_not_image", field=field)
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    upload.name = f"{digest.hexdigest()[:24]}.{kind.lower()}"
    return PHOTO_TYPES[kind], digest.hexdigest()
