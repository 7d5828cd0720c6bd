"""Delta schemas as Python values: Schema, Field and the data types (PrimitiveType, ArrayType,
MapType, StructType), built from and serialised to Delta's schema JSON (PROTOCOL.md "Schema
Serialization Format")."""

import json as _json
from typing import Any, Dict, List, Optional, Union


class PrimitiveType:
    """A primitive Delta type: "string", "long", "integer", "short", "byte", "float", "double",
    "boolean", "binary", "date", "timestamp", "timestamp_ntz" or "decimal(p,s)"."""

    def __init__(self, type: str) -> None:
        self.type = type

    def to_json_value(self) -> Any:
        """The type as a JSON value (a string)."""
        return self.type

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PrimitiveType) and other.type == self.type

    def __repr__(self) -> str:
        return "PrimitiveType(%r)" % self.type


class ArrayType:
    """An array of `element_type`."""

    type = "array"

    def __init__(self, element_type: "DataType", contains_null: bool = True) -> None:
        self.element_type = element_type
        self.contains_null = contains_null

    def to_json_value(self) -> Any:
        """The type as a JSON value (an object)."""
        return {"type": "array", "elementType": self.element_type.to_json_value(), "containsNull": self.contains_null}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ArrayType) and self.to_json_value() == other.to_json_value()

    def __repr__(self) -> str:
        return "ArrayType(%r, contains_null=%r)" % (self.element_type, self.contains_null)


class MapType:
    """A map from `key_type` to `value_type`."""

    type = "map"

    def __init__(self, key_type: "DataType", value_type: "DataType", value_contains_null: bool = True) -> None:
        self.key_type = key_type
        self.value_type = value_type
        self.value_contains_null = value_contains_null

    def to_json_value(self) -> Any:
        """The type as a JSON value (an object)."""
        return {"type": "map", "keyType": self.key_type.to_json_value(), "valueType": self.value_type.to_json_value(),
                "valueContainsNull": self.value_contains_null}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MapType) and self.to_json_value() == other.to_json_value()

    def __repr__(self) -> str:
        return "MapType(%r, %r)" % (self.key_type, self.value_type)


class Field:
    """A named column (or struct field) with its type, nullability and metadata."""

    def __init__(self, name: str, type: Union["DataType", str], nullable: bool = True,
                 metadata: Optional[Dict[str, Any]] = None) -> None:
        self.name = name
        self.type = PrimitiveType(type) if isinstance(type, str) else type
        self.nullable = nullable
        self.metadata = dict(metadata or {})

    def to_json_value(self) -> Dict[str, Any]:
        """The field as a JSON object."""
        return {"name": self.name, "type": self.type.to_json_value(), "nullable": self.nullable,
                "metadata": self.metadata}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Field) and self.to_json_value() == other.to_json_value()

    def __repr__(self) -> str:
        return "Field(%r, %r, nullable=%r)" % (self.name, self.type, self.nullable)


class StructType:
    """A struct of fields."""

    type = "struct"

    def __init__(self, fields: List[Field]) -> None:
        self.fields = list(fields)

    def to_json_value(self) -> Dict[str, Any]:
        """The type as a JSON object."""
        return {"type": "struct", "fields": [f.to_json_value() for f in self.fields]}

    def field(self, name: str) -> Field:
        """The field called `name` (KeyError when there is none)."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StructType) and self.to_json_value() == other.to_json_value()

    def __repr__(self) -> str:
        return "%s(%r)" % (type(self).__name__, self.fields)


DataType = Union[PrimitiveType, ArrayType, MapType, StructType]


def type_from_json_value(v: Any) -> DataType:
    """Parses a Delta type given as a JSON value."""
    if isinstance(v, str):
        return PrimitiveType(v)
    if not isinstance(v, dict):
        raise ValueError("invalid Delta type %r" % (v,))
    t = v.get("type")
    if t == "array":
        return ArrayType(type_from_json_value(v["elementType"]), bool(v.get("containsNull", True)))
    if t == "map":
        return MapType(type_from_json_value(v["keyType"]), type_from_json_value(v["valueType"]),
                       bool(v.get("valueContainsNull", True)))
    if t == "struct":
        return StructType([_field_from_json_value(f) for f in v.get("fields", [])])
    raise ValueError("invalid Delta type %r" % (v,))


def _field_from_json_value(f: Dict[str, Any]) -> Field:
    return Field(f["name"], type_from_json_value(f["type"]), bool(f.get("nullable", True)), f.get("metadata") or {})


class Schema(StructType):
    """A table schema: the top-level fields."""

    def to_json(self) -> str:
        """The schema as Delta schema JSON (metaData.schemaString)."""
        return _json.dumps(self.to_json_value(), separators=(",", ":"))

    def json(self) -> Dict[str, Any]:
        """The schema as a JSON object (dict)."""
        return self.to_json_value()

    @staticmethod
    def from_json(text: str) -> "Schema":
        """Parses Delta schema JSON."""
        v = _json.loads(text)
        if not isinstance(v, dict) or v.get("type") != "struct":
            raise ValueError("a schema must be a JSON struct type")
        return Schema([_field_from_json_value(f) for f in v.get("fields", [])])
