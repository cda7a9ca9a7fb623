"""The registry: the built-in model holds together, and broken declarations are caught."""

from __future__ import annotations

import pytest

from ledgerport.model import ModelError, Registry, Scope, builtin_registry
from ledgerport.model.declare import company_entity, integer, ref, string

DESIGN_RESOURCES = {
    Scope.SYS: {
        "companies": ("companyNo",),
        "currencies": ("currencyCode",),
        "countries": ("countryCode",),
        "users": ("userId",),
    },
    Scope.CATALOG: {"products": ("productNo",)},
    Scope.COMPANY: {
        "associates": ("associateNo",),
        "contacts": ("associateNo", "contactNo"),
        "products": ("productNo",),
        "warehouses": ("warehouseNo",),
        "stockbalances": ("productNo", "warehouseNo"),
        "paymentterms": ("paymentTermsNo",),
        "deliveryterms": ("deliveryTermsNo",),
        "vatcodes": ("vatCode",),
        "departments": ("departmentNo",),
        "projects": ("projectNo",),
        "orders": ("orderNo",),
        "orderlines": ("orderNo", "lineNo"),
        "customerinvoices": ("invoiceNo",),
        "customerinvoicelines": ("invoiceNo", "lineNo"),
        "supplierinvoices": ("invoiceNo",),
        "supplierinvoicelines": ("invoiceNo", "lineNo"),
        "accounts": ("accountNo",),
        "vouchers": ("voucherNo",),
        "voucherlines": ("voucherNo", "lineNo"),
        "customeropenitems": ("entryNo",),
        "supplieropenitems": ("entryNo",),
        "payments": ("paymentNo",),
    },
}


def test_the_built_in_model_has_every_resource_of_the_design_with_its_key() -> None:
    registry = builtin_registry()
    for scope, resources in DESIGN_RESOURCES.items():
        for resource, key in resources.items():
            entity = registry.get(scope, resource)
            assert entity is not None, f"{scope}/{resource}"
            assert entity.key == key


def test_every_entity_has_server_set_timestamps() -> None:
    for entity in builtin_registry().entities:
        for name in ("createdDateTime", "lastModifiedDateTime"):
            field = entity.field(name)
            assert field is not None
            assert field.read_only


def test_associates_have_the_fields_of_an_erp() -> None:
    associates = builtin_registry().entity(Scope.COMPANY, "associates")
    for name in (
        "associateNo",
        "customerNo",
        "supplierNo",
        "employeeNo",
        "name",
        "addressLine1",
        "postCode",
        "city",
        "countryCode",
        "currencyCode",
        "email",
        "phone",
        "orgNo",
        "paymentTermsNo",
        "creditLimit",
    ):
        assert associates.field(name) is not None, name
    assert [c.name for c in associates.children] == ["contacts"]


def test_documents_have_lines_and_status() -> None:
    registry = builtin_registry()
    for resource, statuses in {
        "orders": ("open", "invoiced"),
        "customerinvoices": ("draft", "released", "credited"),
        "supplierinvoices": ("draft", "approved"),
    }.items():
        entity = registry.entity(Scope.COMPANY, resource)
        assert [c.name for c in entity.children] == ["lines"]
        status = entity.field("status")
        assert status is not None
        assert status.choices == statuses
        assert status.read_only


def test_referrers_are_found() -> None:
    registry = builtin_registry()
    associates = registry.entity(Scope.COMPANY, "associates")
    referring = {source.resource for source, _ in registry.referrers(associates)}
    assert {"orders", "contacts", "customerinvoices", "supplierinvoices"} <= referring


def test_broken_declarations_are_refused() -> None:
    good = company_entity(
        "things",
        module="m",
        title="Thing",
        key="thingNo",
        fields=[integer("thingNo", nullable=False), string("code", 5)],
    )
    with pytest.raises(ModelError, match="key field nope"):
        Registry.build(
            [company_entity("a", module="m", title="A", key="nope", fields=[integer("x")])]
        )
    with pytest.raises(ModelError, match="unknown ghosts"):
        Registry.build(
            [
                good,
                company_entity(
                    "b",
                    module="m",
                    title="B",
                    key="bNo",
                    fields=[integer("bNo", nullable=False), integer("ghostNo")],
                    references=[ref("ghostNo", "ghosts")],
                ),
            ]
        )
    with pytest.raises(ModelError, match="neither key nor unique"):
        Registry.build(
            [
                good,
                company_entity(
                    "c",
                    module="m",
                    title="C",
                    key="cNo",
                    fields=[integer("cNo", nullable=False), string("label", 5)],
                    references=[ref("label", "things.code")],
                ),
            ]
        )
    with pytest.raises(ModelError, match="declared twice"):
        Registry.build([good, good])


def test_a_derivation_naming_an_unknown_field_is_refused() -> None:
    from dataclasses import replace

    from ledgerport.model import BUILTIN_ENTITIES, ModelError, Registry
    from ledgerport.model.declare import derive

    entities = [
        replace(e, derivations=(derive("customerNo", "associates.customerNo", nope="name"),))
        if e.resource == "orders"
        else e
        for e in BUILTIN_ENTITIES
    ]
    with pytest.raises(ModelError, match="nope"):
        Registry.build(entities)
