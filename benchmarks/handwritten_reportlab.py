"""Baseline for the cold-build benchmark: the legislators page written by hand with
reportlab alone — the same fonts, sizes and paragraphs, no facts store, no templates.

Usage: python benchmarks/handwritten_reportlab.py PARAGRAPHS.json OUT.pdf
(bench.py writes PARAGRAPHS.json from the real brief: [[style, text], ...]).
"""

import json
import sys
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

FONTS = sys.argv[3] if len(sys.argv) > 3 else "briefgen/fonts"
for name, file in [
    ("LS", "LiberationSans-Regular.ttf"),
    ("LS-B", "LiberationSans-Bold.ttf"),
    ("LS-I", "LiberationSans-Italic.ttf"),
    ("LS-BI", "LiberationSans-BoldItalic.ttf"),
]:
    pdfmetrics.registerFont(TTFont(name, f"{FONTS}/{file}"))
pdfmetrics.registerFontFamily("LS", normal="LS", bold="LS-B", italic="LS-I", boldItalic="LS-BI")

SIZES = {"title": (19, 22), "heading": (13, 15.6), "figure": (22, 23), "note": (8, 9.6)}
with open(sys.argv[1], encoding="utf-8") as handle:
    paragraphs = json.load(handle)
story = []
for kind, text in paragraphs:
    size, leading = SIZES.get(kind, (11, 13.75))
    style = ParagraphStyle(kind, fontName="LS", fontSize=size, leading=leading, spaceAfter=5)
    story.append(Paragraph(escape(text), style))
frame = Frame(43.2, 43.2, 525.6, 705.6, 0, 0, 0, 0)  # no padding, as briefgen
doc = BaseDocTemplate(sys.argv[2], pagesize=(612, 792), invariant=1, initialFontName="LS")
doc.addPageTemplates([PageTemplate(frames=[frame])])
doc.build(story)
