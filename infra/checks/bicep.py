"""Read Bicep with the tree-sitter grammar: syntax errors, literals of variables, modules' params and outputs.

Only what the offline checks need: this is not a Bicep compiler (``az bicep build`` runs in the pipeline).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import tree_sitter
import tree_sitter_bicep

INFRA = Path(__file__).resolve().parents[1]


@cache
def _parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_bicep.language()))


@dataclass(frozen=True)
class BicepFile:
    path: Path
    root: tree_sitter.Node
    source: bytes

    def text(self, node: tree_sitter.Node) -> str:
        return self.source[node.start_byte : node.end_byte].decode()


def parse(path: Path) -> BicepFile:
    """Parse one file (syntax errors are reported by ``syntax_errors``, not raised)."""
    source = path.read_bytes()
    return BicepFile(path, _parser().parse(source).root_node, source)


def syntax_errors(bicep: BicepFile) -> list[str]:
    """``file:line:col`` of each ERROR or MISSING node."""
    found: list[str] = []
    stack = [bicep.root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            line, col = node.start_point
            found.append(f"{bicep.path}:{line + 1}:{col + 1}: {'missing' if node.is_missing else 'syntax error'}")
            continue
        stack.extend(node.children)
    return sorted(found)


def _declarations(bicep: BicepFile, kind: str) -> list[tree_sitter.Node]:
    return [child for child in bicep.root.named_children if child.type == kind]


def _name(bicep: BicepFile, declaration: tree_sitter.Node) -> str:
    identifier = next(c for c in declaration.named_children if c.type == "identifier")
    return bicep.text(identifier)


_SYMBOLS = ("parameter_declaration", "variable_declaration", "resource_declaration", "module_declaration")


def declared_names(bicep: BicepFile) -> tuple[list[str], list[str]]:
    """(symbols: params, vars, resources, modules; outputs), each in order: outputs have their own namespace."""
    symbols = [_name(bicep, d) for d in bicep.root.named_children if d.type in _SYMBOLS]
    return symbols, [_name(bicep, d) for d in _declarations(bicep, "output_declaration")]


def variable(bicep: BicepFile, name: str) -> tree_sitter.Node:
    """The value node of ``var name = ...``."""
    for declaration in _declarations(bicep, "variable_declaration"):
        if _name(bicep, declaration) == name:
            return declaration.named_children[-1]
    raise KeyError(f"{bicep.path}: no variable {name}")


def object_keys(bicep: BicepFile, node: tree_sitter.Node) -> list[str]:
    """Property names of an object literal."""
    return [_key(bicep, prop) for prop in node.named_children if prop.type == "object_property"]


def _key(bicep: BicepFile, prop: tree_sitter.Node) -> str:
    return bicep.text(prop.named_children[0]).strip("'")


class Expression(str):
    """The source text of a value that is not a literal (a reference, a call, an interpolated string)."""


def literal(bicep: BicepFile, node: tree_sitter.Node, expressions: bool = False) -> Any:
    """The Python value of a literal (string without interpolation, number, bool, null, array, object).

    With ``expressions``, any other value becomes an ``Expression`` with its source text instead of an error.
    """
    kind = node.type
    if expressions and kind not in {"string", "number", "boolean", "null", "array", "object"}:
        return Expression(bicep.text(node))
    if kind == "string":
        if any(c.type == "interpolation" for c in node.named_children):
            if expressions:
                return Expression(bicep.text(node))
            raise ValueError(f"{bicep.path}: interpolated string is not a literal: {bicep.text(node)}")
        raw = bicep.text(node)
        return raw[1:-1].replace("\\'", "'").replace("\\\\", "\\")
    if kind == "number":
        return int(bicep.text(node))
    if kind == "boolean":
        return bicep.text(node) == "true"
    if kind == "null":
        return None
    if kind == "array":
        return [literal(bicep, item, expressions) for item in node.named_children if item.type != "comment"]
    if kind == "object":
        return {
            _key(bicep, prop): literal(bicep, prop.named_children[-1], expressions)
            for prop in node.named_children
            if prop.type == "object_property"
        }
    raise ValueError(f"{bicep.path}: {kind} is not a literal: {bicep.text(node)[:80]}")


@dataclass(frozen=True)
class Resource:
    symbol: str
    type: str  # e.g. Microsoft.Web/sites/config@2024-04-01
    body: tree_sitter.Node  # the object (inside a loop or a condition too)
    source: str  # the whole declaration


def resources(bicep: BicepFile) -> list[Resource]:
    """Each ``resource symbol 'type' [existing] = ...`` declared at the top level."""
    found = []
    for declaration in _declarations(bicep, "resource_declaration"):
        type_node = next(c for c in declaration.named_children if c.type == "string")
        body = _module_body(declaration)
        if body is not None:
            found.append(Resource(_name(bicep, declaration), literal(bicep, type_node), body, bicep.text(declaration)))
    return found


@dataclass(frozen=True)
class Parameter:
    name: str
    required: bool


def parameters(bicep: BicepFile) -> dict[str, Parameter]:
    """Declared parameters; required = no default value and not a nullable type."""
    found: dict[str, Parameter] = {}
    for declaration in _declarations(bicep, "parameter_declaration"):
        name = _name(bicep, declaration)
        has_default = any(c.type == "=" for c in declaration.children)
        nullable = bicep.text(declaration).split("=")[0].rstrip().endswith("?")
        found[name] = Parameter(name, required=not (has_default or nullable))
    return found


def outputs(bicep: BicepFile) -> set[str]:
    return {_name(bicep, declaration) for declaration in _declarations(bicep, "output_declaration")}


@dataclass(frozen=True)
class ModuleCall:
    symbol: str
    source: str
    params: set[str] = field(default_factory=set)

    @property
    def is_local(self) -> bool:
        return not self.source.startswith("br")


def modules(bicep: BicepFile) -> list[ModuleCall]:
    """Each ``module symbol 'source' = {...}`` (also in a loop or a condition) with the params it passes."""
    calls = []
    for declaration in _declarations(bicep, "module_declaration"):
        source_node = next(c for c in declaration.named_children if c.type == "string")
        body = _module_body(declaration)
        params: set[str] = set()
        for prop in body.named_children if body is not None else []:
            if prop.type == "object_property" and _key(bicep, prop) == "params":
                params = set(object_keys(bicep, prop.named_children[-1]))
        calls.append(ModuleCall(_name(bicep, declaration), literal(bicep, source_node), params))
    return calls


def _module_body(node: tree_sitter.Node) -> tree_sitter.Node | None:
    stack = list(reversed(node.named_children))
    while stack:
        child = stack.pop()
        if child.type == "object":
            return child
        if child.type in {"for_statement", "if_statement", "parenthesized_expression"}:
            stack.extend(reversed(child.named_children))
    return None


def output_references(bicep: BicepFile, symbol: str) -> set[str]:
    """Names ``x`` used as ``symbol.outputs.x`` / ``symbol[i].outputs.x`` / ``symbol.outputs.?x``."""
    import re

    pattern = re.compile(rf"\b{re.escape(symbol)}(?:\[[^\]]*\])?\.outputs\.\??([A-Za-z_][A-Za-z0-9_]*)")
    return set(pattern.findall(bicep.source.decode()))
