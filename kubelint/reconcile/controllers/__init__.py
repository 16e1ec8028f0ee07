"""The control loops, one module each, run together to a fixed point (see loop.py).

Workload controllers turn objects into pods (deployment -> replicaset ->
pods; statefulset, daemonset, job; cronjob only says when), the scheduler
binds pods to nodes, the kubelet starts them, the endpoint controllers
connect Services to ready pods, the load-balancer controller gives
LoadBalancer Services their addresses.
"""

from __future__ import annotations

from kubelint.reconcile.controllers import (
    cronjob,
    daemonset,
    deployment,
    endpoints,
    endpointslices,
    job,
    kubelet,
    loadbalancer,
    replicaset,
    scheduler,
    statefulset,
)
from kubelint.reconcile.loop import Controller

CONTROLLERS: list[Controller] = [
    deployment.sync,
    replicaset.sync,
    statefulset.sync,
    daemonset.sync,
    job.sync,
    cronjob.sync,
    scheduler.sync,
    kubelet.sync,
    endpoints.sync,
    endpointslices.sync,
    loadbalancer.sync,
]
