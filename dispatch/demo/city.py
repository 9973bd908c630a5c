"""The demo city: five districts of Nanning, each a service office whose areas tile a rectangle.

The rectangles are laid out roughly as the real districts lie around the centre (22.817 N, 108.366 E):
西乡塘 north-west, 兴宁 north-east, 青秀 east of the centre, 江南 south-west across the river, 良庆 south.
Neighbouring rectangles share edges exactly, so the areas never overlap.
"""

import random
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dispatch.org.models import Area

# Generated points stay this far (degrees, about 50 m) inside their area: area_containing counts an edge as
# inside, so a point on an edge shared by two areas would belong to both.
EDGE_MARGIN = 0.0005


@dataclass(frozen=True)
class Box:
    min_lng: float
    min_lat: float
    max_lng: float
    max_lat: float

    def split(self, parts: int) -> list["Box"]:
        """West-to-east strips. Each inner edge is computed once and shared by both neighbours."""
        width = (self.max_lng - self.min_lng) / parts
        edges = [self.min_lng, *(round(self.min_lng + width * i, 6) for i in range(1, parts)), self.max_lng]
        return [Box(edges[i], self.min_lat, edges[i + 1], self.max_lat) for i in range(parts)]

    def polygon(self) -> dict:
        """A closed GeoJSON ring in [lng, lat] order."""
        corners = [[self.min_lng, self.min_lat], [self.max_lng, self.min_lat], [self.max_lng, self.max_lat],
                   [self.min_lng, self.max_lat]]
        return {"type": "Polygon", "coordinates": [[*corners, corners[0]]]}

    def centre(self) -> tuple[float, float]:
        return round((self.min_lat + self.max_lat) / 2, 6), round((self.min_lng + self.max_lng) / 2, 6)

    def random_point(self, rng: random.Random) -> tuple[float, float]:
        """(lat, lng) uniformly inside, off the edges, rounded to about 10 cm as a GPS fix would be."""
        return (round(rng.uniform(self.min_lat + EDGE_MARGIN, self.max_lat - EDGE_MARGIN), 6),
                round(rng.uniform(self.min_lng + EDGE_MARGIN, self.max_lng - EDGE_MARGIN), 6))

    def clamp(self, lat: float, lng: float) -> tuple[float, float]:
        """The point moved, if needed, to lie inside and off the edges."""
        return (round(min(max(lat, self.min_lat + EDGE_MARGIN), self.max_lat - EDGE_MARGIN), 6),
                round(min(max(lng, self.min_lng + EDGE_MARGIN), self.max_lng - EDGE_MARGIN), 6))


@dataclass(frozen=True)
class District:
    office_code: str
    name: str
    office_name: str
    territory: Box
    area_names: tuple[str, ...]
    # Spread over the areas in turn, so each area has streets of its own and an address matches its place.
    streets: tuple[str, ...]
    customer_share: float
    # Dense old districts are slow to cross; the new southern district has wide roads.
    travel_speed_kmh: Decimal

    def area_boxes(self) -> list[Box]:
        return self.territory.split(len(self.area_names))

    def streets_of_area(self, index: int) -> tuple[str, ...]:
        return self.streets[index::len(self.area_names)]


DISTRICTS: tuple[District, ...] = (
    District(
        "QX", "青秀区", "青秀营业所", Box(108.34, 22.78, 108.49, 22.84),
        ("民族", "东葛", "琅东", "凤岭", "仙葫"),
        ("民族大道", "东葛路", "竹溪大道", "青秀路", "金湖路", "桃源路", "凤岭南路", "仙葫大道", "佛子岭路",
         "云景路"),
        0.30, Decimal("20.0"),
    ),
    District(
        "XN", "兴宁区", "兴宁营业所", Box(108.34, 22.84, 108.43, 22.90),
        ("朝阳", "三塘", "五塘"),
        ("朝阳路", "人民东路", "兴宁路", "长堽路", "昆仑大道", "邕武路"),
        0.18, Decimal("22.0"),
    ),
    District(
        "JN", "江南区", "江南营业所", Box(108.22, 22.74, 108.34, 22.82),
        ("沙井", "江西", "福建园", "白沙"),
        ("沙井大道", "淡村路", "星光大道", "亭洪路", "壮锦大道", "江南路", "白沙大道", "五一路"),
        0.20, Decimal("25.0"),
    ),
    District(
        "XXT", "西乡塘区", "西乡塘营业所", Box(108.22, 22.82, 108.34, 22.88),
        ("石埠", "心圩", "安吉", "北湖"),
        ("西乡塘路", "大学东路", "科园大道", "明秀路", "安吉大道", "北湖路", "秀厢大道", "友爱路"),
        0.20, Decimal("22.0"),
    ),
    District(
        "LQ", "良庆区", "良庆营业所", Box(108.34, 22.70, 108.49, 22.78),
        ("那马", "大沙田", "五象"),
        ("良庆大道", "玉洞大道", "银海大道", "平乐大道", "五象大道", "龙堤路"),
        0.12, Decimal("35.0"),
    ),
)


@dataclass(frozen=True)
class PlacedArea:
    """An area as created in the database, with the district and rectangle it was made from."""

    area: "Area"
    district: District
    box: Box
    streets: tuple[str, ...]
