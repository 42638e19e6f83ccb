"""The composition root picks each capability's provider from the settings: HTTP when configured, embedded when not.

Nothing here asks a provider anything (the contract tests do): only which provider
``bootstrap.Runtime`` hands out, for every capability with an HTTP provider, with and without
its ``CODRIVER_EXTERNAL__*`` setting. The URLs point at nothing.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest
from pydantic import SecretStr

from codriver.bootstrap import Runtime
from codriver.settings import ExternalSettings, Settings
from codriver.tools.geocoding import Gazetteer, NominatimGeocoder, RegionalGeocoder
from codriver.tools.home import HomeAssistant
from codriver.tools.places import EmbeddedPlaces, OverpassPlaces, RefreshingPlaces
from codriver.tools.routing import GraphRouter, OsrmRouter

CONFIGURED = ExternalSettings(
    osrm_url="http://osrm.invalid:5000",
    nominatim_url="http://nominatim.invalid",
    overpass_url="http://overpass.invalid/api/interpreter",
    home_assistant_url="http://homeassistant.invalid:8123",
    home_assistant_token=SecretStr("token"),
)


@pytest.fixture(params=["configured", "unset"])
def runtime(request: pytest.FixtureRequest, helsinki: Runtime) -> Runtime:
    external = CONFIGURED if request.param == "configured" else ExternalSettings()
    return Runtime(Settings(data_dir=helsinki.settings.data_dir, external=external))


def test_each_capability_gets_the_provider_its_settings_name(runtime: Runtime) -> None:
    region = runtime.region("helsinki")
    configured = runtime.settings.external.osrm_url is not None

    async def built() -> tuple[object, object, object, object]:
        async with httpx.AsyncClient() as client:
            return (
                runtime.router(region),
                runtime.geocoder(region, client),
                runtime.place_catalog(region, client),
                runtime.home(client),
            )

    router, geocoder, places, home = asyncio.run(built())
    if configured:
        assert isinstance(router, OsrmRouter)
        assert router.base_url == "http://osrm.invalid:5000"
        assert isinstance(geocoder, RegionalGeocoder)
        assert isinstance(geocoder.online, NominatimGeocoder)
        assert isinstance(places, RefreshingPlaces)
        assert places.catalogue is runtime.places(region)
        assert isinstance(places.overpass, OverpassPlaces)
        assert places.overpass.url == "http://overpass.invalid/api/interpreter"
        assert isinstance(home, HomeAssistant)
        assert (home.base_url, home.token) == ("http://homeassistant.invalid:8123", "token")
    else:
        assert isinstance(router, GraphRouter)
        assert router is runtime.graph_router(region)
        assert isinstance(geocoder, Gazetteer)
        assert isinstance(places, EmbeddedPlaces)
        assert places is runtime.places(region)
        assert home is None
    # the engine's own catalogue and the region's graph router stay embedded either way
    assert isinstance(runtime.places(region), EmbeddedPlaces)
    assert isinstance(runtime.graph_router(region), GraphRouter)
