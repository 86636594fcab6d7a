"""Fixtures of the enforcement tests."""

import pytest

from anjian.enterprises import services as enterprise_services
from anjian.enterprises.tests.test_api import credit, unit
from conftest import make_person


@pytest.fixture
def lhasa_world(world):
    """Six Lhasa units (two mines), three certified Lhasa inspectors, one Shigatse unit."""
    units = []
    for i in range(6):
        categories = ["metal_nonmetal_mine"] if i < 2 else ["industry_trade"]
        units.append(
            enterprise_services.enterprise_create(
                world.lhasa_admin, **unit(name=f"单位{i}", credit_code=credit(100 + i), categories=categories)
            )
        )
    enterprise_services.enterprise_create(
        world.shigatse_admin, **unit(name="日喀则单位", credit_code=credit(200, "540202"), division="540202")
    )
    world.lhasa_inspector_2 = make_person("lhasa-inspector-2", world.lhasa, "inspector")
    world.lhasa_inspector_3 = make_person("lhasa-inspector-3", world.lhasa, "inspector")
    return world, units
