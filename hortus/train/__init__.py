"""The geometric half: neural modules inside programs, trained through them.

- ``templates``: the network behind a hole, chosen from the hole's type;
- ``lifted``: programs run on distributions (differentiable semantics);
- ``abduction``: the most probable latent values that make an output right;
- ``regression``: float holes, trained by the squared error of a float output through the
  program;
- ``trainer``: :func:`train` fits a program's holes to input/output examples.

torch and numpy are imported when training starts, not with this package.
"""

from hortus.train.templates import Architecture, HoleTypeError, architecture_for
from hortus.train.trainer import Module, TrainConfig, TrainedProgram, TrainError, train

__all__ = ["Architecture", "HoleTypeError", "Module", "TrainConfig", "TrainError",
           "TrainedProgram", "architecture_for", "train"]
