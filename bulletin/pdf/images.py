"""Image files named by the layout (image blocks, logos): found and readable before anything is drawn.

Input: a path and the layout place that names it. Output: the problems, in French, saying which file
is missing or unreadable and how to supply it. Pillow reads the header only (``verify``).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, UnidentifiedImageError

from bulletin.errors import Problem, Where

FORMATS = ("PNG", "JPEG")


def image_problems(path: Path, where: Where, what: str, supply: str = "") -> list[Problem]:
    """Problems of the image file ``path`` (``what`` names its use, ``supply`` says how to provide it)."""
    if not path.is_file():
        return [Problem(where, f"{what} : le fichier {path} est introuvable",
                        supply or "placez le fichier à cet endroit (chemin relatif au fichier de mise en page) "
                                  "ou corrigez « path: »")]
    try:
        with Image.open(path) as image:
            kind = image.format
            image.verify()
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError):
        kind = None
    if kind not in FORMATS:
        return [Problem(where, f"{what} : le fichier {path} n’est pas une image PNG ou JPEG lisible",
                        "enregistrez l’image au format PNG (ou JPEG) et remplacez le fichier")]
    return []
