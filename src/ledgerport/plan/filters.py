"""Check a ``$filter`` syntax tree against the data model and type it (no SQL).

odata-query parses; it neither knows our fields nor checks types, and its SQL visitor cannot
follow references. This pass resolves every name (``customer/city`` through the reference
``customerNo``), gives every literal its field's type, and refuses what would otherwise fail
in the database, each with a 400 naming the part at fault.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from odata_query import ast

from ledgerport.errors import BadQueryOption
from ledgerport.model import Entity, FieldType, Reference, Registry
from ledgerport.plan.query import (
    BoolOp,
    Compare,
    FieldPath,
    Func,
    Hop,
    InList,
    Literal,
    Match,
    Not,
    Op,
    Operand,
    Predicate,
)

__all__ = ["FilterLimits", "check_filter", "navigations", "resolve_path"]

_MAX_SAFE = 2**53 - 1
_MAX_HOPS = 3
_SUFFIX = re.compile(r"(No|Code)$")
_COMPARATORS = {
    ast.Eq: Op.EQ,
    ast.NotEq: Op.NE,
    ast.Gt: Op.GT,
    ast.GtE: Op.GE,
    ast.Lt: Op.LT,
    ast.LtE: Op.LE,
}
_NUMERIC = frozenset({FieldType.INTEGER, FieldType.DECIMAL})
_STRING_FUNCTIONS = frozenset({"tolower", "toupper", "length"})
_MATCHES = frozenset({"contains", "startswith", "endswith"})


class FilterLimits:
    """How deep a filter may nest (each operator and function is one level)."""

    def __init__(self, max_depth: int) -> None:
        self.max_depth = max_depth


def navigations(entity: Entity) -> dict[str, Reference]:
    """Single-valued navigation names: a reference's field without ``No``/``Code``."""
    names: dict[str, Reference] = {}
    for reference in entity.references:
        if len(reference.fields) == 1:
            name = _SUFFIX.sub("", reference.fields[0])
            if name and name not in entity.by_name:
                names[name] = reference
    return names


def resolve_path(registry: Registry, entity: Entity, path: str, option: str) -> FieldPath:
    """``name`` or ``customer/name`` → the field, following references; 400 naming it."""
    *steps, last = path.split("/")
    if len(steps) > _MAX_HOPS:
        raise BadQueryOption(f"{option}: {path!r} follows more than {_MAX_HOPS} references.")
    hops: list[Hop] = []
    current = entity
    for step in steps:
        reference = navigations(current).get(step)
        if reference is None:
            raise BadQueryOption(
                f"{option}: {current.resource} has no reference {step!r} (in {path!r})."
            )
        target = registry.target(current, reference)
        hops.append(Hop(step, reference, current, target))
        current = target
    field = current.by_name.get(last)
    if field is None:
        raise BadQueryOption(f"{option}: {current.resource} has no field {last!r} (in {path!r}).")
    return FieldPath(tuple(hops), field)


def check_filter(
    tree: object, registry: Registry, entity: Entity, limits: FilterLimits
) -> Predicate:
    """The typed predicate of ``tree``; raise BadQueryOption naming the offending part."""
    return _Checker(registry, entity, limits).predicate(tree, 1)


class _Checker:
    def __init__(self, registry: Registry, entity: Entity, limits: FilterLimits) -> None:
        self.registry = registry
        self.entity = entity
        self.limits = limits

    def predicate(self, node: object, depth: int) -> Predicate:
        if depth > self.limits.max_depth:
            raise BadQueryOption(
                f"$filter nests deeper than the limit of {self.limits.max_depth} levels."
            )
        if isinstance(node, ast.BoolOp):
            op = "and" if isinstance(node.op, ast.And) else "or"
            return BoolOp(
                op, (self.predicate(node.left, depth + 1), self.predicate(node.right, depth + 1))
            )
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return Not(self.predicate(node.operand, depth + 1))
        if isinstance(node, ast.Compare):
            return self.compare(node, depth)
        if isinstance(node, ast.Call):
            return self.match(node, depth)
        if isinstance(node, ast.Identifier | ast.Attribute):
            operand = self.operand(node, depth)
            if _type(operand) is FieldType.BOOLEAN:
                return Compare(Op.EQ, operand, Literal(True, FieldType.BOOLEAN))
            raise BadQueryOption(
                f"$filter: {_describe(node)} is not a condition (it is {_type(operand)})."
            )
        if isinstance(node, ast.Boolean):
            value = node.val.lower() == "true"
            return Compare(
                Op.EQ, Literal(value, FieldType.BOOLEAN), Literal(True, FieldType.BOOLEAN)
            )
        raise BadQueryOption(f"$filter: {_describe(node)} is not a condition.")

    def compare(self, node: ast.Compare, depth: int) -> Predicate:
        if isinstance(node.comparator, ast.In):
            return self.in_list(node, depth)
        op = _COMPARATORS[type(node.comparator)]
        left = self.operand(node.left, depth + 1)
        right = self.operand(node.right, depth + 1)
        left_type, right_type = _type(left), _type(right)
        if left_type is None and right_type is None:
            raise BadQueryOption("$filter: compare a field with null, not null with null.")
        if left_type is None or right_type is None:
            if op not in (Op.EQ, Op.NE):
                raise BadQueryOption(f"$filter: null can only be compared with eq or ne, not {op}.")
            return Compare(op, left, right)
        left = self.typed(left, right_type, right)
        right = self.typed(right, left_type, left)
        if not _comparable(_type(left), _type(right)):
            raise BadQueryOption(
                f"$filter: cannot compare {_name(left)} ({_type(left)}) with "
                f"{_name(right)} ({_type(right)})."
            )
        if _type(left) is FieldType.BOOLEAN and op not in (Op.EQ, Op.NE):
            raise BadQueryOption(f"$filter: booleans can only be compared with eq or ne, not {op}.")
        if isinstance(left, FieldPath) and isinstance(right, FieldPath):
            _same_scale(left, right)
        return Compare(op, left, right)

    def in_list(self, node: ast.Compare, depth: int) -> Predicate:
        operand = self.operand(node.left, depth + 1)
        if isinstance(operand, Literal) or not isinstance(node.right, ast.List):
            raise BadQueryOption("$filter: 'in' needs a field on the left and a list of values.")
        if not node.right.val or len(node.right.val) > 1000:
            raise BadQueryOption("$filter: an 'in' list holds 1 to 1000 values.")
        kind = _type(operand)
        values = []
        for item in node.right.val:
            literal = self.literal(item)
            if literal.value is None:
                raise BadQueryOption("$filter: an 'in' list cannot hold null; use eq null.")
            typed = self.typed(literal, kind, operand)
            if not isinstance(typed, Literal) or not _comparable(typed.type, kind):
                raise BadQueryOption(
                    f"$filter: {literal.value!r} in the 'in' list is not a {kind} "
                    f"like {_name(operand)}."
                )
            values.append(typed.value)
        return InList(operand, tuple(values))

    def match(self, node: ast.Call, depth: int) -> Predicate:
        name = node.func.name.lower()
        if name not in _MATCHES:
            raise BadQueryOption(
                f"$filter: {node.func.name}() is not a condition; "
                "use contains, startswith or endswith."
            )
        if len(node.args) != 2:
            raise BadQueryOption(f"$filter: {name}() takes two arguments.")
        operand = self.operand(node.args[0], depth + 1)
        pattern = node.args[1]
        if _type(operand) is not FieldType.STRING or not isinstance(pattern, ast.String):
            raise BadQueryOption(
                f"$filter: {name}() needs a string field and a string literal, "
                f"got {_describe(node.args[0])} and {_describe(pattern)}."
            )
        return Match(name, operand, str(self.literal(pattern).value))

    def operand(self, node: object, depth: int) -> Operand:
        if depth > self.limits.max_depth:
            raise BadQueryOption(
                f"$filter nests deeper than the limit of {self.limits.max_depth} levels."
            )
        if isinstance(node, ast.Identifier):
            if node.namespace:
                raise BadQueryOption(f"$filter: {_describe(node)} is not a field.")
            return resolve_path(self.registry, self.entity, node.name, "$filter")
        if isinstance(node, ast.Attribute):
            return resolve_path(self.registry, self.entity, _attribute_path(node), "$filter")
        if isinstance(node, ast.Call):
            name = node.func.name.lower()
            if name not in _STRING_FUNCTIONS:
                raise BadQueryOption(f"$filter: the function {node.func.name}() is not supported.")
            if len(node.args) != 1:
                raise BadQueryOption(f"$filter: {name}() takes one argument.")
            arg = self.operand(node.args[0], depth + 1)
            if _type(arg) is not FieldType.STRING or isinstance(arg, Literal):
                raise BadQueryOption(f"$filter: {name}() needs a string field.")
            return Func(name, arg)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            inner = self.literal(node.operand)
            if isinstance(inner.value, int | Decimal) and not isinstance(inner.value, bool):
                return Literal(-inner.value, inner.type)
            raise BadQueryOption("$filter: only numbers can be negated.")
        return self.literal(node)

    def literal(self, node: object) -> Literal:
        if isinstance(node, ast.Null):
            return Literal(None, None)
        if isinstance(node, ast.String):
            if "\x00" in node.val:
                raise BadQueryOption("$filter: a string literal cannot hold a NUL character.")
            return Literal(node.val, FieldType.STRING)
        if isinstance(node, ast.Boolean):
            return Literal(node.val.lower() == "true", FieldType.BOOLEAN)
        if isinstance(node, ast.Integer):
            return Literal(_number(node.val), FieldType.INTEGER)
        if isinstance(node, ast.Float):
            return Literal(_number(node.val), FieldType.DECIMAL)
        if isinstance(node, ast.Date):
            try:
                return Literal(dt.date.fromisoformat(node.val), FieldType.DATE)
            except ValueError:
                raise BadQueryOption(f"$filter: {node.val!r} is not a date.") from None
        if isinstance(node, ast.DateTime):
            return Literal(_datetime(node.val), FieldType.DATETIME)
        raise BadQueryOption(f"$filter: {_describe(node)} is not supported here.")

    def typed(self, operand: Operand, kind: FieldType | None, other: Operand) -> Operand:
        """A literal converted to the type of what it is compared with."""
        if not isinstance(operand, Literal) or kind is None or operand.value is None:
            return operand
        value = operand.value
        if operand.type in _NUMERIC and kind is FieldType.INTEGER:
            assert isinstance(value, int | Decimal)
            if value != int(value):
                raise BadQueryOption(f"$filter: {_name(other)} is a whole number; {value} is not.")
            if abs(int(value)) > _MAX_SAFE:
                raise BadQueryOption(f"$filter: {value} is out of range for {_name(other)}.")
            return Literal(int(value), FieldType.INTEGER)
        if operand.type in _NUMERIC and kind is FieldType.DECIMAL:
            assert isinstance(value, int | Decimal)
            number = Decimal(value)
            scale = other.field.scale if isinstance(other, FieldPath) else 0
            if abs(number).scaleb(scale) >= 10**18:
                raise BadQueryOption(f"$filter: {value} is out of range for {_name(other)}.")
            return Literal(number, FieldType.DECIMAL)
        if isinstance(value, str) and len(value) > 4000:
            raise BadQueryOption("$filter: a string literal is longer than 4000 characters.")
        return operand


def _number(text: str) -> int | Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise BadQueryOption(f"$filter: {text!r} is not a number.") from None
    if not value.is_finite() or abs(value) >= Decimal(10) ** 30:
        raise BadQueryOption(f"$filter: {text!r} is out of range.")
    if value == value.to_integral_value() and "." not in text and "e" not in text.lower():
        return int(value)
    return value


def _datetime(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise BadQueryOption(f"$filter: {text!r} is not a date and time.") from None
    if value.tzinfo is None:
        raise BadQueryOption(f"$filter: {text!r} needs a time zone offset (Z or +02:00).")
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        raise BadQueryOption(f"$filter: {text!r} is out of range in UTC.") from None


def _type(operand: Operand) -> FieldType | None:
    return operand.type


def _comparable(left: FieldType | None, right: FieldType | None) -> bool:
    return left == right or (left in _NUMERIC and right in _NUMERIC)


def _same_scale(left: FieldPath, right: FieldPath) -> None:
    # SQLite stores decimals scaled by their own scale: only equal scales compare directly.
    kinds = {left.type, right.type}
    if FieldType.DECIMAL in kinds and (
        kinds != {FieldType.DECIMAL} or left.field.scale != right.field.scale
    ):
        raise BadQueryOption(
            f"$filter: {left.name} and {right.name} have different numeric scales; "
            "compare each with a number instead."
        )


def _name(operand: Operand) -> str:
    if isinstance(operand, FieldPath):
        return operand.name
    if isinstance(operand, Func):
        return f"{operand.name}({_name(operand.arg)})"
    return repr(operand.value)


def _attribute_path(node: ast.Attribute) -> str:
    owner = node.owner
    if isinstance(owner, ast.Identifier):
        return f"{owner.name}/{node.attr}"
    if isinstance(owner, ast.Attribute):
        return f"{_attribute_path(owner)}/{node.attr}"
    raise BadQueryOption(f"$filter: {_describe(node)} is not a property path.")


def _describe(node: object) -> str:
    if isinstance(node, ast.Identifier):
        return repr(".".join([*node.namespace, node.name]))
    if isinstance(node, ast.Attribute):
        try:
            return repr(_attribute_path(node))
        except BadQueryOption:
            return "a property path"
    if isinstance(node, ast._Literal):
        return f"the literal {getattr(node, 'val', 'null')!r}"
    if isinstance(node, ast.Call):
        return f"{node.func.name}()"
    if isinstance(node, ast.BinOp):
        return "arithmetic (add, sub, mul, div, mod)"
    if isinstance(node, ast.CollectionLambda):
        return "a lambda (any/all)"
    return type(node).__name__
