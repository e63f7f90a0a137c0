"""The rendered documents, read back as text, equal their golden files.

A reviewer reads ``tests/documents/golden/*.txt`` as the debtor would read the PDF.
After a deliberate change, regenerate them with
``RELANCE_UPDATE_GOLDEN=1 pytest tests/documents/test_pdf.py`` and review the diff.
Line breaks depend on the fonts installed, so texts are compared word by word.
"""

from __future__ import annotations

import io
import os
from datetime import date
from pathlib import Path

import pypdf
import pytest

from relance.documents import pdf
from relance.documents.letter import NoticeData, notice_figures
from relance.documents.statement import StatementData, statement_figures
from relance.errors import TemplateError
from tests.documents.fixtures import b2b_notice, b2c_notice, statement

GOLDEN = Path(__file__).parent / "golden"
A4_POINTS = (595, 842)  # 210 x 297 mm at 72 points per inch, rounded


def render(data: NoticeData | StatementData) -> bytes:
    if isinstance(data, NoticeData):
        return pdf.notice_pdf(data, notice_figures(data))
    return pdf.statement_pdf(data, statement_figures(data))


def pages(content: bytes) -> list[pypdf.PageObject]:
    return list(pypdf.PdfReader(io.BytesIO(content)).pages)


def text_of(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pages(content))


def words(text: str) -> list[str]:
    return text.split()


CASES = {f"{language}.{name}": (lambda f=factory, lang=language: f(lang))
         for language in ("fr", "en")
         for name, factory in (("notice.b2b", b2b_notice), ("notice.b2c", b2c_notice),
                               ("statement", statement))}
CASES["fr.statement.provisional"] = lambda: statement("fr", as_of=date(2026, 7, 10),
                                                      estimate=True)


@pytest.mark.parametrize("name", sorted(CASES))
def test_document_text_matches_golden_file(name: str) -> None:
    text = text_of(render(CASES[name]()))
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("RELANCE_UPDATE_GOLDEN") == "1":
        path.write_text(text + "\n", encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run with RELANCE_UPDATE_GOLDEN=1"
    assert words(text) == words(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_consumer_letter_never_mentions_the_fixed_indemnity(language: str) -> None:
    text = text_of(render(b2c_notice(language))).lower()
    assert "40" not in text
    assert "indemnit" not in text and "compensation" not in text
    assert "1231-6" in text and "1344" in text and "l441-10" not in text


def test_business_letter_states_figures_and_legal_basis() -> None:
    text = " ".join(words(text_of(render(b2b_notice()))))
    for expected in ("L441-10", "D441-5", "1344", "SIREN 732829320", "SIREN 552100554",
                     "2 511,01 €", "23 juillet 2025", "40,00 €", "31,01 €", "13,15 %",
                     "12,15 %", "FR76 3000 6000 0112 3456 7890 189", "AGRIFRPP",
                     "Claire Martin", "Responsable comptabilité clients"):
        assert expected.replace("\u202f", " ") in text.replace("\u202f", " ").replace(
            "\u00a0", " "), expected


def test_provisional_statement_is_marked() -> None:
    text = text_of(render(statement("fr", as_of=date(2026, 7, 10), estimate=True)))
    assert "estimation provisoire" in text


def test_pages_are_a4_and_rendering_is_deterministic() -> None:
    first, second = render(b2b_notice()), render(b2b_notice())
    assert first == second
    for page in pages(first):
        assert (round(page.mediabox.width), round(page.mediabox.height)) == A4_POINTS


def test_an_image_from_outside_is_refused() -> None:
    with pytest.raises(TemplateError, match="data: URIs"):
        pdf.html_to_pdf('<img src="file:///etc/hostname">')
