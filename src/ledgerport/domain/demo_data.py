"""The static tables behind ``ledgerport init --demo``: names, places, products, ledger setup.

Everything here is fictional but shaped like real Nordic business data (Norwegian VAT codes
and chart of accounts, real post codes and cities, company names as a Norwegian register
would show them). Amounts are strings so they become exact ``Decimal`` values.
``demo_build`` turns these tables, with a seeded random generator, into request bodies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = [
    "ACCOUNTS",
    "AS_OF",
    "CATALOG_PRODUCTS",
    "COFFEE_ROASTERY",
    "COUNTRIES",
    "CURRENCIES",
    "DELIVERY_TERMS",
    "DEPARTMENTS",
    "ERP_USERS",
    "FIRST_NAMES",
    "JOB_TITLES",
    "LANGUAGES",
    "LAST_NAMES",
    "NAME_PREFIXES",
    "NOK_PER_UNIT",
    "OFFICE_SUPPLY",
    "PAYMENT_TERMS",
    "PLACES",
    "STREETS",
    "VAT_CODES",
    "Abroad",
    "CompanyProfile",
    "Place",
    "ProductSpec",
    "VoucherSpec",
]

AS_OF = dt.date(2026, 11, 20)
"""The demo's "today": fixed, so every run loads the same data."""

CURRENCIES: tuple[tuple[str, str, int], ...] = (
    ("NOK", "Norske kroner", 2),
    ("SEK", "Svenske kronor", 2),
    ("DKK", "Danske kroner", 2),
    ("EUR", "Euro", 2),
    ("USD", "US dollar", 2),
    ("GBP", "Pound sterling", 2),
)

NOK_PER_UNIT: dict[str, str] = {
    "NOK": "1",
    "SEK": "0.97",
    "DKK": "1.56",
    "EUR": "11.65",
    "USD": "10.05",
    "GBP": "13.40",
}
"""Fixed demo exchange rates, for pricing in a customer's currency."""

COUNTRIES: tuple[tuple[str, str, str, bool], ...] = (
    ("NO", "Norge", "NOK", False),
    ("SE", "Sverige", "SEK", True),
    ("DK", "Danmark", "DKK", True),
    ("FI", "Finland", "EUR", True),
    ("DE", "Tyskland", "EUR", True),
    ("NL", "Nederland", "EUR", True),
    ("GB", "Storbritannia", "GBP", False),
    ("US", "USA", "USD", False),
)
"""(code, name, currency, EU member)."""

ERP_USERS: tuple[tuple[str, str, str, str], ...] = (
    ("ADMIN", "Systemadministrator", "ADM", "en"),
    ("DEMO", "Demo Bruker", "DB", "nb"),
    ("KARI", "Kari Nordmann", "KN", "nb"),
    ("OLA", "Ola Nordmann", "ON", "nb"),
    ("INGRID", "Ingrid Solheim", "IS", "nb"),
)
"""(userId, name, initials, language): the ERP users API users act as."""

PAYMENT_TERMS: tuple[tuple[int, str, int, str, int], ...] = (
    (1, "Kontant", 0, "0", 0),
    (2, "10 dager netto", 10, "0", 0),
    (3, "14 dager netto", 14, "0", 0),
    (4, "30 dager netto", 30, "0", 0),
    (5, "2 % 10 dager, 30 dager netto", 30, "2.00", 10),
    (6, "45 dager netto", 45, "0", 0),
)
"""(paymentTermsNo, description, netDays, discountPercent, discountDays)."""

DELIVERY_TERMS: tuple[tuple[int, str, str], ...] = (
    (1, "Fritt levert", "DAP"),
    (2, "Hentes på lager", "EXW"),
    (3, "Fritt fraktfører", "FCA"),
    (4, "Levert fortollet", "DDP"),
)

DEPARTMENTS: tuple[tuple[int, str], ...] = (
    (10, "Salg"),
    (20, "Innkjøp"),
    (30, "Lager og logistikk"),
    (40, "Administrasjon"),
    (50, "Kundeservice"),
)

VAT_CODES: tuple[tuple[int, str, str, int | None, int | None], ...] = (
    (0, "Ingen mva-behandling", "0", None, None),
    (1, "Inngående mva, høy sats 25 %", "25.00", None, 2710),
    (11, "Inngående mva, middels sats 15 %", "15.00", None, 2711),
    (3, "Utgående mva, høy sats 25 %", "25.00", 2700, None),
    (31, "Utgående mva, middels sats 15 % (næringsmidler)", "15.00", 2701, None),
    (5, "Ingen utgående mva (fritatt)", "0", None, None),
    (52, "Utførsel av varer og tjenester (eksport)", "0", None, None),
)
"""(vatCode, description, rate, outputVatAccountNo, inputVatAccountNo), Norwegian codes."""

ACCOUNTS: tuple[tuple[int, str, str, int | None], ...] = (
    (1200, "Maskiner og anlegg", "asset", None),
    (1460, "Varelager", "asset", None),
    (1500, "Kundefordringer", "asset", None),
    (1900, "Kontanter", "asset", None),
    (1920, "Bankinnskudd", "asset", None),
    (2000, "Aksjekapital", "equity", None),
    (2050, "Annen egenkapital", "equity", None),
    (2400, "Leverandørgjeld", "liability", None),
    (2600, "Forskuddstrekk", "liability", None),
    (2700, "Utgående merverdiavgift, høy sats", "liability", None),
    (2701, "Utgående merverdiavgift, middels sats", "liability", None),
    (2710, "Inngående merverdiavgift, høy sats", "liability", None),
    (2711, "Inngående merverdiavgift, middels sats", "liability", None),
    (2740, "Oppgjørskonto merverdiavgift", "liability", None),
    (2780, "Påløpt arbeidsgiveravgift", "liability", None),
    (3000, "Salgsinntekt, avgiftspliktig", "revenue", 3),
    (3100, "Salgsinntekt, avgiftsfri", "revenue", 5),
    (3200, "Salgsinntekt, utenfor avgiftsområdet", "revenue", 52),
    (4000, "Varekjøp", "expense", 1),
    (5000, "Lønn til ansatte", "expense", None),
    (5400, "Arbeidsgiveravgift", "expense", None),
    (6300, "Leie lokaler", "expense", 0),
    (6340, "Lys og varme", "expense", 1),
    (6800, "Kontorrekvisita", "expense", 1),
    (6900, "Telefon og internett", "expense", 1),
    (7140, "Reisekostnad", "expense", None),
    (7320, "Reklamekostnad", "expense", 1),
    (7770, "Bank- og kortgebyrer", "expense", 0),
    (8050, "Renteinntekter", "revenue", None),
    (8150, "Rentekostnader", "expense", None),
)
"""(accountNo, name, accountType, default vatCode): a short Norwegian chart (NS 4102)."""

FIRST_NAMES: tuple[str, ...] = (
    "Ola", "Kari", "Lars", "Ingrid", "Nils", "Marit", "Knut", "Silje", "Håkon", "Ingvild",
    "Eirik", "Tone", "Sindre", "Hanne", "Magnus", "Nora", "Jonas", "Emma", "Sigrid", "Anders",
    "Kristin", "Per", "Trine", "Bjørn", "Astrid", "Jørgen", "Maja", "Henrik", "Liv", "Espen",
    "Solveig", "Øyvind", "Camilla", "Torbjørn", "Ida", "Vegard", "Hilde", "Stian", "Randi",
    "Erlend", "Åse", "Sander",
)  # fmt: skip

LAST_NAMES: tuple[str, ...] = (
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
    "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen",
    "Johannessen", "Andreassen", "Jacobsen", "Dahl", "Jørgensen", "Halvorsen", "Henriksen",
    "Lund", "Sørensen", "Solberg", "Moen", "Bakken", "Strand", "Lie", "Kvamme", "Aasen",
    "Myhre", "Brekke", "Nygård", "Fjeld", "Vik", "Rønning", "Holm", "Tveit", "Ødegård",
)  # fmt: skip

JOB_TITLES: tuple[str, ...] = (
    "Daglig leder",
    "Innkjøpsansvarlig",
    "Økonomiansvarlig",
    "Kontorleder",
    "Regnskapsfører",
    "Driftsleder",
    "Daglig leder",
)

STREETS: tuple[str, ...] = (
    "Storgata", "Kongens gate", "Dronningens gate", "Torggata", "Kirkegata", "Industriveien",
    "Strandveien", "Fjordveien", "Sjøgata", "Parkveien", "Havnegata", "Jernbanegata",
    "Markveien", "Skoleveien", "Olav Tryggvasons gate", "Kanalveien", "Nedre Slottsgate",
    "Løkkeveien", "Verftsgata", "Bjørnstjerne Bjørnsons gate", "Solheimsgaten", "Brugata",
)  # fmt: skip


@dataclass(frozen=True)
class Place:
    """A Norwegian post code with its city and the leading digits of a landline there."""

    post_code: str
    city: str
    phone: str


PLACES: dict[str, tuple[Place, ...]] = {
    "oslo": (
        Place("0151", "Oslo", "22"), Place("0154", "Oslo", "22"), Place("0250", "Oslo", "23"),
        Place("0460", "Oslo", "22"), Place("0560", "Oslo", "23"), Place("0661", "Oslo", "22"),
        Place("0668", "Oslo", "22"), Place("1337", "Sandvika", "67"), Place("1383", "Asker", "66"),
        Place("1400", "Ski", "64"), Place("2000", "Lillestrøm", "63"),
        Place("3015", "Drammen", "32"), Place("1606", "Fredrikstad", "69"),
    ),
    "bergen": (
        Place("5003", "Bergen", "55"), Place("5011", "Bergen", "55"), Place("5015", "Bergen", "55"),
        Place("5035", "Bergen", "55"), Place("5221", "Nesttun", "55"),
        Place("5257", "Kokstad", "55"), Place("5527", "Haugesund", "52"),
    ),
    "elsewhere": (
        Place("7010", "Trondheim", "73"), Place("7030", "Trondheim", "73"),
        Place("4006", "Stavanger", "51"), Place("4014", "Stavanger", "51"),
        Place("4306", "Sandnes", "51"), Place("4612", "Kristiansand", "38"),
        Place("9008", "Tromsø", "77"), Place("8006", "Bodø", "75"), Place("6002", "Ålesund", "70"),
        Place("3111", "Tønsberg", "33"), Place("2317", "Hamar", "62"),
        Place("2609", "Lillehammer", "61"), Place("4836", "Arendal", "37"),
        Place("6413", "Molde", "71"),
    ),
}  # fmt: skip
"""Where generated Norwegian associates live, by region."""

LANGUAGES: dict[str, str] = {
    "NO": "nb", "SE": "sv", "DK": "da", "FI": "fi", "DE": "de", "NL": "nl"
}  # fmt: skip
"""Language of correspondence by country (English elsewhere)."""


@dataclass(frozen=True)
class Abroad:
    """A customer or supplier abroad, written by hand (generated ones are Norwegian)."""

    name: str
    street: str
    post_code: str
    city: str
    country: str
    phone: str
    """Country and area code, e.g. ``+46 8``."""
    org_no: str
    vat_no: str
    domain: str


def parse_abroad(table: str) -> tuple[Abroad, ...]:
    """Rows of ``name|street|postCode|city|country|phone|orgNo|vatNo|domain``."""
    return tuple(Abroad(*line.split("|")) for line in table.strip().splitlines())


@dataclass(frozen=True)
class ProductSpec:
    product_no: str
    description: str
    unit: str
    group: str
    price: str
    cost: str
    vat_code: int
    weight_kg: str | None
    """None for services and charges, of which no stock is kept."""


def parse_products(table: str) -> tuple[ProductSpec, ...]:
    """Rows of ``productNo|description|unit|group|price|cost|vatCode|weightKg``."""
    products: list[ProductSpec] = []
    for line in table.strip().splitlines():
        no, description, unit, group, price, cost, vat, weight = line.split("|")
        products.append(
            ProductSpec(no, description, unit, group, price, cost, int(vat), weight or None)
        )
    return tuple(products)


@dataclass(frozen=True)
class VoucherSpec:
    """A balanced posting: lines of (accountNo, debit, credit, text)."""

    date: dt.date
    voucher_type: str
    description: str
    lines: tuple[tuple[int, str, str, str], ...]


@dataclass(frozen=True)
class CompanyProfile:
    """One demo company: who it is, what it sells and how much data to make."""

    company_no: int
    name: str
    org_no: str
    street: str
    place: Place
    domain: str
    seed: int
    """Seed of the company's own random generator, so each company is reproducible alone."""
    home: str
    """Key of ``PLACES`` where most of its customers are."""
    customer_trades: tuple[str, ...]
    """What its Norwegian customers do (``Fjord Bygg AS``, ``Aker Regnskap AS``)."""
    customer_count: int
    """Generated Norwegian customers, besides ``foreign_customers``."""
    foreign_customers: tuple[Abroad, ...]
    suppliers: tuple[str, ...]
    """Names of Norwegian suppliers."""
    foreign_suppliers: tuple[Abroad, ...]
    employees: int
    warehouses: tuple[tuple[int, str, str, Place], ...]
    """(warehouseNo, name, street, place)."""
    projects: tuple[tuple[str, bool], ...]
    """(name, for a customer): a customer project is named after its customer."""
    products: tuple[ProductSpec, ...]
    orders: int
    customer_invoices: int
    supplier_invoices: tuple[tuple[str, int, int, str, str], ...]
    """(supplier name, accountNo, vatCode, line text, net amount)."""
    vouchers: tuple[VoucherSpec, ...]


def split_names(text: str) -> tuple[str, ...]:
    """``"a, b, c"`` as a tuple of names."""
    return tuple(name.strip() for name in text.split(","))


NAME_PREFIXES: tuple[str, ...] = (
    "Fjord", "Nordre", "Polar", "Viking", "Trolltind", "Fjellheim", "Havbris", "Solsiden",
    "Kyst", "Elvebakken", "Granli", "Bjerke", "Furulund", "Bjørkely", "Eikeland", "Lyngheim",
    "Steinbu", "Tindeland", "Sjøglimt", "Norrøn", "Holmen", "Isbre", "Brattås", "Midnattsol",
    "Solbakken", "Skogly", "Fyrlykta", "Ankeret", "Bølgen", "Kløverenga", "Lerka", "Nordvest",
)  # fmt: skip
"""First words of generated company names."""

OFFICE_SUPPLY = CompanyProfile(
    company_no=9999,
    name="Nordlys Demo AS",
    org_no="999999999",
    street="Storgata 12",
    place=Place("0155", "Oslo", "22"),
    domain="nordlysdemo.no",
    seed=9999,
    home="oslo",
    customer_trades=split_names(
        "Bygg, Regnskap, Elektro, Rørleggerservice, Eiendom, Tannklinikk, Advokatfirma, "
        "Transport, Maskin, Data, Reklamebyrå, Catering, Bakeri, Sport, Interiør, Arkitekter, "
        "Revisjon, Helsesenter, Hotell, Trykkeri, Consulting, Eventbyrå, Barnehage, Optikk, "
        "Bilverksted"
    ),
    customer_count=52,
    foreign_customers=parse_abroad(
        """
Svenska Kontorsvaror AB|Drottninggatan 45|111 21|Stockholm|SE|+46 8|556677-8899|SE556677889901|kontorsvaror.se
Göteborgs Byggtjänst AB|Södra Hamngatan 12|411 14|Göteborg|SE|+46 31|556123-4567|SE556123456701|gbgbygg.se
Aarhus Erhvervsservice A/S|Søndergade 20|8000|Aarhus C|DK|+45 86|31245678|DK31245678|aarhus-erhverv.dk
Nørrebro Kontorfællesskab ApS|Nørrebrogade 52|2200|København N|DK|+45 35|38765432|DK38765432|nkf.dk
Helsingin Toimistotarvike Oy|Mannerheimintie 14|00100|Helsinki|FI|+358 9|2345678-9|FI23456789|toimisto.fi
Hanseatische Bürotechnik GmbH|Mönckebergstraße 7|20095|Hamburg|DE|+49 40|HRB 12345|DE812345678|hanse.de
Thames Workspace Ltd|12 Clerkenwell Road|EC1M 5PA|London|GB|+44 20|09876543|GB123456789|thamesws.co.uk
Kantoorhuis Amsterdam B.V.|Keizersgracht 221|1016 DV|Amsterdam|NL|+31 20|34567890|NL123456789B01|kantoorhuis.nl
"""  # noqa: E501
    ),
    suppliers=split_names(
        "Oslo Papirlager AS, Grorud Emballasje AS, Alna IT-Distribusjon AS, Kontormøbelhuset AS, "
        "Vestby Logistikk AS, Nordkraft Energi AS, Fjordnett Telekom AS, Storgata Eiendom AS, "
        "Renhold Øst AS, Trykkeriet Lillestrøm AS, Kaffegrossisten Norge AS, "
        "Elektrogrossisten Sør AS, Ekspressfrakt Norge AS, Revisorgruppen Oslo DA, "
        "Kontorrekvisita Engros AS, Hygieneservice Norge AS, Skrivebord og Stol AS, "
        "Nettskyen Drift AS, Datatrygg Sikkerhet AS"
    ),
    foreign_suppliers=parse_abroad(
        """
Nordic Paper Supply AB|Hamngatan 3|652 24|Karlstad|SE|+46 54|556987-6543|SE556987654301|nordicpaper.se
Dansk Kontorforsyning A/S|Vestergade 31|5000|Odense C|DK|+45 66|29876543|DK29876543|kontorforsyning.dk
Bürobedarf Schmidt GmbH|Friedrichstraße 118|10117|Berlin|DE|+49 30|HRB 65432|DE298765432|bb-schmidt.de
Britannia Stationery Ltd|44 Deansgate|M3 2EG|Manchester|GB|+44 161|04567890|GB987654321|britannia.co.uk
Pacific Peripherals Inc.|350 Fifth Avenue|10118|New York, NY|US|+1 212|13-4567890||pacperipherals.com
"""  # noqa: E501
    ),
    employees=5,
    warehouses=(
        (1, "Hovedlager Alnabru", "Alfaset 3. Industrivei 10", Place("0668", "Oslo", "22")),
        (2, "Lager Bergen", "Kokstadflaten 5", Place("5257", "Kokstad", "55")),
    ),
    projects=(
        ("Kontorflytting", True),
        ("Rammeavtale kontorrekvisita", True),
        ("Oppgradering av møterom", False),
    ),
    products=parse_products(
        """
KP-A4-500|Kopipapir A4 80 g, 500 ark|pk|Papir|54.90|31.50|3|2.500
KP-A4-ESKE|Kopipapir A4 80 g, eske à 5 pakker|eske|Papir|259.00|152.00|3|12.500
KP-A3-500|Kopipapir A3 80 g, 500 ark|pk|Papir|119.00|68.00|3|5.000
NOTAT-A5|Notatbok A5, linjert, 96 ark|stk|Papir|49.00|21.00|3|0.300
LAPP-76-12|Selvklebende lapper 76x76 mm, 12 blokker|pk|Papir|129.00|58.00|3|0.600
KONV-C5-500|Konvolutt C5 med vindu, 500 stk|eske|Papir|349.00|172.00|3|4.200
ETIK-99X38|Adresseetiketter 99,1x38,1 mm, 100 ark|eske|Papir|399.00|205.00|3|1.400
PENN-BLA-10|Kulepenn blå, 10-pakning|pk|Skrivesaker|39.90|14.20|3|0.120
PENN-SORT-10|Kulepenn sort, 10-pakning|pk|Skrivesaker|39.90|14.20|3|0.120
MARK-WB-4|Whiteboardmarkør, 4 farger|pk|Skrivesaker|59.00|24.00|3|0.080
MARK-TEKST-6|Tekstmarkør, 6 farger|pk|Skrivesaker|49.00|19.50|3|0.090
PERM-A4-40|Ringperm A4, 2 ringer, 40 mm|stk|Arkiv|34.90|13.80|3|0.350
LOMME-A4-100|Plastlommer A4, 100 stk|pk|Arkiv|69.00|27.00|3|0.500
STIFT-MASK|Stiftemaskin 24/6, 30 ark|stk|Kontorutstyr|149.00|61.00|3|0.250
STIFT-5000|Stifter 24/6, 5000 stk|eske|Kontorutstyr|24.90|8.40|3|0.150
TAPE-19-8|Tape 19 mm x 33 m, 8 ruller|pk|Kontorutstyr|89.00|36.00|3|0.400
SAKS-21|Saks 21 cm, myke håndtak|stk|Kontorutstyr|79.00|29.00|3|0.100
LAMPE-LED|Skrivebordslampe LED, dimbar|stk|Kontorutstyr|499.00|215.00|3|1.200
TONER-59A|Toner sort, tilsvarer HP 59A|stk|Skriver|1290.00|690.00|3|0.900
BLEKK-SETT-4|Blekkpatroner, sett med 4 farger|sett|Skriver|449.00|228.00|3|0.200
MUS-TRADLOS|Trådløs mus, stillegående|stk|IT-tilbehør|249.00|112.00|3|0.100
TAST-NO-USB|Tastatur, norsk layout, USB|stk|IT-tilbehør|399.00|178.00|3|0.700
HODESETT-USB|Hodesett med mikrofon, USB|stk|IT-tilbehør|699.00|330.00|3|0.250
SKJERM-27-QHD|Skjerm 27" QHD, IPS, høydejusterbar|stk|IT-tilbehør|3490.00|2390.00|3|6.400
DOKK-USBC|Dokkingstasjon USB-C, 2 skjermer|stk|IT-tilbehør|1890.00|1120.00|3|0.500
KABEL-HDMI-2|HDMI-kabel 2 m|stk|IT-tilbehør|129.00|38.00|3|0.100
USB-64|Minnepinne USB 3.0, 64 GB|stk|IT-tilbehør|119.00|52.00|3|0.020
STOL-ERGO|Kontorstol, ergonomisk, med armlener|stk|Møbler|3990.00|2150.00|3|17.000
BORD-HEV-160|Hev/senk-skrivebord 160x80 cm|stk|Møbler|5990.00|3480.00|3|38.000
KAFFE-FILT-1|Kaffe, filtermalt, 1 kg|pose|Kantine|189.00|118.00|31|1.000
KAFFE-HELE-1|Kaffebønner espresso, 1 kg|pose|Kantine|249.00|156.00|31|1.000
TE-ASS-100|Te, assortert, 100 poser|eske|Kantine|129.00|71.00|31|0.250
SUKKER-BIT-1|Sukkerbiter, 1 kg|pk|Kantine|39.90|21.00|31|1.000
KOPP-PAPIR-50|Papirkopper 25 cl, 50 stk|pk|Kantine|49.00|19.00|3|0.400
TORK-20|Tørkepapir, 20 ruller|pk|Renhold|299.00|164.00|3|6.000
SAPE-5L|Håndsåpe, mild, 5 liter|kanne|Renhold|219.00|98.00|3|5.200
SERVICE-TIME|Montering og service, per time|time|Tjenester|950.00|0|3|
FRAKT|Frakt og emballasje|stk|Tjenester|149.00|0|3|
"""
    ),
    orders=40,
    customer_invoices=8,
    supplier_invoices=(
        ("Oslo Papirlager AS", 4000, 1, "Kopipapir A4, 40 esker", "6080.00"),
        ("Alna IT-Distribusjon AS", 4000, 1, "Skjermer og dokkingstasjoner", "35230.00"),
        ("Storgata Eiendom AS", 6300, 0, "Husleie november 2026", "42500.00"),
        ("Nordkraft Energi AS", 6340, 1, "Strøm oktober 2026", "3872.40"),
        ("Fjordnett Telekom AS", 6900, 1, "Mobil og bredbånd oktober 2026", "2436.00"),
        ("Kaffegrossisten Norge AS", 4000, 11, "Kaffe, 60 kg", "7080.00"),
        ("Nordic Paper Supply AB", 4000, 0, "Kopipapir A3, pall", "18450.00"),
    ),
    vouchers=(
        VoucherSpec(
            dt.date(2026, 1, 1),
            "general",
            "Åpningsbalanse 2026",
            (
                (1920, "850000.00", "0", "Bankinnskudd 1.1."),
                (1460, "420000.00", "0", "Varelager 1.1."),
                (2000, "0", "100000.00", "Aksjekapital"),
                (2050, "0", "1170000.00", "Annen egenkapital"),
            ),
        ),
        VoucherSpec(
            dt.date(2026, 10, 25),
            "general",
            "Lønn oktober 2026",
            (
                (5000, "185000.00", "0", "Brutto lønn"),
                (5400, "26085.00", "0", "Arbeidsgiveravgift 14,1 %"),
                (2600, "0", "55500.00", "Forskuddstrekk"),
                (2780, "0", "26085.00", "Skyldig arbeidsgiveravgift"),
                (1920, "0", "129500.00", "Utbetalt netto lønn"),
            ),
        ),
        VoucherSpec(
            dt.date(2026, 11, 1),
            "payment",
            "Bankgebyr oktober",
            ((7770, "249.00", "0", "Gebyrer"), (1920, "0", "249.00", "Belastet konto")),
        ),
    ),
)

COFFEE_ROASTERY = CompanyProfile(
    company_no=1000,
    name="Bryggen Kaffebrenneri AS",
    org_no="912345688",
    street="Bryggen 7",
    place=Place("5003", "Bergen", "55"),
    domain="bryggenkaffe.no",
    seed=1000,
    home="bergen",
    customer_trades=split_names(
        "Kafé, Hotell, Restaurant, Kantine, Bakeri, Kontorfellesskap, Delikatesse, Bistro, "
        "Konferansesenter, Kaffebar"
    ),
    customer_count=22,
    foreign_customers=parse_abroad(
        """
Nørrebro Kaffebar ApS|Jægersborggade 14|2200|København N|DK|+45 35|36547812|DK36547812|nkaffe.dk
Café Linné AB|Linnégatan 31|413 04|Göteborg|SE|+46 31|559012-3456|SE559012345601|cafelinne.se
"""
    ),
    suppliers=split_names(
        "Bergen Emballasje AS, Vestlandsmeieriet SA, Fana Energi AS, Bryggen Eiendom AS, "
        "Hordaland Frakt AS, Kaffeservice Vest AS, Sandsli Regnskap AS"
    ),
    foreign_suppliers=parse_abroad(
        """
Speicherstadt Rohkaffee GmbH|Am Sandtorkai 23|20457|Hamburg|DE|+49 40|HRB 98765|DE276543210|rohkaffee.de
Nordic Barista Equipment AB|Kungsgatan 12|411 19|Göteborg|SE|+46 31|556321-0987|SE556321098701|nbe.se
London Tea Merchants Ltd|8 Shad Thames|SE1 2YE|London|GB|+44 20|07654321|GB765432109|londontea.co.uk
"""  # noqa: E501
    ),
    employees=3,
    warehouses=(
        (1, "Brenneriet Bryggen", "Bryggen 7", Place("5003", "Bergen", "55")),
        (2, "Lager Sandsli", "Sandslimarka 31", Place("5254", "Sandsli", "55")),
    ),
    projects=(("Kaffeavtale", True), ("Ny brenner 2027", False)),
    products=parse_products(
        """
BK-ESP-1000|Espresso Bryggen, hele bønner, 1 kg|pose|Kaffe|329.00|168.00|31|1.000
BK-ESP-250|Espresso Bryggen, hele bønner, 250 g|pose|Kaffe|99.00|44.00|31|0.250
BK-FILT-1000|Filterkaffe Fløyen, 1 kg|pose|Kaffe|289.00|142.00|31|1.000
BK-FILT-250|Filterkaffe Fløyen, malt, 250 g|pose|Kaffe|89.00|38.00|31|0.250
BK-ETI-250|Etiopia Yirgacheffe, lysbrent, 250 g|pose|Kaffe|139.00|62.00|31|0.250
BK-KEN-250|Kenya AA, lysbrent, 250 g|pose|Kaffe|149.00|68.00|31|0.250
BK-COL-250|Colombia Huila, mellombrent, 250 g|pose|Kaffe|119.00|51.00|31|0.250
BK-BRA-1000|Brasil Santos, mørkbrent, 1 kg|pose|Kaffe|279.00|131.00|31|1.000
BK-GUA-250|Guatemala Antigua, mellombrent, 250 g|pose|Kaffe|129.00|57.00|31|0.250
BK-DEKAF-250|Koffeinfri Colombia, 250 g|pose|Kaffe|119.00|55.00|31|0.250
BK-KAPSEL-50|Kaffekapsler espresso, 50 stk|eske|Kaffe|229.00|104.00|31|0.300
BK-GAVE-3|Gaveeske med tre kaffesorter|eske|Kaffe|449.00|198.00|31|0.900
TE-EARL-100|Earl Grey, løs vekt, 100 g|pose|Te|89.00|34.00|31|0.100
TE-SENCHA-100|Grønn te Sencha, 100 g|pose|Te|99.00|41.00|31|0.100
TE-ROOIBOS-100|Rooibos, 100 g|pose|Te|79.00|29.00|31|0.100
KAKAO-1000|Sjokoladedrikk, pulver, 1 kg|pose|Tilbehør|159.00|72.00|31|1.000
SIRUP-VANILJE|Sirup vanilje, 70 cl|flaske|Tilbehør|129.00|58.00|31|0.950
SIRUP-KARAMELL|Sirup karamell, 70 cl|flaske|Tilbehør|129.00|58.00|31|0.950
HAVRE-BARISTA|Havredrikk barista, 1 liter|stk|Tilbehør|34.90|19.00|31|1.050
KVERN-ELEKTRISK|Kaffekvern, elektrisk, 40 trinn|stk|Utstyr|1990.00|1090.00|3|3.100
KVERN-MANUELL|Kaffekvern, manuell, keramisk kvern|stk|Utstyr|749.00|355.00|3|0.650
PRESSKANNE-8|Presskanne, 8 kopper|stk|Utstyr|399.00|171.00|3|0.900
V60-KERAMIKK|Filterholder V60, keramikk|stk|Utstyr|299.00|128.00|3|0.400
V60-FILTER-100|Filterpapir V60, 100 stk|pk|Utstyr|69.00|24.00|3|0.150
VEKT-TIMER|Kaffevekt med tidtaker|stk|Utstyr|449.00|196.00|3|0.500
KJELE-SVANEHALS|Vannkoker med svanehals, 1 liter|stk|Utstyr|899.00|430.00|3|1.200
ESPRESSO-1GR|Espressomaskin, 1 gruppe, for kafé|stk|Utstyr|24900.00|16200.00|3|38.000
MELKEKANNE-60|Melkekanne 60 cl, rustfritt stål|stk|Utstyr|249.00|98.00|3|0.300
TAMPER-58|Tamper 58 mm|stk|Utstyr|349.00|140.00|3|0.450
KOPP-TA-100|Takeaway-kopp 35 cl, 100 stk|pk|Emballasje|249.00|118.00|3|1.300
LOKK-TA-100|Lokk til takeaway-kopp, 100 stk|pk|Emballasje|129.00|55.00|3|0.500
KURS-BARISTA|Baristakurs, per deltaker|stk|Tjenester|1490.00|0|3|
SERVICE-ESPRESSO|Service på espressomaskin|stk|Tjenester|1250.00|0|3|
FRAKT|Frakt|stk|Tjenester|129.00|0|3|
"""
    ),
    orders=16,
    customer_invoices=5,
    supplier_invoices=(
        ("Speicherstadt Rohkaffee GmbH", 4000, 0, "Råkaffe, 12 sekker à 60 kg", "96480.00"),
        ("Bryggen Eiendom AS", 6300, 0, "Husleie november 2026", "18000.00"),
        ("Fana Energi AS", 6340, 1, "Strøm oktober 2026", "5264.80"),
        ("Bergen Emballasje AS", 4000, 1, "Poser med ventil, 5000 stk", "8950.00"),
    ),
    vouchers=(
        VoucherSpec(
            dt.date(2026, 1, 1),
            "general",
            "Åpningsbalanse 2026",
            (
                (1920, "240000.00", "0", "Bankinnskudd 1.1."),
                (1460, "85000.00", "0", "Varelager 1.1."),
                (1200, "310000.00", "0", "Kaffebrenner og maskiner"),
                (2000, "0", "30000.00", "Aksjekapital"),
                (2050, "0", "605000.00", "Annen egenkapital"),
            ),
        ),
        VoucherSpec(
            dt.date(2026, 11, 2),
            "payment",
            "Bankgebyr oktober",
            ((7770, "189.00", "0", "Gebyrer"), (1920, "0", "189.00", "Belastet konto")),
        ),
    ),
)

CATALOG_PRODUCTS: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    ("KP-A4-500", "Kopipapir A4 80 g, 500 ark", "pk", "Papir", "Nordisk Papir", "54.90", "2.500"),
    ("KP-A3-500", "Kopipapir A3 80 g, 500 ark", "pk", "Papir", "Nordisk Papir", "119.00", "5.0"),
    ("PENN-BLA-10", "Kulepenn blå, 10-pakning", "pk", "Skrivesaker", "Skrivo", "39.90", "0.12"),
    ("TONER-59A", "Toner sort, tilsvarer HP 59A", "stk", "Skriver", "Printex", "1290.00", "0.9"),
    ("MUS-TRADLOS", "Trådløs mus", "stk", "IT-tilbehør", "Nordtek", "249.00", "0.100"),
    ("STOL-ERGO", "Kontorstol, ergonomisk", "stk", "Møbler", "Sittbra", "3990.00", "17.000"),
    ("KAFFE-FILT-1", "Kaffe, filtermalt, 1 kg", "pose", "Kantine", "Fjellbrent", "189.00", "1.0"),
    ("KOPP-TA-100", "Takeaway-kopp 35 cl, 100 stk", "pk", "Emballasje", "Pakkeri", "249.00", "1.3"),
)  # fmt: skip
"""(productNo, description, unit, productGroup, manufacturer, listPrice, weightKg)."""
