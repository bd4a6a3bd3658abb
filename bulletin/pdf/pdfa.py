"""Post-process stage: make the rendered PDF an archival PDF/A-3b file carrying its own data.

Input: the PDF written by :mod:`bulletin.pdf.render` and a :class:`PdfIdentity` (title, author, dates,
source files). Output: the same file rewritten with pikepdf: document information and XMP metadata
in agreement (ISO 19005-3 §6.6), the PDF/A identification (§6.6.4), an sRGB output intent
(§6.2.3), printable link annotations (§6.3.2), the edition's source files attached as associated
files with relationship Source (§6.8), and deterministic bytes (dates from the publication date,
/ID derived from the content).
"""

from __future__ import annotations

import datetime as dt
import io
import pkgutil
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from bulletin.pdf.structure import StructureRecorder
from bulletin.pdf.tagging import tag_pdf

PRODUCER = "bulletin (ReportLab, pikepdf)"
MIME_TYPES = {".csv": "text/csv", ".yaml": "application/yaml", ".xlsx":
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".md": "text/markdown"}


@dataclass(frozen=True)
class PdfIdentity:
    """What the archival file says about itself."""

    title: str
    author: str
    subject: str
    keywords: str
    creator: str
    date: dt.date  # creation and modification date: the publication date, for reproducible bytes
    attachments: tuple[Path, ...] = ()


def pdf_date(day: dt.date) -> str:
    """PDF date string at midnight UTC (ISO 32000 §7.9.4)."""
    return f"D:{day:%Y%m%d}000000Z"


def finalize_pdf(path: Path, identity: PdfIdentity, structure: StructureRecorder | None = None) -> None:
    """Rewrite ``path`` in place as PDF/A-3b with ``identity``'s metadata and attachments (tagged if ``structure``).

    The file is saved to memory, then written by Python: qpdf writing straight to a full disk aborts
    the whole process (SIGABRT), where a failed Python write is an OSError the caller reports.
    """
    finished = io.BytesIO()
    with pikepdf.open(path) as pdf:
        if structure is not None:
            tag_pdf(pdf, structure)
        _docinfo(pdf, identity)
        pdf.Root.Metadata = _xmp_stream(pdf, identity)
        pdf.Root.OutputIntents = Array([_output_intent(pdf)])
        _printable_annotations(pdf)
        _attach(pdf, identity)
        pdf.save(finished, deterministic_id=True, min_version="1.7", compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate, fix_metadata_version=False)
    with path.open("wb") as handle:
        handle.write(finished.getbuffer())


def _docinfo(pdf: pikepdf.Pdf, identity: PdfIdentity) -> None:
    info = pdf.docinfo
    for key in list(info.keys()):
        del info[key]
    info.Title, info.Author, info.Subject = String(identity.title), String(identity.author), String(identity.subject)
    info.Keywords, info.Creator = String(identity.keywords), String(identity.creator)
    info.Producer = String(PRODUCER)
    info.CreationDate = info.ModDate = String(pdf_date(identity.date))


def _xmp_stream(pdf: pikepdf.Pdf, identity: PdfIdentity) -> pikepdf.Stream:
    stream = pikepdf.Stream(pdf, xmp_packet(identity).encode("utf-8"))
    stream.Type, stream.Subtype = Name.Metadata, Name("/XML")
    return stream


def xmp_packet(identity: PdfIdentity) -> str:
    """The XMP metadata, mirroring the document information dictionary (ISO 19005-3 §6.6.3)."""
    when = f"{identity.date:%Y-%m-%d}T00:00:00Z"
    e = _xml_text
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{e(identity.title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{e(identity.author)}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{e(identity.subject)}</rdf:li></rdf:Alt></dc:description>
   <dc:language><rdf:Bag><rdf:li>fr-FR</rdf:li></rdf:Bag></dc:language>
   <pdf:Keywords>{e(identity.keywords)}</pdf:Keywords>
   <pdf:Producer>{e(PRODUCER)}</pdf:Producer>
   <xmp:CreatorTool>{e(identity.creator)}</xmp:CreatorTool>
   <xmp:CreateDate>{when}</xmp:CreateDate>
   <xmp:ModifyDate>{when}</xmp:ModifyDate>
   <xmp:MetadataDate>{when}</xmp:MetadataDate>
   <pdfaid:part>3</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


def _xml_text(text: str) -> str:
    """``text`` as XML character data (what xml.sax.saxutils.escape does, without importing urllib, http and email)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def srgb_profile() -> bytes:
    """The committed sRGB ICC profile (see bulletin/resources/README.md)."""
    data = pkgutil.get_data("bulletin", "resources/sRGB.icc")  # read through the package's loader, as importlib.resources
    assert data is not None  # the package is imported from files or a zip, whose loaders read data
    return data


def _output_intent(pdf: pikepdf.Pdf) -> Dictionary:
    profile = pikepdf.Stream(pdf, srgb_profile())
    profile.N = 3
    return pdf.make_indirect(Dictionary(
        Type=Name.OutputIntent, S=Name.GTS_PDFA1, OutputConditionIdentifier=String("sRGB IEC61966-2.1"),
        Info=String("sRGB IEC61966-2.1"), RegistryName=String("http://www.color.org"), DestOutputProfile=profile))


def _printable_annotations(pdf: pikepdf.Pdf) -> None:
    """PDF/A: every annotation has the Print flag and no hidden/no-view flag (§6.3.2)."""
    for page in pdf.pages:
        for annotation in page.get("/Annots", Array()):
            annotation.F = 4


def _attach(pdf: pikepdf.Pdf, identity: PdfIdentity) -> None:
    """Attach the source files as associated files (relationship Source) listed in /AF."""
    for path in identity.attachments:
        spec = pikepdf.AttachedFileSpec(
            pdf, path.read_bytes(), filename=path.name, description=f"Données source : {path.name}",
            mime_type=MIME_TYPES.get(path.suffix, "application/octet-stream"),
            creation_date=pdf_date(identity.date), mod_date=pdf_date(identity.date), relationship=Name.Source)
        pdf.attachments[path.name] = spec
    names = pdf.Root.Names.EmbeddedFiles.Names if identity.attachments else Array()
    pdf.Root.AF = Array([names[i] for i in range(1, len(names), 2)])
