"""The embedded cluster: ``reconcile(objects, cluster) -> World``.

A pure function. The API server admits the objects (defaulting them on
copies, allocating cluster IPs and node ports, refusing what a real one
refuses), the controllers run round after round until none has anything
left to do (see loop.py: the order they run in does not matter), then the
cluster DNS and the ingress controller read the result. The same input
gives the same world, byte for byte: every name, address and placement a
real cluster would choose at random is derived from a hash instead, and the
plan marks those values as simulated.

``previous`` is the world of a base (another git ref, a directory), or the
pins read from a saved state or a live cluster: what it allocated and runs is
kept (pins.py), as a running cluster keeps it. ``replacing`` names objects
the plan deletes and creates again: nothing of theirs is kept.
"""

from __future__ import annotations

from typing import Collection, Sequence

from kubelint.model import Resource
from kubelint.pipeline import DEFAULT_KUBERNETES_VERSION
from kubelint.reconcile import dns, ingress
from kubelint.reconcile.apiserver import admit
from kubelint.reconcile.controllers import CONTROLLERS, endpoints, scheduler, statefulset
from kubelint.reconcile.loop import run
from kubelint.reconcile.pins import Pins
from kubelint.reconcile.profile import ClusterProfile, ProfileError, default_profile, load_profile
from kubelint.reconcile.world import ObjectKey, World

CHECKS = (scheduler.problems, endpoints.problems, statefulset.problems, dns.problems, ingress.problems)


def reconcile(
    objects: Sequence[Resource],
    cluster: ClusterProfile | None = None,
    *,
    kubernetes_version: str = DEFAULT_KUBERNETES_VERSION,
    previous: World | Pins | None = None,
    replacing: Collection[ObjectKey] = (),
) -> World:
    """The cluster after applying ``objects`` to ``cluster`` (the built-in profile by default)."""
    world = admit(list(objects), cluster or default_profile(), kubernetes_version, Pins.of(previous, replacing))
    run(world, CONTROLLERS)
    world.dns = dns.records(world)
    world.routes = ingress.routes(world)
    for check in CHECKS:
        check(world)
    world.memo.clear()
    return world


__all__ = ["ClusterProfile", "ProfileError", "World", "default_profile", "load_profile", "reconcile"]
