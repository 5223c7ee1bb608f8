"""An uploaded Office file (.xlsx, .docx) checked before it is read: not
empty, not over IMPORT_MAX_UPLOAD_BYTES, a zip whose declared sizes are
checked before anything is unpacked (zip bombs) and which holds the part
its kind must have."""

import io
import zipfile

from django.conf import settings

from common.files import FileRejected, check_zip_archive, megabytes, unpack_zip_bounded

from .errors import ImportFailed


def upload_size_check(data: bytes, file_name: str) -> None:
    if not data:
        raise ImportFailed(f"文件“{file_name}”是空文件。")
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if len(data) > limit:
        raise ImportFailed(
            f"文件“{file_name}”大小为 {megabytes(len(data))},"
            f"超过上限 {megabytes(limit)}。"
        )


def office_unpack(data: bytes, file_name: str, *, part: str, kind: str) -> io.BytesIO:
    """The file unpacked in memory, refused as not a ``kind`` (“Excel
    工作簿(.xlsx)”) unless it is a zip holding ``part``."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportFailed(f"文件“{file_name}”不是{kind}。")
    try:
        names = check_zip_archive(data, file_name)
        if part not in names:
            raise ImportFailed(f"文件“{file_name}”不是{kind}。")
        return io.BytesIO(unpack_zip_bounded(data, file_name))
    except FileRejected as exc:
        raise ImportFailed(str(exc)) from exc
