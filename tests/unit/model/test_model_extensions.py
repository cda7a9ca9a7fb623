"""Custom field and table definitions against the built-in model (pure, no database)."""

from __future__ import annotations

from ledgerport.model import BUILTIN_ENTITIES, FieldType, Scope, builtin_registry
from ledgerport.model.extensions import (
    FieldDefinition,
    TableDefinition,
    check_field,
    check_table,
    extend,
)


def field(name: str, kind: FieldType = FieldType.STRING, **kw: object) -> FieldDefinition:
    kw.setdefault("length", 20 if kind is FieldType.STRING else None)
    return FieldDefinition(Scope.COMPANY, "associates", name, kind, **kw)  # type: ignore[arg-type]


def test_extend_adds_custom_fields_and_tables_and_keeps_the_version() -> None:
    cards = TableDefinition("loyaltycards", "Loyalty card", ("cardNo",))
    card_fields = [
        FieldDefinition(Scope.COMPANY, "loyaltycards", "cardNo", FieldType.INTEGER),
        FieldDefinition(Scope.COMPANY, "loyaltycards", "holder", FieldType.STRING, length=80),
    ]
    registry = extend(BUILTIN_ENTITIES, [cards], [field("loyaltyTier"), *card_fields], 7)
    assert registry.version == 7
    tier = registry.entity(Scope.COMPANY, "associates").by_name["loyaltyTier"]
    assert tier.custom
    assert tier.column == "loyalty_tier"
    table = registry.entity(Scope.COMPANY, "loyaltycards")
    assert table.custom
    assert table.module == "custom"
    assert table.key == ("cardNo",)
    card_no = table.by_name["cardNo"]
    assert card_no.series
    assert not card_no.nullable
    assert "createdDateTime" in table.by_name  # system fields like every entity


def test_field_checks_name_each_problem() -> None:
    registry = builtin_registry()
    assert check_field(registry, field("loyaltyTier")) == {}
    assert set(check_field(registry, field("city"))) == {"name"}
    assert set(check_field(registry, field("City"))) == {"name"}
    assert set(check_field(registry, field("x"))) == {"name"}
    assert set(check_field(registry, field("tier", length=None))) == {"length"}
    assert set(check_field(registry, field("tier", length=5000))) == {"length"}
    assert set(check_field(registry, field("n", FieldType.INTEGER, length=3))) == {"name", "length"}
    strict = field("strict", FieldType.INTEGER, nullable=False)
    assert set(check_field(registry, strict)) == {"default"}
    wide = field("wide", FieldType.DECIMAL, precision=30)
    assert set(check_field(registry, wide)) == {"precision"}


def test_table_checks() -> None:
    registry = builtin_registry()
    holder = FieldDefinition(Scope.COMPANY, "t", "holder", FieldType.STRING, length=5)
    moment = FieldDefinition(Scope.COMPANY, "t", "moment", FieldType.DATETIME)
    problems = check_table(registry, TableDefinition("associates", "", ("nope",)), [holder])
    assert set(problems) == {"name", "title", "key"}
    assert set(check_table(registry, TableDefinition("moments", "M", ("moment",)), [moment])) == {
        "key"
    }
    assert check_table(registry, TableDefinition("holders", "H", ("holder",)), [holder]) == {}
