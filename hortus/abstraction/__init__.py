"""Abstraction learning: common sub-programs of solutions become new routines."""

from hortus.abstraction._base import Abstraction, Compression, Compressor

__all__ = ["Abstraction", "Compression", "Compressor"]
