"""Peers the benchmarks run on the legislators brief's own content: Typst (its Python
binding) and docxtpl, each from a template in this folder."""
