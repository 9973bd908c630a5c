"""Customer accounts with their premises and contacts, written in bulk batches.

The bulk path skips the audit events that dispatch.customers.services records for every change: generated
demo data has no one who changed it, and per-row services (validation, area lookup, an audit row) would make a
100,000-customer benchmark data set take many minutes instead of seconds. Premises are placed in their area
by construction, which the tests check against dispatch.org.selectors.area_containing.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate

from dispatch.customers.models import Contact, CustomerAccount, CustomerClass, GasType, Premises

from . import names
from .city import PlacedArea

BATCH_SIZE = 2000
HOUSEHOLDS_PER_ESTATE = 60
HIGHEST_HOUSE_NUMBER = 999
# Flats of one building share its coordinates; buildings lie within about 100 m of the estate's centre.
BUILDING_SPREAD = 0.001

CLASSES = (CustomerClass.RESIDENTIAL, CustomerClass.COMMERCIAL, CustomerClass.WELFARE, CustomerClass.INDUSTRIAL)
CLASS_CUM_WEIGHTS = tuple(accumulate((90, 6, 2.5, 1.5)))
LPG_SHARE = 0.05
VULNERABLE_SHARE = 0.05
CONTACT_SHARE = 0.3
SECOND_PREMISES_SHARE = 0.04
SECOND_PHONE_SHARE = 0.1
ACCESS_NOTE_SHARE = 0.1

VULNERABILITIES = (
    ("is_pensioner_alone", "独居老人，上门前请先电话联系家属"),
    ("has_young_children", "家有婴幼儿，停气须提前告知"),
    ("is_medically_dependent", "家中有病人需持续用气，停气前须报主任审批"),
    ("has_disability", "行动不便，敲门后请耐心等候"),
)
ACCESS_NOTES = (
    "小区门禁，需提前联系物业开门", "家中有狗，请先敲门等候", "白天家中无人，请傍晚上门",
    "表具在楼道管井内，钥匙在物业", "老人耳背，请多敲几次门",
)
FAMILY_RELATIONS = ("配偶", "子女", "父母", "租户", "亲属")
BUSINESS_RELATIONS = ("负责人", "店长", "后勤主管")


@dataclass(frozen=True)
class Estate:
    """小区: a street address with a few residential buildings."""

    street: str
    number: int
    buildings: tuple[tuple[float, float], ...]
    units: int
    floors: int


class CustomerMaker:
    """Draws customers one after another from one random stream; the same stream gives the same customers."""

    def __init__(self, rng: random.Random, areas: list[PlacedArea], count: int) -> None:
        self.rng = rng
        self.areas = areas
        # An office's customers are spread evenly over its areas.
        shares = [placed.district.customer_share / sum(p.district is placed.district for p in areas)
                  for placed in areas]
        self.area_cum_weights = list(accumulate(shares))
        self.used_numbers: set[tuple[str, int]] = set()
        self.used_addresses: set[str] = set()
        self.estates = [self._estates(placed, max(3, round(count * share / HOUSEHOLDS_PER_ESTATE)))
                        for placed, share in zip(areas, shares, strict=True)]
        self.premises_count = 0

    def _street_number(self, placed: PlacedArea) -> tuple[str, int]:
        while True:
            key = (self.rng.choice(placed.streets), self.rng.randint(1, HIGHEST_HOUSE_NUMBER))
            if key not in self.used_numbers:
                self.used_numbers.add(key)
                return key

    def _estates(self, placed: PlacedArea, count: int) -> list[Estate]:
        rng = self.rng
        # Each estate takes a street number of its own. Past half the numbers of the area's streets, very large
        # data sets make the estates denser rather than hunt long for (or run out of) free numbers.
        count = min(count, len(placed.streets) * HIGHEST_HOUSE_NUMBER // 2)
        estates = []
        for _ in range(count):
            street, number = self._street_number(placed)
            lat, lng = placed.box.random_point(rng)
            buildings = tuple(
                placed.box.clamp(lat + rng.uniform(-BUILDING_SPREAD, BUILDING_SPREAD),
                                 lng + rng.uniform(-BUILDING_SPREAD, BUILDING_SPREAD))
                for _ in range(rng.randint(4, 30)))
            estates.append(Estate(street, number, buildings, units=rng.randint(1, 4), floors=rng.randint(6, 33)))
        return estates

    def _home(self) -> tuple[PlacedArea, str, tuple[float, float]]:
        """A flat nobody else has, as (area, address, coordinates)."""
        rng = self.rng
        while True:
            index = rng.choices(range(len(self.areas)), cum_weights=self.area_cum_weights)[0]
            placed, estate = self.areas[index], rng.choice(self.estates[index])
            building = rng.randrange(len(estate.buildings))
            flat = f"{rng.randint(1, estate.floors)}{rng.randint(1, 4):02d}"
            address = (f"{placed.district.name}{estate.street} {estate.number} 号 {building + 1} 栋 "
                       f"{rng.randint(1, estate.units)} 单元 {flat}")
            if address not in self.used_addresses:
                self.used_addresses.add(address)
                return placed, address, estate.buildings[building]

    def _business_site(self, customer_class: str) -> tuple[PlacedArea, str, tuple[float, float]]:
        """A shop, works or school; businesses may share an address, as tenants of one building do."""
        rng = self.rng
        index = rng.choices(range(len(self.areas)), cum_weights=self.area_cum_weights)[0]
        placed = self.areas[index]
        address = f"{placed.district.name}{rng.choice(placed.streets)} {rng.randint(1, HIGHEST_HOUSE_NUMBER)} 号"
        if customer_class == CustomerClass.COMMERCIAL:
            address += f" {rng.randint(1, 30)} 号铺"
        return placed, address, placed.box.random_point(rng)

    def _premises(self, account: CustomerAccount) -> Premises:
        rng = self.rng
        access_notes = ""
        if account.customer_class == CustomerClass.RESIDENTIAL:
            placed, address, (lat, lng) = self._home()
            if rng.random() < ACCESS_NOTE_SHARE:
                access_notes = rng.choice(ACCESS_NOTES)
        else:
            placed, address, (lat, lng) = self._business_site(account.customer_class)
        self.premises_count += 1
        return Premises(
            premises_no=f"{7_100_000_000 + self.premises_count}", account=account, address=address,
            district=placed.district.name, gas_type=GasType.LPG if rng.random() < LPG_SHARE else GasType.NATURAL_GAS,
            lat=lat, lng=lng, geocode_status=Premises.GeocodeStatus.MANUAL, area=placed.area,
            access_notes=access_notes)

    def _name(self, customer_class: str, district: str) -> str:
        if customer_class == CustomerClass.RESIDENTIAL:
            return names.person_name(self.rng)
        if customer_class == CustomerClass.COMMERCIAL:
            return names.eatery_name(self.rng)
        if customer_class == CustomerClass.INDUSTRIAL:
            return names.company_name(self.rng)
        return names.welfare_name(self.rng, district)

    def customer(self, number: int) -> tuple[CustomerAccount, list[Premises], list[Contact]]:
        rng = self.rng
        customer_class = rng.choices(CLASSES, cum_weights=CLASS_CUM_WEIGHTS)[0]
        account = CustomerAccount(account_no=f"{5_100_000_000 + number}", customer_class=customer_class)
        premises = [self._premises(account)]
        if rng.random() < SECOND_PREMISES_SHARE:
            premises.append(self._premises(account))
        # Named after its premises, so that a school is called after the district it stands in.
        account.name = self._name(customer_class, premises[0].district)
        account.phone = names.mobile(rng)
        account.phone_alt = names.mobile(rng) if rng.random() < SECOND_PHONE_SHARE else ""
        if customer_class == CustomerClass.RESIDENTIAL and rng.random() < VULNERABLE_SHARE:
            flag, note = rng.choice(VULNERABILITIES)
            setattr(account, flag, True)
            account.vulnerability_notes = note
        contacts = []
        if rng.random() < CONTACT_SHARE:
            residential = customer_class == CustomerClass.RESIDENTIAL
            contacts.append(Contact(
                account=account, name=names.person_name(rng), phone=names.mobile(rng),
                relation=rng.choice(FAMILY_RELATIONS if residential else BUSINESS_RELATIONS),
                # A business is reached through its manager; a household through the account holder.
                is_primary=not residential))
        return account, premises, contacts


Batch = tuple[list[CustomerAccount], list[Premises], list[Contact]]


def _batches(maker: CustomerMaker, count: int) -> Iterator[Batch]:
    for start in range(0, count, BATCH_SIZE):
        accounts: list[CustomerAccount] = []
        premises: list[Premises] = []
        contacts: list[Contact] = []
        for number in range(start + 1, min(start + BATCH_SIZE, count) + 1):
            account, its_premises, its_contacts = maker.customer(number)
            accounts.append(account)
            premises.extend(its_premises)
            contacts.extend(its_contacts)
        yield accounts, premises, contacts


def create_customers(rng: random.Random, areas: list[PlacedArea], count: int) -> list[int]:
    """`count` customer accounts with their premises and contacts; returns the premises ids.

    Batches keep memory flat however large `count` is; the accounts of a batch get their ids from the
    INSERT (SQLite and PostgreSQL return them), which the premises and contacts then point to.
    """
    maker = CustomerMaker(rng, areas, count)
    premises_ids: list[int] = []
    for accounts, premises, contacts in _batches(maker, count):
        CustomerAccount.objects.bulk_create(accounts)
        premises_ids.extend(row.pk for row in Premises.objects.bulk_create(premises))
        Contact.objects.bulk_create(contacts)
    return premises_ids
