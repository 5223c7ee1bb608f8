"""Stand-ins for part C's renderers in the job and command tests: they
prove what the job does with the documents (steps, files, failures), not
the documents themselves (test_documents.py does that). Each fake writes
what it was given, so a test can read back which figures and words were
rendered."""

import json

import pytest


def fake(kind: str):
    def render(figures: dict, text: dict) -> bytes:
        return json.dumps(
            {"kind": kind, "range": figures["range"]["label"], "title": text["title"]},
            ensure_ascii=False,
        ).encode()

    return render


def fake_pdf(docx: bytes, *, timeout: int = 120) -> bytes:
    return b"%PDF-fake " + docx


@pytest.fixture
def fake_documents(monkeypatch):
    import bulletins.jobs

    monkeypatch.setattr(bulletins.jobs, "render_docx", fake("docx"))
    monkeypatch.setattr(bulletins.jobs, "docx_to_pdf", fake_pdf)
    monkeypatch.setattr(bulletins.jobs, "render_xlsx", fake("xlsx"))


def read(path) -> dict:
    data = path.read_bytes()
    return json.loads(data.removeprefix(b"%PDF-fake "))
