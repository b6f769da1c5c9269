"""The recognition model: a neural network that reads a task's examples and writes its grammar.

DreamCoder's contextual recognition model. Every example is read as a token sequence
(:mod:`hortus.prior.features`) by a small GRU or transformer, the example encodings are averaged,
and an MLP outputs a log weight for every ``(context, production)`` pair. The contexts are a
default row, read at the root and at every slot without a table of its own, and the
``max_contexts`` contexts ``(parent, argument index)`` used most in training. The model is
trained as it is used: a node in any other context is scored with the default row. (Training
every context but predicting only a few, with the root's row standing in for the rest, made
predictions worse than the grammar's own weights on held-out tasks: measured.)

Training maximises the likelihood of the derivations of known programs (solved tasks, and
dreams): at each node, a softmax over the productions that fit the slot, picking the one the
program used. A seeded share of the *solved tasks* (not dreams, whose distribution differs from
real tasks') is held out. The output layer starts at zero with the grammar's weights refit
without them as its bias, so an untrained model predicts that grammar (the library's own
weights were fit on the held-out tasks too, and could not fairly be compared with). The held-out
tasks keep the best epoch (few tasks and many weights overfit within a few epochs) and choose
the **mix**, how much the predictions count against the grammar's own weights (0: the model did
not beat the grammar on those tasks).

:meth:`RecognitionModel.predict` turns the outputs into a :class:`Grammar` for the task:

* the default row becomes the **unigram** weights and each tabled context a **bigram** table;
* the predicted weights of a row are shifted so that, over the productions the model knows,
  they carry the same total mass as the given grammar's weights there, then mixed with them;
  a production the model **never saw** (the library grew since training) keeps the grammar's
  own weight, and contexts under it keep the grammar's own table, or the unigram weights.

This package imports torch; it is imported only when a recognition model is used. Weights are
saved as safetensors bytes with a JSON description; loading validates both and never runs code.

Modules: ``_network`` (the network, its config and vocabulary), ``_training`` (targets, held-out
split, training loop, mix), ``_model`` (:class:`RecognitionModel`, prediction, the prior) and
``_weights`` (safetensors I/O).
"""

from __future__ import annotations

from hortus.prior.recognition._model import RecognitionModel, RecognitionPrior
from hortus.prior.recognition._network import RecognitionConfig
from hortus.prior.recognition._training import MIN_HELD, MIXES, Progress
from hortus.prior.recognition._weights import FORMAT

__all__ = [
    "FORMAT",
    "MIN_HELD",
    "MIXES",
    "Progress",
    "RecognitionConfig",
    "RecognitionModel",
    "RecognitionPrior",
]
