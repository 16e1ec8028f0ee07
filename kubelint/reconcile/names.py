"""Generated names: pod-template hashes and random-looking suffixes, made deterministic.

A cluster names a Deployment's ReplicaSet ``<deployment>-<pod-template-hash>``
(controller.ComputeHash: FNV-32a of the Go-printed template, its decimal
digits mapped onto the alphabet below by rand.SafeEncodeString) and a
generated pod ``<prefix><5 random characters>`` (names.SimpleNameGenerator,
rand.String). kubelint cannot print Go structs byte for byte, nor guess
random numbers, so it derives both from a digest of what they stand for:
same alphabet and shape, stable from run to run, marked as simulated in
the plan.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Container

ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
"""k8s.io/apimachinery/pkg/util/rand alphanums: no vowels, no 0/1/3 (no words, no look-alikes)."""

MAX_NAME_LENGTH = 63
RANDOM_LENGTH = 5
MAX_GENERATED_PREFIX = MAX_NAME_LENGTH - RANDOM_LENGTH


def digest(*parts: str) -> int:
    """A stable 64-bit number from text (the same on every machine and run)."""
    return int.from_bytes(hashlib.blake2b("\0".join(parts).encode(), digest_size=8).digest(), "big")


def safe_encode(text: str) -> str:
    """rand.SafeEncodeString: each character mapped onto the alphabet."""
    return "".join(ALPHABET[ord(char) % len(ALPHABET)] for char in text)


def template_hash(template: Any) -> str:
    """The pod-template-hash label: 32 bits of the defaulted template, encoded as Kubernetes does."""
    text = json.dumps(template, sort_keys=True, separators=(",", ":"), default=str)
    return safe_encode(str(digest(text) & 0xFFFFFFFF))


def random_suffix(*seed: str) -> str:
    """Five characters of the alphabet, as rand.String(5) would draw them."""
    number = digest(*seed)
    out = []
    for _ in range(RANDOM_LENGTH):
        number, index = divmod(number, len(ALPHABET))
        out.append(ALPHABET[index])
    return "".join(out)


def generate_name(prefix: str, taken: Container[str], *seed: str) -> str:
    """``generateName: prefix``: prefix cut to 58 characters plus a suffix no other object has."""
    prefix = prefix[:MAX_GENERATED_PREFIX]
    attempt = 0
    while True:
        name = prefix + random_suffix(prefix, *seed, str(attempt))
        if name not in taken:
            return name
        attempt += 1

