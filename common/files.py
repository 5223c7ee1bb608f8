"""Checks on uploaded files: size, type by content, and zip archives
(xlsx, docx) by their declared unpacked size before anything is unpacked."""

import io
import os
import zipfile

from django.conf import settings

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
)
OFFICE_TYPES = {
    "word/document.xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    "xl/workbook.xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
}
EXTENSIONS = {
    "pdf": "pdf",
    "png": "png",
    "jpg": "jpg",
    "jpeg": "jpg",
    "gif": "gif",
    "docx": "docx",
    "xlsx": "xlsx",
}


class FileRejected(Exception):
    """A file refused before use; the message is in Chinese."""


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def check_zip_archive(data: bytes, file_name: str) -> set[str]:
    """The names inside a zip-based file, after refusing archives whose
    declared content is too large, too many or too compressed. Declared
    sizes can lie: a reader that must unpack uses ``unpack_zip_bounded``."""
    buffer = io.BytesIO(data)
    if not zipfile.is_zipfile(buffer):
        raise FileRejected(f"文件“{file_name}”不是有效的 Office 文档(不是 zip 格式)。")
    try:
        with zipfile.ZipFile(buffer) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise FileRejected(f"文件“{file_name}”已损坏,无法读取:{exc}") from exc
    if len(entries) > settings.IMPORT_MAX_ZIP_ENTRIES:
        raise FileRejected(
            f"文件“{file_name}”包含 {len(entries)} 个内部文件,超过上限"
            f" {settings.IMPORT_MAX_ZIP_ENTRIES} 个,已拒绝。"
        )
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > settings.IMPORT_MAX_UNPACKED_BYTES:
        raise FileRejected(
            f"文件“{file_name}”解压后为 {megabytes(unpacked)},超过上限"
            f" {megabytes(settings.IMPORT_MAX_UNPACKED_BYTES)},疑似压缩炸弹,已拒绝。"
        )
    packed = sum(entry.compress_size for entry in entries) or 1
    ratio = unpacked / packed
    if unpacked > 1024 * 1024 and ratio > settings.IMPORT_MAX_COMPRESSION_RATIO:
        raise FileRejected(
            f"文件“{file_name}”压缩比为 {int(ratio)}:1,远超正常文档,"
            "疑似压缩炸弹,已拒绝。"
        )
    return {entry.filename for entry in entries}


def unpack_zip_bounded(data: bytes, file_name: str) -> bytes:
    """The archive rewritten from what its entries really hold, read in
    small chunks: an entry that understates its size cannot inflate past
    it here, and the copy handed on to a reader such as openpyxl holds no
    more than was counted."""
    check_zip_archive(data, file_name)
    budget = settings.IMPORT_MAX_UNPACKED_BYTES
    output = io.BytesIO()
    try:
        with (
            zipfile.ZipFile(io.BytesIO(data)) as archive,
            zipfile.ZipFile(output, "w", zipfile.ZIP_STORED) as copy,
        ):
            for entry in archive.infolist():
                chunks = []
                with archive.open(entry) as stream:
                    while chunk := stream.read(64 * 1024):
                        budget -= len(chunk)
                        if budget < 0:
                            raise FileRejected(
                                f"文件“{file_name}”解压后超过上限"
                                f" {megabytes(settings.IMPORT_MAX_UNPACKED_BYTES)},"
                                "疑似压缩炸弹,已拒绝。"
                            )
                        chunks.append(chunk)
                copy.writestr(entry.filename, b"".join(chunks))
    except zipfile.BadZipFile as exc:
        # Chiefly a CRC that fails because the entry holds more than it
        # declares: the signature of a bomb, or of a damaged file.
        raise FileRejected(
            f"文件“{file_name}”内部文件的实际内容与声明不符"
            f"(文件损坏或疑似压缩炸弹),已拒绝:{exc}"
        ) from exc
    except (zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise FileRejected(f"文件“{file_name}”已损坏,无法读取:{exc}") from exc
    return output.getvalue()


def check_evidence_size(size: int, file_name: str) -> None:
    """Refuse an evidence file over the limit; called with the upload's
    declared size before it is read, and with its length after."""
    limit = settings.EVIDENCE_MAX_BYTES
    if size > limit:
        raise FileRejected(
            f"文件“{file_name}”大小为 {megabytes(size)},超过上限 {megabytes(limit)}。"
        )


def sniff_evidence(data: bytes, file_name: str) -> tuple[str, str]:
    """(content type, extension) of an evidence file, decided by its bytes;
    the name's extension must agree with them."""
    if not data:
        raise FileRejected(f"文件“{file_name}”是空文件。")
    check_evidence_size(len(data), file_name)
    claimed = EXTENSIONS.get(
        file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    )
    if claimed is None:
        raise FileRejected(
            f"文件“{file_name}”的类型不受支持,佐证材料只接受 PDF、图片(PNG、JPG、GIF)、"
            "Word(.docx)和 Excel(.xlsx)。"
        )
    detected = _detect(data, file_name)
    if detected is None or detected[1] != claimed:
        raise FileRejected(f"文件“{file_name}”的内容与扩展名“.{claimed}”不符,已拒绝。")
    return detected


def _detect(data: bytes, file_name: str) -> tuple[str, str] | None:
    if data.startswith(b"%PDF-"):
        return "application/pdf", "pdf"
    for signature, content_type, extension in IMAGE_SIGNATURES:
        if data.startswith(signature):
            return content_type, extension
    if data.startswith(b"PK"):
        names = check_zip_archive(data, file_name)
        for marker, detected in OFFICE_TYPES.items():
            if marker in names and "[Content_Types].xml" in names:
                return detected
    return None


def write_whole(path, data: bytes):
    """Write ``data`` to ``path`` aside, then rename it into place: a
    reader (a download, a second worker) sees the whole file or none."""
    partial = path.with_name(f".{path.name}.part")
    partial.write_bytes(data)
    os.replace(partial, path)
    return path
