"""Archive-grade output: reproducible bytes and the PDF/A-3b rules we can check offline (see docs/archive.md)."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pikepdf

from conftest import EDITION, ROOT

RULES_CHECKED = "identification, metadata agreement, output intent, fonts, encryption, JavaScript, external references"


def build_in_new_process(output: Path, tz: str) -> bytes:
    env = {**os.environ, "TZ": tz, "PYTHONPATH": str(ROOT), "SOURCE_DATE_EPOCH": ""}
    subprocess.run([sys.executable, str(ROOT / "make_bulletin.py"), "build", "--output", str(output)],
                   check=True, env=env, cwd=ROOT, capture_output=True, timeout=300)
    return output.read_bytes()


def test_two_builds_in_different_processes_time_zones_and_times_are_identical(tmp_path: Path) -> None:
    first = build_in_new_process(tmp_path / "paris.pdf", "Europe/Paris")
    time.sleep(1.1)  # a later second: any clock in the output would show
    second = build_in_new_process(tmp_path / "noumea.pdf", "Pacific/Noumea")
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()


def xmp_field(pdf: pikepdf.Pdf, name: str) -> str:
    xml = pdf.Root.Metadata.read_bytes().decode("utf-8")
    match = re.search(rf"<{name}>(.*?)</{name}>", xml, re.S)
    assert match, name
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_pdfa_identification_in_xmp(default_pdf: Path) -> None:
    with pikepdf.open(default_pdf) as pdf:
        assert pdf.Root.Metadata.Type == "/Metadata" and pdf.Root.Metadata.Subtype == "/XML"
        assert xmp_field(pdf, "pdfaid:part") == "3"
        assert xmp_field(pdf, "pdfaid:conformance") == "B"
        assert pdf.pdf_version >= "1.7"


def test_xmp_agrees_with_document_information(default_pdf: Path) -> None:
    with pikepdf.open(default_pdf) as pdf:
        info = pdf.docinfo
        assert xmp_field(pdf, "dc:title") == str(info.Title)
        assert xmp_field(pdf, "dc:creator") == str(info.Author)
        assert xmp_field(pdf, "dc:description") == str(info.Subject)
        assert xmp_field(pdf, "pdf:Keywords") == str(info.Keywords)
        assert xmp_field(pdf, "pdf:Producer") == str(info.Producer)
        assert xmp_field(pdf, "xmp:CreatorTool") == str(info.Creator)
        assert str(info.CreationDate) == "D:20220215000000Z" == str(info.ModDate)
        assert xmp_field(pdf, "xmp:CreateDate") == "2022-02-15T00:00:00Z" == xmp_field(pdf, "xmp:ModifyDate")


def test_srgb_output_intent(default_pdf: Path) -> None:
    with pikepdf.open(default_pdf) as pdf:
        intents = list(pdf.Root.OutputIntents)
        assert len(intents) == 1
        intent = intents[0]
        assert intent.S == "/GTS_PDFA1"
        assert "sRGB" in str(intent.OutputConditionIdentifier)
        profile = intent.DestOutputProfile
        assert int(profile.N) == 3
        header = profile.read_bytes()
        assert header[36:40] == b"acsp" and header[16:20] == b"RGB "


def test_every_font_embedded_no_encryption_no_javascript_no_external_reference(default_pdf: Path) -> None:
    with pikepdf.open(default_pdf) as pdf:
        assert not pdf.is_encrypted and "/Encrypt" not in pdf.trailer
        assert "/ID" in pdf.trailer
        assert "/JavaScript" not in pdf.Root.get("/Names", {}) and "/OpenAction" not in pdf.Root
        assert "/AA" not in pdf.Root
        for obj in pdf.objects:
            if not isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                continue
            assert obj.get("/S") not in ("/JavaScript", "/Launch", "/GoToR", "/ImportData", "/SubmitForm")
            assert obj.get("/Type") != "/Font" or "/FontDescriptor" not in obj or any(
                k in obj.FontDescriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            if obj.get("/Type") == "/Annot":
                assert int(obj.get("/F", 0)) & 4 and not int(obj.get("/F", 0)) & 2  # printable, not hidden
            if obj.get("/Type") == "/Filespec":
                assert obj.get("/AFRelationship") == "/Source" and "/EF" in obj  # embedded, not external


def test_attached_data_equals_the_edition_files_byte_for_byte(default_pdf: Path) -> None:
    with pikepdf.open(default_pdf) as pdf:
        attached = {name: spec.get_file().read_bytes() for name, spec in pdf.attachments.items()}
        assert [str(f.UF) for f in pdf.Root.AF] == sorted(attached)
        for spec in pdf.Root.AF:
            stream = spec.EF.F
            assert stream.Subtype in ("/text/csv", "/application/yaml")
            assert str(stream.Params.ModDate) == "D:20220215000000Z"
    assert attached == {name: (EDITION / name).read_bytes() for name in ("edition.yaml", "figures.csv", "series.csv")}


def test_objects_are_packed_in_object_streams_and_the_xmp_packet_stays_plain_text(default_pdf: Path) -> None:
    """PDF/A-2 and -3 (on ISO 32000-1) allow object streams and cross-reference streams, which PDF/A-1 forbade;
    a stream is never inside an object stream, and the XMP packet is left uncompressed, so that a tool that
    only scans bytes for the packet (as XMP allows) still finds the PDF/A identification."""
    data = default_pdf.read_bytes()
    assert b"/Type /ObjStm" in data and b"/Type /XRef" in data and b"\nxref\n" not in data
    assert data.startswith(b"%PDF-1.7\n%") and all(byte > 127 for byte in data[10:14])  # §6.1.2 header
    with pikepdf.open(default_pdf) as pdf:
        assert "/ID" in pdf.trailer and "/Filter" not in pdf.Root.Metadata
        packet = pdf.Root.Metadata.read_raw_bytes()
        assert packet in data and b"<pdfaid:part>3</pdfaid:part>" in packet
        packed = sum(1 for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/StructElem")
        assert packed > 100 and data.count(b"/StructElem") < 10  # the structure elements are not in plain text
