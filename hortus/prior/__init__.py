"""Priors over programs: the library's grammar, its compiled forms, fitting and sampling."""

from hortus.prior._base import LibraryPrior, Prior, UniformPrior
from hortus.prior.grammar import Grammar, Production

__all__ = ["Grammar", "LibraryPrior", "Prior", "Production", "UniformPrior"]
