"""Weights I/O: safetensors bytes with a JSON description, validated on load (no pickle)."""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from typing import Any, NamedTuple

import safetensors.torch
import torch

from hortus._safetensors import METADATA, check_safetensors
from hortus.prior.features import FeatureExtractor, features_from_description
from hortus.prior.grammar import VARIABLE, Context
from hortus.prior.recognition._network import (
    Network,
    RecognitionConfig,
    Vocabulary,
    build,
    deterministic,
)

FORMAT = "hortus.recognition/1"  # written into the safetensors metadata, checked on load


class Loaded(NamedTuple):
    """What :func:`load` read: everything a fitted model is made of."""

    config: RecognitionConfig
    features: FeatureExtractor
    vocabulary: Vocabulary
    context_uses: list[int]
    mix: float
    net: Network


def save(net: Network, config: RecognitionConfig, features: FeatureExtractor,
         vocab: Vocabulary, context_uses: list[int], mix: float) -> bytes:
    """The weights as safetensors, with the config, features and vocabulary as metadata."""
    meta = {"format": FORMAT, "config": asdict(config), "features": features.describe(),
            "productions": list(vocab.productions),
            "contexts": [None if c is None else list(c) for c in vocab.contexts],
            "context_uses": list(context_uses), "mix": mix}
    tensors = {k: v.detach().cpu().contiguous() for k, v in net.state_dict().items()}
    return safetensors.torch.save(tensors, metadata={"hortus": json.dumps(meta)})


def load(data: bytes, features: FeatureExtractor | None) -> Loaded:
    """What :func:`save` wrote; ValueError on anything else."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ValueError("not a recognition model: not bytes")
    try:
        header = check_safetensors(data)
    except ValueError as e:
        raise ValueError(f"not a recognition model: {e}") from None
    if not isinstance(header.get(METADATA), dict):
        raise ValueError("not a recognition model: no metadata")
    try:
        meta = json.loads(header[METADATA]["hortus"])
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise ValueError("not a hortus recognition model")
        config = _config(meta["config"])
        vocab = _vocabulary(meta["productions"], meta["contexts"])
        description = meta["features"]
        uses = meta.get("context_uses", [0] * len(vocab.contexts))
        if (not isinstance(uses, list) or len(uses) != len(vocab.contexts)
                or not all(type(u) is int and 0 <= u < 2**62 for u in uses)):
            raise ValueError("context_uses must list a count per context")
        mix = meta.get("mix", 1.0)  # models saved before the mix existed: the network only
        if type(mix) not in (int, float) or not 0 <= mix <= 1:
            raise ValueError(f"mix must be a number in [0, 1], got {mix!r}")
    except (KeyError, TypeError, RecursionError, json.JSONDecodeError) as e:
        raise ValueError(f"bad recognition model metadata: {e!r}") from None
    if features is None:
        features = features_from_description(description)
    elif features.describe() != description:
        raise ValueError(f"the model was trained with features {description!r}, "
                         f"not {features.describe()!r}")
    with torch.device("meta"):  # shapes only: no memory, no initialisation
        expected = {k: list(v.shape)
                    for k, v in build(config, features, vocab, place=False).state_dict().items()}
    tensors = {k: v for k, v in header.items() if k != METADATA}
    if ({k: v["shape"] for k, v in tensors.items()} != expected
            or any(v["dtype"] != "F32" for v in tensors.values())):
        raise ValueError("the model's tensors do not match its configuration")
    try:
        weights = safetensors.torch.load(bytes(data))
    except Exception as e:  # safetensors raises its own error types on corrupt data
        raise ValueError(f"corrupt recognition model weights: {e}") from None
    if any(not torch.isfinite(t).all() for t in weights.values()):
        raise ValueError("the model's weights are not all finite")
    with deterministic(config.seed):
        net = build(config, features, vocab)
    net.load_state_dict(weights, strict=True)
    return Loaded(config, features, vocab, uses, float(mix), net)


def _config(data: Any) -> RecognitionConfig:
    # A model saved before a setting existed lacks it and gets its default; a setting this
    # version does not know is refused (it could change what the weights mean).
    if not isinstance(data, dict) or not set(data) <= {f.name for f in fields(RecognitionConfig)}:
        raise ValueError(f"bad recognition config {data!r}")
    defaults = RecognitionConfig()
    values: dict[str, Any] = {}
    for name, value in data.items():
        want = type(getattr(defaults, name))
        if not (type(value) is want or (want is float and type(value) is int)):
            raise ValueError(f"recognition config field {name} = {value!r} has the wrong type")
        values[name] = float(value) if want is float else value
    return RecognitionConfig(**values).check()


def _vocabulary(productions: Any, contexts: Any) -> Vocabulary:
    if not (isinstance(productions, list) and productions and productions[-1] == VARIABLE
            and all(isinstance(k, str) for k in productions)
            and len(set(productions)) == len(productions)):
        raise ValueError("bad production vocabulary in the recognition model")
    parents = set(productions[:-1])
    if not (isinstance(contexts, list) and contexts and contexts[0] is None
            and all(isinstance(c, list) and len(c) == 2 and c[0] in parents
                    and type(c[1]) is int and c[1] >= 0 for c in contexts[1:])):
        raise ValueError("bad context vocabulary in the recognition model")
    ctxs: list[Context] = [None, *((c[0], c[1]) for c in contexts[1:])]
    if len(set(ctxs)) != len(ctxs):
        raise ValueError("repeated contexts in the recognition model")
    return Vocabulary(tuple(productions), tuple(ctxs))
