"""Checking uploaded images by their content, not their name, and reading where a photo was taken."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, UnidentifiedImageError

from .errors import DispatchError

ALLOWED_IMAGE_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}


@dataclass(frozen=True)
class CheckedImage:
    content_type: str
    extension: str
    width: int
    height: int
    lat: float | None
    lng: float | None
    taken_at: datetime | None


def _refuse(field: str, message: str) -> DispatchError:
    return DispatchError("invalid_upload", message, fields={field: [message]})


def _degrees(values, ref: str) -> float:
    degrees, minutes, seconds = (float(value) for value in values)
    sign = -1 if ref in ("S", "W") else 1
    return sign * (degrees + minutes / 60 + seconds / 3600)


def _gps(exif) -> tuple[float | None, float | None]:
    try:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        lat = _degrees(gps[ExifTags.GPS.GPSLatitude], gps.get(ExifTags.GPS.GPSLatitudeRef, "N"))
        lng = _degrees(gps[ExifTags.GPS.GPSLongitude], gps.get(ExifTags.GPS.GPSLongitudeRef, "E"))
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None, None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return None, None
    return round(lat, 7), round(lng, 7)


def _taken_at(exif) -> datetime | None:
    raw = exif.get_ifd(ExifTags.IFD.Exif).get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime)
    try:
        return datetime.strptime(str(raw), "%Y:%m:%d %H:%M:%S") if raw else None
    except ValueError:
        return None


def check_image(upload: UploadedFile, *, field: str = "file") -> CheckedImage:
    """Accept JPEG, PNG or WebP within the size limit, whatever the file is called; refuse anything else."""
    limit = settings.UPLOAD_IMAGE_MAX_BYTES
    if upload.size is None or upload.size == 0:
        raise _refuse(field, _("The file is empty."))
    if upload.size > limit:
        raise _refuse(field, _("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)})
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            image.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            exif = image.getexif()
            width, height = image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _refuse(field, _("The file is not a readable JPEG, PNG or WebP image.")) from None
    finally:
        upload.seek(0)
    if image_format not in ALLOWED_IMAGE_FORMATS:
        raise _refuse(field, _("Only JPEG, PNG or WebP images are accepted."))
    content_type, extension = ALLOWED_IMAGE_FORMATS[image_format]
    lat, lng = _gps(exif)
    return CheckedImage(content_type, extension, width, height, lat, lng, _taken_at(exif))
