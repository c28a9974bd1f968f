"""Format-neutral graphics: chart geometry, QR matrices and their 300-dpi rasters.

The PDF renderer draws the same primitives as vectors
(:mod:`briefgen.renderers.pdf_graphics`); the DOCX renderer places the raster of the
same primitives (:mod:`briefgen.renderers.docx_graphics`), so both formats show one
drawing at one size.
"""
