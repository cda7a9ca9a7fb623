"""Demo data as request bodies: the static tables plus a seeded random generator, no I/O.

The same profile always gives the same bodies (each company has its own seed), so every
``init --demo`` loads the same data. Keys the server assigns (order, invoice and voucher
numbers, line numbers) are left out; children are posted after their parent, with its key.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from ledgerport.domain import demo_data as data
from ledgerport.domain.demo_data import Abroad, CompanyProfile, Place, ProductSpec
from ledgerport.domain.demo_identifiers import (
    bank_account,
    gtin,
    iban,
    kid,
    landline,
    mobile,
    org_no,
    slug,
)
from ledgerport.model import Scope

__all__ = [
    "CUSTOMER_NO_START",
    "SUPPLIER_NO_START",
    "Body",
    "CompanyDemo",
    "Item",
    "build_company",
    "shared_items",
]

Body = dict[str, object]
CUSTOMER_NO_START = 10000
SUPPLIER_NO_START = 50000
CENT = Decimal("0.01")
FREIGHT = "FRAKT"
"""The product added to some orders and invoices as a freight charge."""


@dataclass(frozen=True)
class Item:
    """One POST: a resource and its body, then child rows posted with the new key."""

    scope: Scope
    resource: str
    body: Body
    children: Mapping[str, Sequence[Body]] = field(default_factory=dict)
    """Rows by child collection name (``lines``, ``contacts``)."""


@dataclass(frozen=True)
class CompanyDemo:
    """A demo company: its ``/api/sys/companies`` row, then its data in dependency order."""

    company_no: int
    company: Body
    items: tuple[Item, ...]


def shared_items() -> tuple[Item, ...]:
    """Company-independent data: currencies, countries, ERP users, catalog products."""
    items = [
        Item(Scope.SYS, "currencies", {"currencyCode": c, "name": n, "decimals": d})
        for c, n, d in data.CURRENCIES
    ]
    items += [
        Item(
            Scope.SYS,
            "countries",
            {"countryCode": c, "name": n, "currencyCode": cur, "isEuMember": eu},
        )
        for c, n, cur, eu in data.COUNTRIES
    ]
    items += [
        Item(
            Scope.SYS,
            "users",
            {
                "userId": uid,
                "name": name,
                "initials": initials,
                "email": f"{uid.lower()}@nordlysdemo.no",
                "language": lang,
            },
        )
        for uid, name, initials, lang in data.ERP_USERS
    ]
    rng = random.Random(0)
    items += [
        Item(
            Scope.CATALOG,
            "products",
            {
                "productNo": no,
                "description": description,
                "unit": unit,
                "gtin": gtin(rng),
                "productGroup": group,
                "manufacturer": maker,
                "listPrice": Decimal(price),
                "weightKg": Decimal(weight),
            },
        )
        for no, description, unit, group, maker, price, weight in data.CATALOG_PRODUCTS
    ]
    return tuple(items)


def build_company(profile: CompanyProfile) -> CompanyDemo:
    """The bodies of one demo company, the same on every call."""
    return _CompanyBuilder(profile).build()


class _CompanyBuilder:
    def __init__(self, profile: CompanyProfile) -> None:
        self.profile = profile
        self.rng = random.Random(profile.seed)
        self.items: list[Item] = []
        self.customers: list[Body] = []
        self.suppliers: list[Body] = []
        self.contacts: dict[int, list[str]] = {}
        """Contact names by customerNo, for ``yourReference``."""
        self.projects: dict[int, int] = {}
        """projectNo by customerNo."""

    def add(self, resource: str, body: Body, **children: Sequence[Body]) -> None:
        self.items.append(Item(Scope.COMPANY, resource, body, children))

    def build(self) -> CompanyDemo:
        self.ledger_setup()
        self.inventory()
        self.associates()
        self.project_list()
        self.orders()
        self.customer_invoices()
        self.supplier_invoices()
        self.vouchers()
        return CompanyDemo(self.profile.company_no, self.company(), tuple(self.items))

    def company(self) -> Body:
        p = self.profile
        return {
            "companyNo": p.company_no,
            "name": p.name,
            "orgNo": p.org_no,
            "vatNo": f"NO{p.org_no}MVA",
            "addressLine1": p.street,
            "postCode": p.place.post_code,
            "city": p.place.city,
            "countryCode": "NO",
            "currencyCode": "NOK",
            "email": f"post@{p.domain}",
            "phone": f"+47 {p.place.phone} 40 10 00",
            "fiscalYearStart": f"{data.AS_OF.year}-01-01",
        }

    def ledger_setup(self) -> None:
        for no, description, days, discount, discount_days in data.PAYMENT_TERMS:
            self.add(
                "paymentterms",
                {
                    "paymentTermsNo": no,
                    "description": description,
                    "netDays": days,
                    "discountPercent": Decimal(discount),
                    "discountDays": discount_days,
                },
            )
        for no, description, incoterm in data.DELIVERY_TERMS:
            body = {"deliveryTermsNo": no, "description": description, "incoterm": incoterm}
            self.add("deliveryterms", body)
        for code, description, rate, output_account, input_account in data.VAT_CODES:
            self.add(
                "vatcodes",
                {
                    "vatCode": code,
                    "description": description,
                    "rate": Decimal(rate),
                    "outputVatAccountNo": output_account,
                    "inputVatAccountNo": input_account,
                },
            )
        for no, name, kind, vat in data.ACCOUNTS:
            body = {"accountNo": no, "name": name, "accountType": kind, "vatCode": vat}
            self.add("accounts", body)
        for no, name in data.DEPARTMENTS:
            self.add("departments", {"departmentNo": no, "name": name})

    def inventory(self) -> None:
        for no, name, street, place in self.profile.warehouses:
            self.add(
                "warehouses",
                {
                    "warehouseNo": no,
                    "name": name,
                    "addressLine1": street,
                    "postCode": place.post_code,
                    "city": place.city,
                    "countryCode": "NO",
                },
            )
        for product in self.profile.products:
            self.add("products", self.product(product))
        for product in self.profile.products:
            if product.weight_kg is None:
                continue
            for warehouse_no, *_ in self.profile.warehouses:
                if warehouse_no == 1 or self.rng.random() < 0.5:
                    self.add("stockbalances", self.stock(product, warehouse_no))

    def product(self, spec: ProductSpec) -> Body:
        return {
            "productNo": spec.product_no,
            "description": spec.description,
            "unit": spec.unit,
            "gtin": gtin(self.rng) if spec.weight_kg is not None else None,
            "productGroup": spec.group,
            "salesPrice": Decimal(spec.price),
            "costPrice": Decimal(spec.cost),
            "vatCode": spec.vat_code,
            "salesAccountNo": 3000,
            "weightKg": None if spec.weight_kg is None else Decimal(spec.weight_kg),
            "isStockItem": spec.weight_kg is not None,
        }

    def stock(self, spec: ProductSpec, warehouse_no: int) -> Body:
        rng = self.rng
        costly = Decimal(spec.price) >= 1000
        on_hand = rng.randint(0, 25) if costly else rng.randint(0, 60) * 5
        return {
            "productNo": spec.product_no,
            "warehouseNo": warehouse_no,
            "quantityOnHand": on_hand,
            "quantityReserved": min(on_hand, rng.randint(0, 4 if costly else 20)),
            "reorderLevel": 5 if costly else rng.choice((20, 50, 100)),
            "binLocation": f"{rng.choice('ABCDE')}-{rng.randint(1, 24):02d}-{rng.randint(1, 5)}",
        }

    def associates(self) -> None:
        p, rng = self.profile, self.rng
        taken: set[str] = set()
        for index in range(p.customer_count):
            place = _home_place(rng, p.home)
            name = _company_name(rng, p.customer_trades, place, taken)
            customer = self.norwegian(name, place)
            customer["customerNo"] = CUSTOMER_NO_START + index
            customer["creditLimit"] = Decimal(rng.choice((25, 50, 50, 100, 150, 250)) * 1000)
            customer["deliveryTermsNo"] = rng.choice((1, 1, 1, 2))
            if index == p.customer_count - 3:
                customer["isBlocked"] = True
                customer["notes"] = "Sperret for kreditt: forfalte fakturaer over 90 dager."
            self.customers.append(customer)
        for abroad in p.foreign_customers:
            customer = self.foreign(abroad)
            customer["customerNo"] = CUSTOMER_NO_START + len(self.customers)
            customer["deliveryTermsNo"] = 3
            customer["creditLimit"] = Decimal(100000)
            self.customers.append(customer)
        for customer in self.customers:
            domestic = customer["countryCode"] == "NO"
            count = rng.choice((0, 0, 1, 1, 2)) if domestic else 1
            domain = str(customer["email"]).split("@")[1]
            people = [self.person(domain) for _ in range(count)]
            self.contacts[_int(customer, "customerNo")] = [str(c["name"]) for c in people]
            for n, contact in enumerate(people):
                contact["jobTitle"] = rng.choice(data.JOB_TITLES)
                contact["isPrimary"] = n == 0
            self.add("associates", customer, contacts=people)
        for index, name in enumerate(p.suppliers):
            supplier = self.norwegian(name, rng.choice(data.PLACES[p.home]))
            supplier["supplierNo"] = SUPPLIER_NO_START + index
            supplier["bankAccountNo"] = bank_account(rng)
            self.suppliers.append(supplier)
        for abroad in p.foreign_suppliers:
            supplier = self.foreign(abroad)
            supplier["supplierNo"] = SUPPLIER_NO_START + len(self.suppliers)
            supplier["bankAccountNo"] = iban(rng, abroad.country)
            self.suppliers.append(supplier)
        for supplier in self.suppliers:
            self.add("associates", supplier)
        for employee_no in range(1, p.employees + 1):
            self.add("associates", self.employee(employee_no))

    def norwegian(self, name: str, place: Place) -> Body:
        rng = self.rng
        org = org_no(rng)
        domain = slug(name.rsplit(" ", 1)[0]) + ".no"
        return {
            "name": name,
            "shortName": _short_name(name),
            "addressLine1": f"{rng.choice(data.STREETS)} {rng.randint(1, 120)}",
            "postCode": place.post_code,
            "city": place.city,
            "countryCode": "NO",
            "currencyCode": "NOK",
            "languageCode": "nb",
            "email": f"post@{domain}",
            "phone": landline(rng, place),
            "web": f"www.{domain}",
            "orgNo": org,
            "vatNo": f"NO{org}MVA",
            "paymentTermsNo": rng.choice((2, 3, 3, 4, 4, 4, 5)),
        }

    def foreign(self, abroad: Abroad) -> Body:
        currency = next(c for code, _, c, _ in data.COUNTRIES if code == abroad.country)
        return {
            "name": abroad.name,
            "shortName": _short_name(abroad.name),
            "addressLine1": abroad.street,
            "postCode": abroad.post_code,
            "city": abroad.city,
            "countryCode": abroad.country,
            "currencyCode": currency,
            "languageCode": data.LANGUAGES.get(abroad.country, "en"),
            "email": f"info@{abroad.domain}",
            "phone": f"{abroad.phone} {self.rng.randint(100, 999)} {self.rng.randint(1000, 9999)}",
            "web": f"www.{abroad.domain}",
            "orgNo": abroad.org_no,
            "vatNo": abroad.vat_no or None,
            "paymentTermsNo": 4,
        }

    def person(self, domain: str) -> Body:
        rng = self.rng
        first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)
        return {
            "name": f"{first} {last}",
            "email": f"{slug(first)}.{slug(last)}@{domain}",
            "phone": None,
            "mobile": mobile(rng),
        }

    def employee(self, employee_no: int) -> Body:
        rng, p = self.rng, self.profile
        body = self.person(p.domain)
        place = _home_place(rng, p.home)
        name = str(body["name"])
        return {
            **body,
            "employeeNo": employee_no,
            "shortName": "".join(part[0] for part in name.split()).upper(),
            "addressLine1": f"{rng.choice(data.STREETS)} {rng.randint(1, 80)}",
            "postCode": place.post_code,
            "city": place.city,
            "countryCode": "NO",
            "currencyCode": "NOK",
            "languageCode": "nb",
            "bankAccountNo": bank_account(rng),
        }

    def project_list(self) -> None:
        p, rng = self.profile, self.rng
        buyers = iter(self.customers[::7])
        for index, (name, for_customer) in enumerate(p.projects):
            customer = next(buyers) if for_customer else None
            start = data.AS_OF - dt.timedelta(days=rng.randint(30, 200))
            project_no = 100 + index
            body: Body = {
                "projectNo": project_no,
                "name": f"{name}, {customer['name']}" if customer else name,
                "customerNo": customer["customerNo"] if customer else None,
                "departmentNo": 10 if customer else 40,
                "startDate": start.isoformat(),
                "endDate": (start + dt.timedelta(days=180)).isoformat(),
            }
            if customer:
                self.projects[_int(customer, "customerNo")] = project_no
            self.add("projects", body)

    def orders(self) -> None:
        rng = self.rng
        dates = sorted(
            data.AS_OF - dt.timedelta(days=rng.randint(0, 75)) for _ in range(self.profile.orders)
        )
        buyers = [c for c in self.customers if not c.get("isBlocked")]
        for ordered in dates:
            customer = rng.choice(buyers)
            wanted = ordered + dt.timedelta(days=rng.randint(2, 14))
            lines = self.document_lines(customer)
            for line in lines:
                line["deliveryDate"] = wanted.isoformat()
            order = {
                **self.document_head(customer),
                "orderDate": ordered.isoformat(),
                "deliveryName": customer["name"],
                "deliveryAddressLine1": customer["addressLine1"],
                "deliveryPostCode": customer["postCode"],
                "deliveryCity": customer["city"],
                "deliveryCountryCode": customer["countryCode"],
                "requestedDeliveryDate": wanted.isoformat(),
                "deliveryTermsNo": customer.get("deliveryTermsNo"),
                "departmentNo": 10,
                "projectNo": self.projects.get(_int(customer, "customerNo")),
            }
            if rng.random() < 0.2:
                order["notes"] = rng.choice(
                    ("Leveres i varemottaket, port 3.", "Ring før levering.", "Hastesak.")
                )
            self.add("orders", order, lines=lines)

    def customer_invoices(self) -> None:
        rng = self.rng
        buyers = [c for c in self.customers if not c.get("isBlocked")]
        terms = {no: days for no, _, days, _, _ in data.PAYMENT_TERMS}
        for _ in range(self.profile.customer_invoices):
            customer = rng.choice(buyers)
            invoiced = data.AS_OF - dt.timedelta(days=rng.randint(0, 20))
            due = invoiced + dt.timedelta(days=terms[_int(customer, "paymentTermsNo")])
            lines = self.document_lines(customer)
            for line in lines:
                line["accountNo"] = 3200 if line["vatCode"] == 52 else 3000
            invoice = {
                **self.document_head(customer),
                "invoiceDate": invoiced.isoformat(),
                "dueDate": due.isoformat(),
            }
            self.add("customerinvoices", invoice, lines=lines)

    def document_head(self, customer: Body) -> Body:
        """What an order or invoice copies from its customer (derivation is a later step)."""
        rng = self.rng
        people: Sequence[str | None] = self.contacts.get(_int(customer, "customerNo")) or (None,)
        return {
            "customerNo": customer["customerNo"],
            "customerName": customer["name"],
            "invoiceAddressLine1": customer["addressLine1"],
            "invoicePostCode": customer["postCode"],
            "invoiceCity": customer["city"],
            "invoiceCountryCode": customer["countryCode"],
            "currencyCode": customer["currencyCode"],
            "paymentTermsNo": customer["paymentTermsNo"],
            "yourReference": rng.choice(people),
            "ourReference": rng.choice(data.ERP_USERS[2:])[1],
        }

    def document_lines(self, customer: Body) -> list[Body]:
        rng = self.rng
        rate = Decimal(data.NOK_PER_UNIT[str(customer["currencyCode"])])
        domestic = customer["countryCode"] == "NO"
        goods = [p for p in self.profile.products if p.weight_kg is not None]
        chosen = rng.sample(goods, rng.randint(1, 5))
        freight = [p for p in self.profile.products if p.product_no == FREIGHT]
        if freight and rng.random() < 0.3:
            chosen += freight
        lines: list[Body] = []
        for spec in chosen:
            costly = Decimal(spec.price) >= 1000
            quantity = rng.randint(1, 4) if costly else rng.choice((1, 2, 3, 5, 10, 12, 20, 25))
            if spec.weight_kg is None:
                quantity = 1
            lines.append(
                {
                    "productNo": spec.product_no,
                    "description": spec.description,
                    "quantity": quantity,
                    "unit": spec.unit,
                    "unitPrice": (Decimal(spec.price) / rate).quantize(CENT, ROUND_HALF_UP),
                    "discountPercent": Decimal(rng.choice((0, 0, 0, 0, 5, 10))),
                    "vatCode": spec.vat_code if domestic else 52,
                }
            )
        return lines

    def supplier_invoices(self) -> None:
        rng = self.rng
        by_name = {str(s["name"]): s for s in self.suppliers}
        for name, account, vat, text, nok in self.profile.supplier_invoices:
            supplier = by_name[name]
            currency = str(supplier["currencyCode"])
            received = data.AS_OF - dt.timedelta(days=rng.randint(3, 25))
            amount = (Decimal(nok) / Decimal(data.NOK_PER_UNIT[currency])).quantize(CENT)
            invoice = {
                "supplierNo": supplier["supplierNo"],
                "supplierName": name,
                "supplierInvoiceRef": str(rng.randint(100000, 999999)),
                "invoiceDate": received.isoformat(),
                "dueDate": (received + dt.timedelta(days=30)).isoformat(),
                "currencyCode": currency,
                "kid": kid(rng) if currency == "NOK" else None,
            }
            line = {
                "description": text,
                "accountNo": account,
                "amount": amount,
                "vatCode": vat,
                "departmentNo": 20 if account == 4000 else 40,
            }
            self.add("supplierinvoices", invoice, lines=[line])

    def vouchers(self) -> None:
        for spec in self.profile.vouchers:
            lines = [
                {
                    "accountNo": account,
                    "debitAmount": Decimal(debit),
                    "creditAmount": Decimal(credit),
                    "description": text,
                }
                for account, debit, credit, text in spec.lines
            ]
            debits = sum(Decimal(debit) for _, debit, _, _ in spec.lines)
            credits = sum(Decimal(credit) for _, _, credit, _ in spec.lines)
            assert debits == credits, f"demo voucher {spec.description!r} does not balance"
            voucher: Body = {
                "voucherDate": spec.date.isoformat(),
                "voucherType": spec.voucher_type,
                "description": spec.description,
            }
            self.add("vouchers", voucher, lines=lines)


def _int(body: Body, name: str) -> int:
    value = body[name]
    assert isinstance(value, int), name
    return value


def _short_name(name: str) -> str:
    """The search name: the first word, as ERP lists show it (``FJORD``, ``HANSEN``)."""
    return name.split()[0].upper()[:20]


def _home_place(rng: random.Random, home: str) -> Place:
    """Mostly the company's own region, sometimes elsewhere in Norway."""
    region = home if rng.random() < 0.7 else "elsewhere"
    return rng.choice(data.PLACES[region])


def _company_name(rng: random.Random, trades: Sequence[str], place: Place, taken: set[str]) -> str:
    """A new name such as ``Fjord Bygg AS``, ``Hansen Regnskap ANS`` or ``Bergen Bakeri AS``."""
    while True:
        pick = rng.random()
        first = (
            rng.choice(data.LAST_NAMES)
            if pick < 0.3
            else place.city
            if pick < 0.45
            else rng.choice(data.NAME_PREFIXES)
        )
        stem = f"{first} {rng.choice(trades)}"
        if stem not in taken:
            taken.add(stem)
            return f"{stem} {rng.choice(('AS',) * 8 + ('ANS', 'DA'))}"
