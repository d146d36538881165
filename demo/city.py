"""A deterministic synthetic city: 武汉市 with two districts, its party organisations and accounts.

`build_demo_city()` fills an empty database with a small but complete city (places down to
households, residents, party organisations and members, units with their cadres) and one demo
account per role. The same seed, scale and day always give the same people, names and numbers:
every random choice comes from one seeded `random.Random` and one seeded Faker, consumed in a
fixed order, and nothing depends on database ids.

All rows are written with `bulk_create` in batches. Materialised paths need ids, so each tree is
written level by level (a level's parents already have their pks), its paths are computed in
memory from the returned pks, and written back with one `bulk_update` per tree; this works the
same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import datetime
import random
import time
import unicodedata
from typing import Protocol

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone, translation
from faker import Faker

from accounts.models import Grant, User
from core.roles import Role
from core.validators import id_check_digit
from party.models import MemberStatus, PartyMember, PartyOrg, PartyOrgKind, Unit, UnitKind
from people.models import Person, Relation, Resident, ResidentStatus, Sex
from places.models import Household, Place, PlaceKind
from places.services import child_path, path_depth

BATCH = 1000
SCOPE_SEPARATOR = " · "

# --------------------------------------------------------------------------------------------
# The shape of the city (names are real-looking; counts below the community level are drawn)
# --------------------------------------------------------------------------------------------

CITY_NAME, CITY_CODE = "武汉市", "4201"
# district name, code (the region prefix of its residents' ID numbers), streets with communities
DISTRICTS: tuple[tuple[str, str, tuple[tuple[str, tuple[str, ...]], ...]], ...] = (
    (
        "江汉区",
        "420103",
        (
            ("民意街道", ("新华社区", "北湖社区", "红旗社区")),
            ("民族街道", ("前进社区", "友谊社区", "大兴路社区")),
            ("花楼街道", ("水塔社区", "交通路社区")),
        ),
    ),
    (
        "武昌区",
        "420106",
        (
            ("积玉桥街道", ("临江社区", "和平社区", "紫阳社区")),
            ("中华路街道", ("首义社区", "昙华林社区")),
        ),
    ),
)
GRIDS_PER_COMMUNITY = (4, 6)
BUILDINGS_PER_GRID = (3, 5)
HOUSEHOLDS_PER_BUILDING = (12, 26)  # at scale 1.0
FLOORS_PER_BUILDING = (6, 18)
DOORS_PER_FLOOR = 2

# Other Wuhan districts: where unit cadres who do not live in the demo districts are registered.
OTHER_WUHAN_REGIONS = ("420102", "420104", "420105", "420107", "420111", "420103", "420106")
# 南京市 districts: the incoming medical team's members.
MEDICAL_TEAM_REGIONS = ("320102", "320104", "320105", "320106")
MOBILE_PREFIXES = (
    *("130", "131", "132", "133", "135", "136", "137", "138", "139"),
    *("150", "151", "152", "155", "156", "157", "158", "159"),
    *("176", "177", "178", "180", "181", "182", "183", "185", "186", "187", "188", "189"),
    *("191", "198", "199"),
)

# name, kind, registered at ("" = the city, else a district name), number of branches
UNITS: tuple[tuple[str, str, str, int], ...] = (
    ("市发改委", UnitKind.ORGAN, "", 2),
    ("市税务局", UnitKind.ORGAN, "", 2),
    ("市教育局", UnitKind.ORGAN, "", 1),
    ("武汉江城建设集团", UnitKind.ENTERPRISE, "", 2),
    ("江汉区人社局", UnitKind.ORGAN, "江汉区", 1),
    ("武昌区实验中学", UnitKind.INSTITUTION, "武昌区", 1),
)
MEDICAL_TEAM = ("江苏省援汉医疗队临时党支部", "武昌区")
MEDICAL_TEAM_NOTE = (
    "江苏省第三批援汉医疗队，2020年2月抵汉，支援武昌区方舱医院，队员组织关系仍在原单位"
)

# Household compositions and their weights (see _household_members).
HOUSEHOLD_KINDS: tuple[tuple[str, int], ...] = (
    ("elderly_alone", 10),
    ("single", 8),
    ("elderly_couple", 14),
    ("couple", 10),
    ("nuclear", 30),
    ("three_generations", 16),
    ("grandparents", 6),
    ("single_parent", 6),
)

# --------------------------------------------------------------------------------------------
# Demo accounts: every role, most of them in the first district / street / community / grid 3
# --------------------------------------------------------------------------------------------

DEMO_USERNAMES: tuple[str, ...] = (
    "city_admin",
    "district_admin",
    "district_admin2",
    "street_admin",
    "street_admin2",
    "community_admin",
    "community_admin2",
    "grid_worker",
    "grid_worker2",
    "building_head",
    "health_worker",
    "cadre",
    "volunteer",
    "property_staff",
    "community_police",
    "unit_admin",
    "resident",
)
DEMO_GRID = "第3网格"  # the grid of grid_worker, building_head and resident

# Used when the translation catalogue has no Chinese label for a role (yet).
ROLE_LABELS_ZH: dict[str, str] = {
    Role.CITY_ADMIN: "市级管理员",
    Role.DISTRICT_ADMIN: "区级管理员",
    Role.STREET_ADMIN: "街道管理员",
    Role.COMMUNITY_ADMIN: "社区书记/主任",
    Role.GRID_WORKER: "网格员",
    Role.BUILDING_HEAD: "楼栋长",
    Role.HEALTH_WORKER: "社区卫生服务中心",
    Role.CADRE: "下沉党员干部",
    Role.VOLUNTEER: "志愿者",
    Role.PROPERTY_STAFF: "物业",
    Role.COMMUNITY_POLICE: "社区民警",
    Role.UNIT_ADMIN: "单位党组织管理员",
    Role.RESIDENT: "居民",
}


class Writer(Protocol):
    def write(self, msg: str, /) -> object: ...


@dataclasses.dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    scope: str
    display_name: str = ""


@dataclasses.dataclass
class DemoCity:
    places: dict[str, int]
    households: int
    residents: int
    persons: int
    party_orgs: int
    party_members: int
    units: int
    accounts: list[DemoAccount]
    seconds: float = 0.0

    def summary(self) -> str:
        places = _place_counts(self.places)
        return (
            f"{places}; {self.households} households, {self.residents} residents, "
            f"{self.persons} persons; {self.units} units, {self.party_orgs} party "
            f"organisations, {self.party_members} party members; {len(self.accounts)} "
            f"demo accounts ({self.seconds:.1f} s)"
        )


# --------------------------------------------------------------------------------------------
# In-memory records of what is being built
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass
class _Community:
    place: Place
    street: Place
    district: Place
    region: str  # the district code
    grids: list[_Grid] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class _Grid:
    place: Place
    community: _Community
    buildings: list[_Building] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class _Building:
    place: Place
    grid: _Grid
    households: list[_Household] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class _Household:
    household: Household
    building: _Building
    residents: list[_Resident] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class _Resident:
    person: Person
    household: _Household
    relation: str
    age: int
    status: str = ResidentStatus.PRESENT
    status_since: datetime.date | None = None


@dataclasses.dataclass
class _MemberSpec:
    person: Person
    org: PartyOrg
    joined_on: datetime.date
    status: str
    unit: Unit | None = None
    is_cadre: bool = False


PLURALS = {"city": "cities", "community": "communities"}


def _place_counts(counts: dict[str, int]) -> str:
    return ", ".join(
        f"{n} {kind if n == 1 else PLURALS.get(kind, kind + 's')}" for kind, n in counts.items()
    )


def _years_later(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class _Builder:
    def __init__(self, *, scale: float, seed: int, today: datetime.date, out: Writer | None):
        self.scale = scale
        self.rng = random.Random(seed)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        self.today = today
        self.out = out
        self.used_ids: set[str] = set()
        self.used_phones: set[str] = set()
        self.started = time.monotonic()

    def say(self, msg: str) -> None:
        if self.out is not None:
            self.out.write(f"[{time.monotonic() - self.started:5.1f}s] {msg}\n")

    # ---- identities ----------------------------------------------------------------------

    def given_name(self, sex: str) -> str:
        return self.fake.first_name_male() if sex == Sex.MALE else self.fake.first_name_female()

    def birth_date(self, age: int) -> datetime.date:
        # `age` full years today: born between age+1 years and age years (and 30 days) ago.
        latest = _years_later(self.today, -age) - datetime.timedelta(days=30)
        return latest - datetime.timedelta(days=self.rng.randint(0, 330))

    def id_number(self, region: str, birth: datetime.date, sex: str) -> str:
        # GB 11643: region(6) birth(8) sequence(3, odd for men) check(1, ISO 7064 MOD 11-2)
        while True:
            sequence = self.rng.randrange(500) * 2 + (1 if sex == Sex.MALE else 0)
            first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
            number = first17 + id_check_digit(first17)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def mobile(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.used_phones:
                self.used_phones.add(number)
                return number

    def phone_for(self, age: int) -> str:
        if age < 12:
            return ""
        if age >= 70 and self.rng.random() < 0.35:
            while True:  # some elderly have only the landline at home
                number = f"027-8{self.rng.randrange(10**7):07d}"
                if number not in self.used_phones:
                    self.used_phones.add(number)
                    return number
        return self.mobile()

    def person(self, *, name: str, sex: str, age: int, region: str) -> Person:
        birth = self.birth_date(age)
        return Person(
            name=name,
            sex=sex,
            birth_date=birth,
            id_number=self.id_number(region, birth, sex),
            phone=self.phone_for(age),
        )

    def adult_person(self, region: str, age_range: tuple[int, int]) -> Person:
        sex = Sex.MALE if self.rng.random() < 0.55 else Sex.FEMALE
        name = self.fake.last_name() + self.given_name(sex)
        person = self.person(name=name, sex=sex, age=self.rng.randint(*age_range), region=region)
        if not person.phone:
            person.phone = self.mobile()
        return person

    # ---- places ----------------------------------------------------------------------------

    def build_places(self) -> list[_Community]:
        rng = self.rng
        self.city = Place(kind=PlaceKind.CITY, name=CITY_NAME, code=CITY_CODE)
        levels: list[list[Place]] = [[self.city], [], [], [], [], []]
        communities: list[_Community] = []
        self.districts: list[Place] = []
        self.streets: list[list[Place]] = []
        for district_name, district_code, streets in DISTRICTS:
            district = Place(
                kind=PlaceKind.DISTRICT, name=district_name, code=district_code, parent=self.city
            )
            levels[1].append(district)
            self.districts.append(district)
            self.streets.append([])
            for s, (street_name, community_names) in enumerate(streets, start=1):
                street_code = f"{district_code}{s:03d}"
                street = Place(
                    kind=PlaceKind.STREET, name=street_name, code=street_code, parent=district
                )
                levels[2].append(street)
                self.streets[-1].append(street)
                for c, community_name in enumerate(community_names, start=1):
                    place = Place(
                        kind=PlaceKind.COMMUNITY,
                        name=community_name,
                        code=f"{street_code}{c:03d}",
                        parent=street,
                    )
                    levels[3].append(place)
                    community = _Community(place, street, district, district_code)
                    communities.append(community)
                    number = 0  # buildings are numbered across the whole community
                    for g in range(1, rng.randint(*GRIDS_PER_COMMUNITY) + 1):
                        grid = _Grid(
                            Place(kind=PlaceKind.GRID, name=f"第{g}网格", parent=place), community
                        )
                        levels[4].append(grid.place)
                        community.grids.append(grid)
                        for _b in range(rng.randint(*BUILDINGS_PER_GRID)):
                            number += 1
                            building = Place(
                                kind=PlaceKind.BUILDING, name=f"{number}栋", parent=grid.place
                            )
                            levels[5].append(building)
                            grid.buildings.append(_Building(building, grid))
        for level in levels:
            _save_tree_level(Place, level)
        places = [p for level in levels for p in level]
        Place.objects.bulk_update(places, ["path", "depth"], batch_size=BATCH)
        self.place_counts = {PlaceKind(level[0].kind).value: len(level) for level in levels}
        self.say(f"places: {_place_counts(self.place_counts)}")
        return communities

    # ---- households and residents ------------------------------------------------------------

    def household_members(self, kind: str) -> list[tuple[str, str, int, str]]:
        """(relation, sex, age, name) of each member of a household of `kind`, head first."""
        rng = self.rng
        male, female = Sex.MALE, Sex.FEMALE
        surname = self.fake.last_name()
        members: list[tuple[str, str, int, str]] = []

        def add(relation: str, sex: str, age: int, family_name: str | None = None) -> str:
            family = family_name if family_name is not None else self.fake.last_name()
            members.append((relation, sex, max(0, min(age, 98)), family + self.given_name(sex)))
            return family

        def head_and_spouse(low: int, high: int, male_share: float = 0.75) -> tuple[int, str]:
            age = rng.randint(low, high)
            sex = male if rng.random() < male_share else female
            add(Relation.HEAD, sex, age, surname)
            spouse_sex = female if sex == male else male
            spouse_family = add(Relation.SPOUSE, spouse_sex, max(low - 2, age + rng.randint(-4, 4)))
            # children take the father's surname
            return age, surname if sex == male else spouse_family

        def children(head_age: int, family: str, count: int, relation: str = Relation.CHILD):
            for _ in range(count):
                low = max(0, head_age - 40)
                add(relation, rng.choice((male, female)), rng.randint(low, head_age - 22), family)

        if kind == "elderly_alone":
            add(
                Relation.HEAD, male if rng.random() < 0.35 else female, rng.randint(65, 92), surname
            )
        elif kind == "single":
            add(Relation.HEAD, rng.choice((male, female)), rng.randint(22, 60), surname)
        elif kind == "elderly_couple":
            head_and_spouse(60, 86)
        elif kind == "couple":
            head_and_spouse(24, 55)
        elif kind == "nuclear":
            age, family = head_and_spouse(28, 52)
            children(age, family, 1 if rng.random() < 0.6 else 2)
        elif kind == "three_generations":
            age, family = head_and_spouse(32, 50)
            count = 1 if rng.random() < 0.7 else 2
            children(age, family, count)
            both = count == 1 and rng.random() < 0.6  # at most five in a household
            parents = [male, female] if both else [rng.choice((male, female))]
            for sex in parents:
                add(
                    Relation.PARENT,
                    sex,
                    age + rng.randint(22, 34),
                    surname if sex == male else None,
                )
        elif kind == "grandparents":
            _age, family = head_and_spouse(55, 72)
            add(Relation.GRANDCHILD, rng.choice((male, female)), rng.randint(2, 15), family)
        else:  # single parent
            age = rng.randint(30, 50)
            add(Relation.HEAD, female if rng.random() < 0.7 else male, age, surname)
            children(age, surname, 1)
        return members

    def build_households(self, communities: list[_Community]) -> None:
        rng = self.rng
        kinds = [k for k, _w in HOUSEHOLD_KINDS]
        weights = [w for _k, w in HOUSEHOLD_KINDS]
        demo_grid = next(g for g in communities[0].grids if g.place.name == DEMO_GRID)
        self.demo_building = demo_grid.buildings[0]
        households: list[_Household] = []
        for community in communities:
            for grid in community.grids:
                for building in grid.buildings:
                    floors = rng.randint(*FLOORS_PER_BUILDING)
                    per_unit = floors * DOORS_PER_FLOOR
                    count = max(1, round(rng.randint(*HOUSEHOLDS_PER_BUILDING) * self.scale))
                    for i in range(count):
                        unit_no, rest = divmod(i, per_unit)
                        floor, door = divmod(rest, DOORS_PER_FLOOR)
                        household = Household(
                            building=building.place,
                            city=self.city,
                            district=community.district,
                            street=community.street,
                            community=community.place,
                            grid=grid.place,
                            room=f"{unit_no + 1}单元{floor + 1}{door + 1:02d}",
                        )
                        record = _Household(household, building)
                        building.households.append(record)
                        households.append(record)
                        # The resident account's family: three generations, all at home.
                        demo = building is self.demo_building and i == 0
                        kind = "three_generations" if demo else rng.choices(kinds, weights)[0]
                        for relation, sex, age, name in self.household_members(kind):
                            person = self.person(
                                name=name, sex=sex, age=age, region=community.region
                            )
                            resident = _Resident(person, record, relation, age)
                            if not demo:
                                self.set_status(resident)
                            record.residents.append(resident)
                        head = record.residents[0].person
                        if not head.phone:
                            head.phone = self.mobile()
                        household.phone = head.phone
        self.households = households
        self.demo_household = self.demo_building.households[0]

        Household.objects.bulk_create([h.household for h in households], batch_size=BATCH)
        residents = [r for h in households for r in h.residents]
        Person.objects.bulk_create(_searchable([r.person for r in residents]), batch_size=BATCH)
        rows = []
        for r in residents:
            h = r.household.household
            rows.append(
                Resident(
                    person_id=r.person.pk,
                    household_id=h.pk,
                    city_id=h.city_id,
                    district_id=h.district_id,
                    street_id=h.street_id,
                    community_id=h.community_id,
                    grid_id=h.grid_id,
                    building_id=h.building_id,
                    relation=r.relation,
                    status=r.status,
                    status_since=r.status_since,
                )
            )
        Resident.objects.bulk_create(rows, batch_size=BATCH)
        self.residents = residents
        self.say(f"households: {len(households)}, residents: {len(residents)}")

    def set_status(self, resident: _Resident) -> None:
        draw = self.rng.random()
        if resident.age >= 75 and draw < 0.01:
            resident.status = ResidentStatus.DECEASED
        elif draw < 0.03:
            resident.status = ResidentStatus.AWAY  # went home for the Spring Festival
        elif draw < 0.04:
            resident.status = ResidentStatus.MOVED_OUT
        else:
            return
        resident.status_since = self.today - datetime.timedelta(days=self.rng.randint(3, 90))

    # ---- party organisations, units, members ---------------------------------------------

    def joined_on(self, person: Person, age: int) -> tuple[datetime.date, str]:
        assert person.birth_date is not None
        if age >= 19 and self.rng.random() < 0.04:
            days = self.rng.randint(30, 330)
            return self.today - datetime.timedelta(days=days), MemberStatus.PROBATIONARY
        joined = _years_later(person.birth_date, self.rng.randint(18, max(18, min(age - 1, 45))))
        joined += datetime.timedelta(days=self.rng.randint(0, 300))
        latest = self.today - datetime.timedelta(days=400)
        return min(joined, latest), MemberStatus.FULL

    def build_party(self, communities: list[_Community]) -> None:
        rng = self.rng
        members: list[_MemberSpec] = []
        orgs: list[list[PartyOrg]] = [[] for _ in range(7)]

        def org(level: int, **fields: object) -> PartyOrg:
            node = PartyOrg(**fields)
            orgs[level].append(node)
            return node

        city_org = org(0, name="中共武汉市委", kind=PartyOrgKind.COMMITTEE, place=self.city)
        district_orgs: dict[str, PartyOrg] = {}
        street_orgs: dict[int, PartyOrg] = {}
        for district, streets in zip(self.districts, self.streets, strict=True):
            district_orgs[district.name] = org(
                1,
                name=f"中共{district.name}委",
                kind=PartyOrgKind.COMMITTEE,
                place=district,
                parent=city_org,
            )
            for street in streets:
                street_orgs[id(street)] = org(
                    2,
                    name=f"中共{street.name}工作委员会",
                    kind=PartyOrgKind.COMMITTEE,
                    place=street,
                    parent=district_orgs[district.name],
                )

        # Which adults are party members (about 6.5%): chosen before the community
        # organisations, whose kind depends on the number of members.
        chosen: dict[int, list[_Resident]] = {}
        for community in communities:
            chosen[id(community)] = []
        for resident in self.residents:
            if resident.age < 18 or resident.status not in (
                ResidentStatus.PRESENT,
                ResidentStatus.AWAY,
            ):
                continue
            share = 0.05 if resident.age < 35 else 0.065 if resident.age < 60 else 0.09
            if rng.random() < share:
                community = resident.household.building.grid.community
                chosen[id(community)].append(resident)

        member_households: list[tuple[_Resident, PartyOrg]] = []
        for community in communities:
            picked = chosen[id(community)]
            big = len(picked) >= 50
            community_org = org(
                3,
                name=f"中共{community.place.name}{'委员会' if big else '总支部委员会'}",
                kind=PartyOrgKind.COMMITTEE if big else PartyOrgKind.GENERAL_BRANCH,
                place=community.place,
                parent=street_orgs[id(community.street)],
            )
            grid_orgs: dict[int, PartyOrg] = {}
            building_orgs: dict[int, PartyOrg] = {}
            for grid in community.grids:
                grid_org = org(
                    4,
                    name=f"{community.place.name}{grid.place.name}党支部",
                    kind=PartyOrgKind.GRID_BRANCH,
                    place=grid.place,
                    parent=community_org,
                )
                grid_orgs[id(grid)] = grid_org
            in_building: dict[int, int] = {}
            for resident in picked:
                key = id(resident.household.building)
                in_building[key] = in_building.get(key, 0) + 1
            for grid in community.grids:
                for building in grid.buildings:
                    demo = building is self.demo_building
                    if demo or (in_building.get(id(building), 0) >= 2 and rng.random() < 0.5):
                        building_orgs[id(building)] = org(
                            5,
                            name=f"{community.place.name}{building.place.name}党小组",
                            kind=PartyOrgKind.BUILDING_GROUP,
                            place=building.place,
                            parent=grid_orgs[id(grid)],
                        )
            seen_households: set[int] = set()
            for resident in picked:
                grid_org = grid_orgs[id(resident.household.building.grid)]
                retired = resident.age >= 65 and rng.random() < 0.5
                joined, status = self.joined_on(resident.person, resident.age)
                members.append(
                    _MemberSpec(
                        resident.person, community_org if retired else grid_org, joined, status
                    )
                )
                household = resident.household
                if id(household) not in seen_households and rng.random() < 0.25:
                    seen_households.add(id(household))
                    parent = building_orgs.get(id(household.building), grid_org)
                    member_households.append((resident, parent))
        for resident, parent in member_households:
            org(
                6,
                name=f"{resident.person.name}党员中心户",
                kind=PartyOrgKind.MEMBER_HOUSEHOLD,
                household=resident.household.household,
                parent=parent,
            )

        # The incoming medical team's temporary party organisation.
        team_name, team_district = MEDICAL_TEAM
        team_place = next(d for d in self.districts if d.name == team_district)
        team_org = org(
            2,
            name=team_name,
            kind=PartyOrgKind.TEMPORARY,
            place=team_place,
            parent=district_orgs[team_district],
            note=MEDICAL_TEAM_NOTE,
        )
        small = min(self.scale, 1.0)
        for _ in range(max(3, round(8 * small))):
            person = self.adult_person(rng.choice(MEDICAL_TEAM_REGIONS), (26, 55))
            joined, status = self.joined_on(person, self.age_of(person))
            members.append(_MemberSpec(person, team_org, joined, status))

        # Units with their party committee, branches and cadres.
        places_by_name = {d.name: d for d in self.districts}
        units: list[Unit] = []
        unit_plans: list[tuple[Unit, PartyOrg, list[PartyOrg]]] = []
        for name, kind, at, branch_count in UNITS:
            place = places_by_name[at] if at else self.city
            unit = Unit(name=name, kind=kind, place=place, place_path=place.path)
            units.append(unit)
            parent = district_orgs[at] if at else city_org
            suffix = "机关党委" if kind == UnitKind.ORGAN else "党委"
            committee = org(
                1 if not at else 2,
                name=f"中共{name}{suffix}",
                kind=PartyOrgKind.COMMITTEE,
                parent=parent,
                unit=unit,
            )
            branches = [
                org(
                    2 if not at else 3,
                    name=f"{name}{'机关' if kind == UnitKind.ORGAN else ''}第{n}党支部",
                    kind=PartyOrgKind.BRANCH,
                    parent=committee,
                    unit=unit,
                )
                for n in ("一", "二")[:branch_count]
            ]
            unit_plans.append((unit, committee, branches))
        Unit.objects.bulk_create(units)

        member_ids = {id(m.person) for m in members}
        candidates = [
            r
            for r in self.residents
            if 25 <= r.age <= 58
            and r.status == ResidentStatus.PRESENT
            and id(r.person) not in member_ids
            and r.household is not self.demo_household
        ]
        self.cadre_person: Person | None = None
        for u, (unit, _committee, branches) in enumerate(unit_plans):
            count = max(3, round(rng.randint(10, 18) * small))
            for i in range(count):
                if i == count - 1 and candidates:
                    # one cadre of each unit happens to live in the demo city
                    resident = candidates.pop(rng.randrange(len(candidates)))
                    person, age = resident.person, resident.age
                else:
                    person = self.adult_person(rng.choice(OTHER_WUHAN_REGIONS), (25, 58))
                    age = self.age_of(person)
                    if u == 0 and self.cadre_person is None:
                        self.cadre_person = person  # the `cadre` demo account
                joined, status = self.joined_on(person, age)
                members.append(
                    _MemberSpec(person, branches[i % len(branches)], joined, status, unit, True)
                )
        self.units = units

        new_persons = [m.person for m in members if m.person.pk is None]
        Person.objects.bulk_create(_searchable(new_persons), batch_size=BATCH)
        for level in orgs:
            for node in level:
                node.scope_path = _scope_path(node)
            _save_tree_level(PartyOrg, level)
        all_orgs = [node for level in orgs for node in level]
        PartyOrg.objects.bulk_update(all_orgs, ["path", "depth"], batch_size=BATCH)
        PartyMember.objects.bulk_create(
            [
                PartyMember(
                    person=m.person,
                    org=m.org,
                    unit=m.unit,
                    status=m.status,
                    is_cadre=m.is_cadre,
                    joined_on=m.joined_on,
                )
                for m in members
            ],
            batch_size=BATCH,
        )
        self.party_org_count = len(all_orgs)
        self.member_count = len(members)
        self.extra_persons = len(new_persons)
        self.say(
            f"party: {len(all_orgs)} organisations, {len(members)} members; {len(units)} units"
        )

    def age_of(self, person: Person) -> int:
        assert person.birth_date is not None
        birth, today = person.birth_date, self.today
        return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))

    # ---- accounts ----------------------------------------------------------------------------

    def build_accounts(self, communities: list[_Community]) -> list[DemoAccount]:
        first = communities[0]
        demo_grid = self.demo_building.grid
        other_grid = next(g for g in first.grids if g is not demo_grid)
        second_street = self.streets[0][1]
        community_other_street = next(c for c in communities if c.street is second_street)
        same_street = [c for c in communities if c.street is first.street]
        head = self.demo_household.residents[0].person
        assert self.cadre_person is not None
        district2 = self.districts[1]
        street2 = self.streets[1][0]

        # username, role, scope nodes, person
        specs: list[tuple[str, str, list[Place | Unit | Household], Person | None]] = [
            ("city_admin", Role.CITY_ADMIN, [self.city], None),
            ("district_admin", Role.DISTRICT_ADMIN, [first.district], None),
            ("district_admin2", Role.DISTRICT_ADMIN, [district2], None),
            ("street_admin", Role.STREET_ADMIN, [first.street], None),
            ("street_admin2", Role.STREET_ADMIN, [street2], None),
            ("community_admin", Role.COMMUNITY_ADMIN, [first.place], None),
            ("community_admin2", Role.COMMUNITY_ADMIN, [community_other_street.place], None),
            ("grid_worker", Role.GRID_WORKER, [demo_grid.place], None),
            ("grid_worker2", Role.GRID_WORKER, [other_grid.place], None),
            ("building_head", Role.BUILDING_HEAD, [self.demo_building.place], None),
            ("health_worker", Role.HEALTH_WORKER, [c.place for c in same_street[:2]], None),
            ("cadre", Role.CADRE, [first.place], self.cadre_person),
            ("volunteer", Role.VOLUNTEER, [first.place], None),
            ("property_staff", Role.PROPERTY_STAFF, [first.place], None),
            ("community_police", Role.COMMUNITY_POLICE, [first.place], None),
            ("unit_admin", Role.UNIT_ADMIN, [self.units[0]], None),
            ("resident", Role.RESIDENT, [self.demo_household.household], head),
        ]
        assert [s[0] for s in specs] == list(DEMO_USERNAMES)
        password = make_password(settings.LINLI_DEMO_PASSWORD)  # hashed once, shared
        users: list[User] = []
        grants: list[Grant] = []
        accounts: list[DemoAccount] = []
        for username, role, nodes, person in specs:
            name = person.name if person else self.fake.name()
            user = User(
                username=username,
                password=password,
                display_name=name,
                phone=person.phone if person else self.mobile(),
                language="",
                person=person,
                is_staff=role in (Role.CITY_ADMIN, Role.DISTRICT_ADMIN),
                is_superuser=False,
            )
            users.append(user)
            for node in nodes:
                grant = Grant(user=user, role=role)
                if isinstance(node, Place):
                    grant.place = node
                elif isinstance(node, Unit):
                    grant.unit = node
                else:
                    grant.household = node
                grants.append(grant)
            accounts.append(
                DemoAccount(username, role, "；".join(self.scope_label(n) for n in nodes), name)
            )
        User.objects.bulk_create(users)
        Grant.objects.bulk_create(grants)
        self.say(f"accounts: {len(users)} demo accounts, {len(grants)} grants")
        return accounts

    def scope_label(self, node: Place | Unit | Household) -> str:
        names = self.place_names()
        if isinstance(node, Unit):
            return _label_from_path(node.place_path, names) + SCOPE_SEPARATOR + node.name
        if isinstance(node, Household):
            return _label_from_path(node.building.path, names) + SCOPE_SEPARATOR + node.room
        return _label_from_path(node.path, names)

    def place_names(self) -> dict[int, str]:
        if not hasattr(self, "_names"):
            self._names = dict(Place.objects.values_list("pk", "name"))
        return self._names


def _save_tree_level(model: type[Place] | type[PartyOrg], nodes: list) -> None:
    """Insert one level of a tree (parents already saved) and set paths in memory."""
    model.objects.bulk_create(nodes, batch_size=BATCH)
    for node in nodes:
        if node.pk is None:  # pragma: no cover - both supported databases return pks
            raise RuntimeError("bulk_create did not return primary keys")
        node.path = child_path(node.parent.path if node.parent_id else "", node.pk)
        node.depth = path_depth(node.path)


def _scope_path(org: PartyOrg) -> str:
    if org.place is not None:
        return org.place.path
    if org.household is not None:
        return org.household.building.path
    if org.unit is not None:
        return org.unit.place_path
    return org.parent.scope_path if org.parent is not None else ""


def _label_from_path(path: str, names: dict[int, str]) -> str:
    return SCOPE_SEPARATOR.join(names.get(int(p), "?") for p in path.strip("/").split("/") if p)


# --------------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------------


def build_demo_city(
    *,
    scale: float = 1.0,
    seed: int = 2020,
    stdout: Writer | None = None,
    today: datetime.date | None = None,
) -> DemoCity:
    """Fill an empty database with the demo city; returns what was made.

    `scale` multiplies the number of households (1.0 gives about 13,000 residents); the place
    tree, organisations, units and accounts keep their shape at every scale. `today` (default:
    today in Asia/Shanghai) is the day ages are counted from.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    builder = _Builder(scale=scale, seed=seed, today=today or timezone.localdate(), out=stdout)
    with transaction.atomic():
        communities = builder.build_places()
        builder.build_households(communities)
        builder.build_party(communities)
        accounts = builder.build_accounts(communities)
    from demo.health import seed_health_reports

    reports = seed_health_reports(seed=seed)
    builder.say(f"health reports: {reports}")
    from demo.triage import seed_triage

    builder.say(f"triage cases: {seed_triage()}")
    from demo.requests import seed_supplies_and_requests

    builder.say(f"resident requests: {seed_supplies_and_requests()}")
    from demo.care import seed_care

    builder.say(f"care assignments: {seed_care()}")
    from demo.duty import seed_duty

    builder.say(f"deployed cadres: {seed_duty()}")
    from demo.outreach import seed_outreach

    builder.say(f"party day, notices, opinion, supervision: {seed_outreach()}")
    from demo.front_door import seed_front_door

    builder.say(f"join codes: {seed_front_door()}")
    city = DemoCity(
        places=builder.place_counts,
        households=len(builder.households),
        residents=len(builder.residents),
        persons=len(builder.residents) + builder.extra_persons,
        party_orgs=builder.party_org_count,
        party_members=builder.member_count,
        units=len(builder.units),
        accounts=accounts,
        seconds=time.monotonic() - builder.started,
    )
    builder.say(f"done: {city.summary()}")
    return city


def role_labels(role: str) -> tuple[str, str]:
    """(Chinese, English) label of a role."""
    label = Role(role).label
    with translation.override("en"):
        english = str(label)
    with translation.override("zh-hans"):
        chinese = str(label)
    if chinese == english:  # no catalogue entry yet
        chinese = ROLE_LABELS_ZH.get(role, english)
    return chinese, english


def demo_accounts() -> list[DemoAccount]:
    """The demo accounts as they are in the database now, in DEMO_USERNAMES order."""
    grants = Grant.objects.select_related("place", "unit", "household__building").order_by("pk")
    users = {
        u.username: u
        for u in User.objects.filter(username__in=DEMO_USERNAMES).prefetch_related(
            Prefetch("grants", queryset=grants)
        )
    }
    paths: list[str] = []
    for user in users.values():
        for g in user.grants.all():
            if g.place:
                paths.append(g.place.path)
            elif g.unit:
                paths.append(g.unit.place_path)
            elif g.household:
                paths.append(g.household.building.path)
    ids = {int(p) for path in paths for p in path.strip("/").split("/") if p}
    names = dict(Place.objects.filter(pk__in=ids).values_list("pk", "name"))
    accounts = []
    for username in DEMO_USERNAMES:
        user = users.get(username)
        if user is None:
            continue
        labels, role = [], ""
        for g in user.grants.all():
            role = role or g.role
            if g.place:
                labels.append(_label_from_path(g.place.path, names))
            elif g.unit:
                labels.append(
                    _label_from_path(g.unit.place_path, names) + SCOPE_SEPARATOR + g.unit.name
                )
            elif g.household:
                building = _label_from_path(g.household.building.path, names)
                labels.append(building + SCOPE_SEPARATOR + g.household.room)
        accounts.append(DemoAccount(username, role, "；".join(labels), user.display_name))
    return accounts


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def demo_accounts_table() -> str:
    """A printable table of the demo accounts read back from the database ("" if none)."""
    accounts = demo_accounts()
    if not accounts:
        return ""
    rows = [("用户名 username", "角色 role", "范围 scope")]
    for a in accounts:
        chinese, english = role_labels(a.role) if a.role else ("", "")
        rows.append((a.username, f"{chinese} {english}", a.scope))
    widths = [max(_width(row[i]) for row in rows) for i in range(2)]
    lines = [
        f"Demo accounts — password for all: {settings.LINLI_DEMO_PASSWORD}",
        "演示账号 — 密码均为：" + settings.LINLI_DEMO_PASSWORD,
    ]
    for n, row in enumerate(rows):
        lines.append(f"  {_pad(row[0], widths[0])}  {_pad(row[1], widths[1])}  {row[2]}")
        if n == 0:
            lines.append("  " + "-" * (widths[0] + widths[1] + 4 + _width(row[2])))
    return "\n".join(lines)


def _searchable(persons: list[Person]) -> list[Person]:
    """Fill the search keys (pinyin, last four digits) the registry search reads."""
    from people.search import person_search_fields

    for p in persons:
        for key, value in person_search_fields(
            name=p.name, phone=p.phone, id_number=p.id_number
        ).items():
            setattr(p, key, value)
    return persons
