"""Static files for production: whitenoise's compressed, hashed files, each file's URL
looked up once per process."""

from __future__ import annotations

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """The manifest is read once when the process starts and does not change while it runs,
    so the URL of a name does not either: every page's base template asks for five, and
    each cost a lookup, hashing of its path and quoting (1.6 % of the pages' CPU, issue 17).
    A name missing from the manifest still raises each time; DEBUG's unhashed URLs are not
    kept."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name: str | None, force: bool = False) -> str:
        if force or settings.DEBUG or name is None:
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            url = self._urls[name] = super().url(name)
            return url
