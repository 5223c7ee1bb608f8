"""The typefaces of a 公文 and the free faces that stand in for them.

The .docx names the official faces (方正小标宋简体, 仿宋_GB2312, 黑体,
楷体_GB2312, 宋体), so that a recipient whose machine has them sees the
document as GB/T 9704-2012 intends. Those faces are proprietary and not on
the server: before LibreOffice turns the .docx into a PDF, each name is
replaced by the first installed face of its list here (Debian's packages,
installed by bin/install), so the PDF never depends on fontconfig's guess.
"""

import functools
import shutil
import subprocess  # noqa: S404 - fc-list, a fixed command

TITLE = "方正小标宋简体"
BODY = "仿宋_GB2312"
HEADING = "黑体"
SUBHEADING = "楷体_GB2312"
PAGE_NUMBER = "宋体"

# Nearest free look first. FandolFang/FandolKai come out of Debian's
# texlive-lang-chinese (bin/install copies only their .otf files); AR PL
# UMing/UKai are the fallbacks of fonts-arphic-*; Noto from fonts-noto-cjk.
SUBSTITUTES: dict[str, tuple[str, ...]] = {
    TITLE: ("Noto Serif CJK SC SemiBold", "Noto Serif CJK SC", "FandolSong"),
    BODY: ("FandolFang", "AR PL UMing CN", "Noto Serif CJK SC"),
    HEADING: ("Noto Sans CJK SC", "FandolHei", "AR PL UMing CN"),
    SUBHEADING: ("FandolKai", "AR PL UKai CN", "Noto Serif CJK SC"),
    PAGE_NUMBER: ("Noto Serif CJK SC", "FandolSong", "AR PL UMing CN"),
}


@functools.cache
def installed_families() -> frozenset[str]:
    """Every family name fontconfig knows (a face can have several)."""
    program = shutil.which("fc-list")
    if program is None:
        return frozenset()
    out = subprocess.run(  # noqa: S603
        [program, ":", "family"],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    ).stdout
    return frozenset(
        name.strip() for line in out.splitlines() for name in line.split(",")
    )


def substitute(official: str) -> str:
    """The installed free face used for `official`; the first choice when
    none is installed, so that a missing font shows in pdffonts rather than
    as a silent fallback."""
    choices = SUBSTITUTES[official]
    families = installed_families()
    return next((c for c in choices if c in families), choices[0])


def substitution_table() -> dict[str, str]:
    return {official: substitute(official) for official in SUBSTITUTES}
