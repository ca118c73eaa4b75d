"""Where results and digitised documents are kept: the local file system (default) or an
S3-compatible object store (``MOTCUA_STORAGE=s3``), both through Django's storage API
(django-storages for S3). Read at call time, so a settings change applies at once."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage


def documents_storage() -> Storage:
    backend = settings.MOTCUA_STORAGE
    if backend == "local":
        return FileSystemStorage(location=Path(settings.MEDIA_ROOT) / "documents")
    if backend == "s3":
        if not settings.MOTCUA_S3_BUCKET:
            raise ImproperlyConfigured("MOTCUA_STORAGE=s3 needs MOTCUA_S3_BUCKET.")
        from storages.backends.s3 import S3Storage

        return S3Storage(
            bucket_name=settings.MOTCUA_S3_BUCKET,
            endpoint_url=settings.MOTCUA_S3_ENDPOINT_URL or None,
            region_name=settings.MOTCUA_S3_REGION or None,
            access_key=settings.MOTCUA_S3_ACCESS_KEY or None,
            secret_key=settings.MOTCUA_S3_SECRET_KEY or None,
            default_acl=None,
            file_overwrite=False,
            querystring_auth=True,
        )
    raise ImproperlyConfigured(f"MOTCUA_STORAGE must be 'local' or 's3', not {backend!r}.")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def save(name: str, data: bytes) -> str:
    """Store ``data`` under a name derived from ``name`` (never overwriting); the stored name."""
    return documents_storage().save(name, ContentFile(data))


def read(name: str) -> bytes:
    with documents_storage().open(name, "rb") as handle:
        return bytes(handle.read())


def delete(name: str) -> None:
    documents_storage().delete(name)
