"""Blob storage behind ``blob://<container>/<path>`` URIs (Azurite locally, a Storage account in Azure)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import AzureError, HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.storage.blob import BlobClient, BlobServiceClient

SCHEME = "blob://"
CONTAINERS = ("datasets", "model-outputs")
_CONTAINER = re.compile(r"^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")  # Azure's container naming rule


class BlobError(RuntimeError):
    """A Blob operation failed; the message names the URI."""


class InvalidBlobUri(BlobError, ValueError):
    """The text is not a ``blob://<container>/<path>`` URI."""


class BlobNotFound(BlobError, LookupError):
    """No blob (or nothing under a prefix) at that URI."""


@dataclass(frozen=True)
class BlobRef:
    container: str
    path: str

    @property
    def uri(self) -> str:
        return f"{SCHEME}{self.container}/{self.path}"


def parse_blob_uri(uri: str, *, require_path: bool = True) -> BlobRef:
    """Split ``blob://container/a/b`` into container and path; raise InvalidBlobUri saying what is wrong."""
    if not uri.startswith(SCHEME):
        raise InvalidBlobUri(f"{uri!r} does not start with {SCHEME}")
    container, _, path = uri[len(SCHEME) :].partition("/")
    if not _CONTAINER.match(container):
        raise InvalidBlobUri(f"{uri!r}: {container!r} is not a valid container name (3-63 of a-z, 0-9, -)")
    path = path.strip("/")
    if require_path and not path:
        raise InvalidBlobUri(f"{uri!r} names a container but no blob path")
    if any(part in ("", ".", "..") for part in path.split("/")) and path:
        raise InvalidBlobUri(f"{uri!r} has an empty, '.' or '..' path segment")
    return BlobRef(container, path)


class BlobStore:
    """Small, synchronous operations on one storage account (call them via ``asyncio.to_thread``)."""

    def __init__(self, service: BlobServiceClient) -> None:
        self._service = service

    @classmethod
    def from_connection_string(cls, connection_string: str) -> BlobStore:
        """Local: Azurite's (or an account's) connection string."""
        return cls(BlobServiceClient.from_connection_string(connection_string))

    @classmethod
    def from_account_url(cls, account_url: str, credential: Any) -> BlobStore:
        """Azure: ``https://<account>.blob.core.windows.net`` with a token credential (managed identity)."""
        return cls(BlobServiceClient(account_url, credential=credential))

    def ensure_containers(self, *names: str) -> None:
        """Create the containers that do not exist (default: datasets, model-outputs)."""
        for name in names or CONTAINERS:
            try:
                self._service.get_container_client(name).create_container()
            except ResourceExistsError:
                continue
            except AzureError as exc:
                raise BlobError(f"cannot create container {name}: {exc}") from exc

    def upload_bytes(self, uri: str, data: bytes) -> str:
        """Write ``data`` at ``uri`` (overwriting) and return the URI."""
        return self._upload(uri, data)

    def upload_file(self, source: Path, uri: str) -> str:
        """Upload the file ``source`` to ``uri`` (overwriting) and return the URI."""
        with source.open("rb") as stream:
            return self._upload(uri, stream)

    def upload_dir(self, source: Path, uri_prefix: str) -> str:
        """Upload each file under ``source`` below ``uri_prefix`` (same relative paths); return the prefix."""
        prefix = parse_blob_uri(uri_prefix).uri
        files = sorted(path for path in source.rglob("*") if path.is_file())
        if not files:
            raise BlobError(f"no files under {source} to upload to {prefix}")
        for path in files:
            self.upload_file(path, f"{prefix}/{path.relative_to(source).as_posix()}")
        return prefix

    def download_bytes(self, uri: str) -> bytes:
        """The blob's content; BlobNotFound when absent."""
        try:
            data: bytes = self._blob(uri).download_blob().readall()
        except ResourceNotFoundError:
            raise BlobNotFound(f"no blob at {uri}") from None
        except AzureError as exc:
            raise BlobError(f"cannot download {uri}: {exc}") from exc
        return data

    def download_file(self, uri: str, dest: Path) -> Path:
        """Write the blob to ``dest`` (parents created) and return ``dest``."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(self.download_bytes(uri))
        return dest

    def read_text(self, uri: str) -> str:
        """The blob decoded as UTF-8."""
        return self.download_bytes(uri).decode("utf-8")

    def stat(self, uri: str) -> tuple[int, str]:
        """The blob's (size in bytes, ETag); BlobNotFound when absent."""
        try:
            props = self._blob(uri).get_blob_properties()
        except ResourceNotFoundError:
            raise BlobNotFound(f"no blob at {uri}") from None
        except HttpResponseError as exc:
            if exc.status_code == 400:  # the service refuses the name itself (length, characters)
                raise InvalidBlobUri(f"{uri!r} is not a valid blob name") from None
            raise BlobError(f"cannot read the properties of {uri}: {exc}") from exc
        except AzureError as exc:
            raise BlobError(f"cannot read the properties of {uri}: {exc}") from exc
        return int(props.size), str(props.etag)

    def download_version(self, uri: str, etag: str) -> bytes:
        """The blob's content if it still has ``etag``; BlobError if it changed in between."""
        try:
            return bytes(
                self._blob(uri).download_blob(etag=etag, match_condition=MatchConditions.IfNotModified).readall()
            )
        except ResourceNotFoundError:
            raise BlobNotFound(f"no blob at {uri}") from None
        except AzureError as exc:
            raise BlobError(f"cannot download {uri} at ETag {etag}: {exc}") from exc

    def exists(self, uri: str) -> bool:
        """Whether a blob exists at ``uri``."""
        try:
            return bool(self._blob(uri).exists())
        except AzureError as exc:
            raise BlobError(f"cannot check {uri}: {exc}") from exc

    def list_sizes(self, uri_prefix: str) -> dict[str, int]:
        """Size in bytes of every blob under ``uri_prefix``, keyed by path relative to the prefix."""
        ref = parse_blob_uri(uri_prefix)
        try:
            blobs = self._service.get_container_client(ref.container).list_blobs(name_starts_with=f"{ref.path}/")
            return {blob.name[len(ref.path) + 1 :]: int(blob.size) for blob in blobs}
        except AzureError as exc:
            raise BlobError(f"cannot list {uri_prefix}: {exc}") from exc

    def download_dir(self, uri_prefix: str, dest: Path) -> Path:
        """Mirror every blob under ``uri_prefix`` into ``dest``, skipping files already there with the
        same size (a name with a '..' segment is refused); BlobNotFound when the prefix holds nothing."""
        ref = parse_blob_uri(uri_prefix)
        sizes = self.list_sizes(uri_prefix)
        if not sizes:
            raise BlobNotFound(f"nothing under {ref.uri}")
        for relative, size in sizes.items():
            target = dest / relative
            if not (target.is_file() and target.stat().st_size == size):
                self.download_file(f"{ref.uri}/{relative}", target)
        return dest

    def ping(self) -> None:
        """Raise BlobError unless the account answers (one request, no retries)."""
        try:
            self._service.get_account_information(retry_total=0)
        except AzureError as exc:
            raise BlobError(f"blob storage did not answer: {exc}") from exc

    def _blob(self, uri: str) -> BlobClient:
        ref = parse_blob_uri(uri)
        return self._service.get_blob_client(ref.container, ref.path)

    def _upload(self, uri: str, data: Any) -> str:
        try:
            self._blob(uri).upload_blob(data, overwrite=True, max_concurrency=4)
        except AzureError as exc:
            raise BlobError(f"cannot upload to {uri}: {exc}") from exc
        return parse_blob_uri(uri).uri
