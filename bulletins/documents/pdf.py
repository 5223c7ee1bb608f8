"""The .docx as PDF, by LibreOffice headless from Debian's packages.

LibreOffice rather than an HTML-to-PDF renderer: the PDF is then the same
document as the .docx (one layout, not two to keep equal), and it reads the
document grid, exact line heights and odd/even footers that GB/T 9704 asks
for. Each conversion has its own LibreOffice profile in a temporary
directory, so two conversions at once do not share (and lock) one, and a
time limit after which its whole process group is killed.
"""

import io
import math
import os
import re
import shutil
import signal
import subprocess  # noqa: S404 - soffice, a fixed command
import tempfile
import zipfile
from pathlib import Path

from lxml import etree

from . import DocumentError, fonts
from .word import BODY_SIZE, CHARS, TEXT_WIDTH

SOFFICE_NAMES = ("soffice", "libreoffice")
# The parts of a .docx that name fonts.
_FONT_PARTS = re.compile(r"^word/(document|styles|footer\d*|header\d*|fontTable)\.xml$")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# LibreOffice does not squeeze a character onto a grid cell narrower than
# the face (3号 is 16 pt, the 28-character cell 15.8 pt): it gives each
# character two cells, 14 to a line. For the PDF the grid keeps its lines
# and the characters get the same pitch from character spacing, in
# twentieths of a point, rounded down so that 28 still fit.
CHAR_SPACING = math.floor((TEXT_WIDTH.pt / CHARS - BODY_SIZE.pt) * 20)


def soffice() -> str | None:
    return next(filter(None, map(shutil.which, SOFFICE_NAMES)), None)


def _line_grid_only(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    for grid in root.iter(f"{W}docGrid"):
        grid.set(f"{W}type", "lines")
        grid.attrib.pop(f"{W}charSpace", None)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _character_spacing(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    for rpr in root.iterfind(f"{W}docDefaults/{W}rPrDefault/{W}rPr"):
        spacing = rpr.find(f"{W}spacing")
        if spacing is None:
            spacing = etree.SubElement(rpr, f"{W}spacing")
        spacing.set(f"{W}val", str(CHAR_SPACING))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def for_libreoffice(docx: bytes) -> bytes:
    """The .docx as LibreOffice should convert it: each official face named
    by its installed free substitute (fonts.SUBSTITUTES), so the PDF shows
    the chosen faces and not whatever fontconfig picks for an unknown name;
    the character grid as character spacing (CHAR_SPACING)."""
    table = fonts.substitution_table()
    try:
        source = zipfile.ZipFile(io.BytesIO(docx))
    except zipfile.BadZipFile:
        raise DocumentError(
            "无法生成PDF:传入的文件不是有效的Word文档(.docx)。"
        ) from None
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if _FONT_PARTS.match(item.filename):
                text = data.decode("utf-8")
                for official, free in table.items():
                    text = text.replace(f'"{official}"', f'"{free}"')
                data = text.encode("utf-8")
            if item.filename == "word/document.xml":
                data = _line_grid_only(data)
            elif item.filename == "word/styles.xml":
                data = _character_spacing(data)
            target.writestr(item, data)
    return out.getvalue()


def docx_to_pdf(docx: bytes, *, timeout: int = 120) -> bytes:
    """The PDF of `docx`, fonts embedded (LibreOffice's PDF export embeds
    subsets of every face it uses). Raises DocumentError on failure or when
    the conversion takes longer than `timeout` seconds."""
    program = soffice()
    if program is None:
        raise DocumentError("无法生成PDF:服务器未安装 LibreOffice(soffice)。")
    with tempfile.TemporaryDirectory(prefix="bulletin-pdf-") as tmp:
        work = Path(tmp)
        source = work / "bulletin.docx"
        source.write_bytes(for_libreoffice(docx))
        profile = (work / "profile").as_uri()
        command = [
            program,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--nologo",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(work),
            str(source),
        ]
        # A process group of its own, so that a timeout ends soffice.bin and
        # not only the wrapper script.
        process = subprocess.Popen(  # noqa: S603
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            env={**os.environ, "HOME": tmp},
        )
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise DocumentError(
                f"生成PDF超时:LibreOffice 在{timeout}秒内未完成转换。"
            ) from None
        result = work / "bulletin.pdf"
        if process.returncode != 0 or not result.exists():
            detail = stderr.decode("utf-8", "replace").strip()[-300:]
            raise DocumentError(
                f"生成PDF失败:LibreOffice 退出码{process.returncode}"
                + (f",{detail}" if detail else "")
                + "。"
            )
        return result.read_bytes()
