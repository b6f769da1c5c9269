"""Benchmarks run by ``hortus bench``: each prints a table and writes JSON under a results folder.

They live in the package (not only in ``benchmarks/``) so that an installed ``hortus`` runs them.
"""
