"""``--format json``: the contract in docs/contracts/check-output.schema.json.

``findings`` holds what counts; suppressed findings are listed apart in
``suppressed``, each with the reason it was suppressed, so tools that count
findings never count them by mistake.
"""

from __future__ import annotations

import json
from typing import Any

from kubelint import __version__
from kubelint.model import Report


def document(report: Report) -> dict[str, Any]:
    return {
        "tool": {"name": "kubelint", "version": __version__},
        "kubernetesVersion": report.kubernetes_version,
        "summary": report.summary.to_json(),
        "findings": [f.to_json() for f in report.findings if f.suppressed is None],
        "suppressed": [f.to_json() for f in report.findings if f.suppressed is not None],
    }


def render(report: Report, **_: Any) -> str:
    return json.dumps(document(report), indent=2, ensure_ascii=False) + "\n"
