"""Walk a custom resource along its structural schema, to the nodes a check cares about.

Two checks of a CRD's schema are not JSON Schema keywords and need the
object and its schema side by side: CEL rules (``x-kubernetes-validations``)
and the unique keys of ``x-kubernetes-list-type: map`` lists. Both visit only
the nodes that carry what they check; the walk skips every branch of the
object whose schema has none below it.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

from kubelint.model import FieldPath


class SchemaWalk:
    """The schema nodes for which ``wanted(node)`` holds, and the values an object has there."""

    def __init__(self, schema: dict[str, Any], wanted: Callable[[dict[str, Any]], bool]) -> None:
        self.schema = schema
        self.wanted = wanted
        self.nodes: list[tuple[FieldPath, dict[str, Any]]] = []
        """(path inside the schema, node) of every wanted node."""
        self._live: set[int] = set()
        self._mark(schema, ())

    def _mark(self, schema: Any, where: FieldPath) -> bool:
        if not isinstance(schema, dict):
            return False
        children = [(("properties", name), child) for name, child in (schema.get("properties") or {}).items()]
        children += [(("items",), schema.get("items")), (("additionalProperties",), schema.get("additionalProperties"))]
        below = [self._mark(child, where + step) for step, child in children]
        here = self.wanted(schema)
        if here:
            self.nodes.append((where, schema))
        if here or any(below):
            self._live.add(id(schema))
        return here or any(below)

    def pairs(self, value: Any) -> Iterator[tuple[dict[str, Any], Any, FieldPath]]:
        """(wanted node, the object's value there, its path in the object), parents first."""
        return self._visit(self.schema, value, ())

    def _visit(self, schema: dict[str, Any], value: Any, path: FieldPath) -> Iterator[tuple[dict[str, Any], Any, FieldPath]]:
        if value is None or id(schema) not in self._live:
            return
        if self.wanted(schema):
            yield schema, value, path
        if isinstance(value, dict):
            properties = schema.get("properties") or {}
            extra = schema.get("additionalProperties")
            for key, child in value.items():
                child_schema = properties.get(key, extra)
                if isinstance(child_schema, dict):
                    yield from self._visit(child_schema, child, path + (key,))
        elif isinstance(value, list) and isinstance(schema.get("items"), dict):
            for index, item in enumerate(value):
                yield from self._visit(schema["items"], item, path + (index,))
