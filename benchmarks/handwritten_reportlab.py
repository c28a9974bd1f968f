"""Baseline for the cold-build benchmark: the legislators page written by hand with
reportlab alone — masthead band, title, the ask in a tinted box, three cards, the
reasons, the bar chart, the quote, and the sources beside the QR code, in the same
embedded Liberation Sans — with no facts store, no templates, no validation, no
fitting and no DOCX.

Usage: python benchmarks/handwritten_reportlab.py PAGE.json OUT.pdf [FONTS_DIR]
(bench.py writes PAGE.json: the words, numbers and notes briefgen printed, as
benchmarks/peers/content.py gives them to the Typst and docxtpl peers).
"""

import json
import sys
from xml.sax.saxutils import escape

import segno
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib.colors import HexColor, white
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Spacer, Table

FONTS = sys.argv[3] if len(sys.argv) > 3 else "briefgen/fonts"
for name, file in [
    ("LS", "LiberationSans-Regular.ttf"),
    ("LS-B", "LiberationSans-Bold.ttf"),
    ("LS-I", "LiberationSans-Italic.ttf"),
]:
    pdfmetrics.registerFont(TTFont(name, f"{FONTS}/{file}"))
pdfmetrics.registerFontFamily("LS", normal="LS", bold="LS-B", italic="LS-I", boldItalic="LS-B")

PRIMARY, ACCENT = HexColor("#1f3a5f"), HexColor("#b33a1b")
TINT, MUTED, BLACK = HexColor("#edeff2"), HexColor("#444444"), HexColor("#000000")
MARGIN, WIDTH, HEIGHT = 43.2, 612.0, 792.0
FRAME_WIDTH = WIDTH - 2 * MARGIN


def style(size, leading, color=None, bold=False, after=5.0):
    return ParagraphStyle(
        "s",
        fontName="LS-B" if bold else "LS",
        fontSize=size,
        leading=leading,
        textColor=color or HexColor("#000000"),
        spaceAfter=after,
    )


BODY, SMALL, NOTE = style(11, 13.75), style(9, 11), style(7, 8.4, MUTED, after=1)


def markup(runs):
    out = []
    for run in runs:
        text = escape(run["t"])
        if run["sup"]:
            text = f"<super>{text}</super>"
        if run["b"]:
            text = f"<b>{text}</b>"
        if run["i"]:
            text = f"<i>{text}</i>"
        out.append(text)
    return "".join(out)


with open(sys.argv[1], encoding="utf-8") as handle:
    page = json.load(handle)

story = [
    Spacer(0, 50),
    Paragraph(escape(page["title"]), style(19, 22, PRIMARY, bold=True, after=8)),
    Table(
        [[Paragraph(markup(page["ask"]), BODY)]],
        colWidths=[FRAME_WIDTH],
        style=[
            ("BACKGROUND", (0, 0), (-1, -1), TINT),
            ("LINEBEFORE", (0, 0), (0, 0), 3, ACCENT),
            ("LEFTPADDING", (0, 0), (-1, -1), 12),
        ],
    ),
    Spacer(0, 8),
    Table(
        [
            [
                [
                    Paragraph(escape(card["figure"]), style(22, 25, ACCENT, bold=True)),
                    Paragraph(markup(card["label"]), SMALL),
                ]
                for card in page["cards"]
            ]
        ],
        colWidths=[(FRAME_WIDTH - 20) / 3] * 3,
        style=[("BACKGROUND", (0, 0), (-1, -1), TINT), ("VALIGN", (0, 0), (-1, -1), "TOP")],
    ),
    Spacer(0, 8),
    Paragraph(escape(page["heading"]), style(13, 15.6, PRIMARY, bold=True)),
]
story += [Paragraph(markup(p), BODY) for p in page["paragraphs"]]
chart = page["chart"]
story.append(Paragraph(escape(chart["title"]), style(10, 12, PRIMARY, bold=True, after=2)))
drawing = Drawing(330, 18 * len(chart["bars"]))
for i, bar in enumerate(reversed(chart["bars"])):
    length = 240 * bar["share"]
    drawing.add(String(0, 18 * i + 4, bar["label"], fontName="LS", fontSize=9))
    drawing.add(Rect(30, 18 * i + 2, length, 11, fillColor=ACCENT, strokeColor=None))
    drawing.add(String(34 + length, 18 * i + 4, bar["figure"], fontName="LS-B", fontSize=9))
story += [drawing, Paragraph(markup(chart["caption"]), style(8, 9.6, MUTED))]
quote = page["quote"]
story += [
    Paragraph(f"<i>{markup(quote['text'])}</i>", style(11, 13.75)),
    Paragraph(f"— {escape(quote['attribution'])}", style(9, 11, MUTED)),
]


def qr_drawing(url, size):
    code = segno.make(url, error="m")
    rows = list(code.matrix_iter(border=2))
    cell = size / len(rows)
    qr = Drawing(size, size)
    for y, row in enumerate(rows):
        for x, dark in enumerate(row):
            if dark:
                qr.add(
                    Rect(
                        x * cell,
                        size - (y + 1) * cell,
                        cell,
                        cell,
                        fillColor=BLACK,
                        strokeColor=None,
                    )
                )
    return qr


def decorate(canvas, doc):
    masthead = page["masthead"]
    canvas.setFillColor(PRIMARY)
    canvas.rect(MARGIN, HEIGHT - MARGIN - 44, FRAME_WIDTH, 44, stroke=0, fill=1)
    canvas.setFillColor(white)
    canvas.setFont("LS-B", 13)
    canvas.drawString(MARGIN + 12, HEIGHT - MARGIN - 27, masthead["organization"])
    canvas.setFont("LS", 9)
    canvas.drawRightString(WIDTH - MARGIN - 12, HEIGHT - MARGIN - 20, masthead["audience"])
    canvas.drawRightString(WIDTH - MARGIN - 12, HEIGHT - MARGIN - 31, masthead["date"])
    footer = page["footer"]
    notes = [Paragraph("<b>Sources</b>", style(8, 9.6))]
    notes += [Paragraph(escape(note), NOTE) for note in page["notes"]]
    side = [
        qr_drawing(f"https://{footer['website']}", 56),
        Paragraph(escape(footer["website"]), style(7, 8.4, PRIMARY)),
        Paragraph(escape(footer["updated"]), NOTE),
    ]
    table = Table(
        [[notes, side]],
        colWidths=[FRAME_WIDTH - 80, 80],
        style=[
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("ALIGN", (1, 0), (1, 0), "RIGHT"),
            ("LINEABOVE", (0, 0), (-1, 0), 0.5, MUTED),
        ],
    )
    _, height = table.wrapOn(canvas, FRAME_WIDTH, HEIGHT)
    table.drawOn(canvas, MARGIN, MARGIN)
    doc.footer_height = height


frame = Frame(MARGIN, MARGIN + 150, FRAME_WIDTH, HEIGHT - 2 * MARGIN - 150, 0, 0, 0, 0)
doc = BaseDocTemplate(sys.argv[2], pagesize=(WIDTH, HEIGHT), invariant=1, initialFontName="LS")
doc.addPageTemplates([PageTemplate(frames=[frame], onPage=decorate)])
doc.build(story)
