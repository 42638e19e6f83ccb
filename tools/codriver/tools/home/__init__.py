"""Connected home: the :class:`HomeAutomation` protocol, Home Assistant, and a simulated home."""

from codriver.tools.home._home_assistant import HomeAssistant, parse_state
from codriver.tools.home._memory import InMemoryHome, climate_device, switch_device
from codriver.tools.home._models import HVAC_MODES, DeviceState, HomeAction, HomeAutomation, check_entity_id

__all__ = [
    "HVAC_MODES",
    "DeviceState",
    "HomeAction",
    "HomeAssistant",
    "HomeAutomation",
    "InMemoryHome",
    "check_entity_id",
    "climate_device",
    "parse_state",
    "switch_device",
]
