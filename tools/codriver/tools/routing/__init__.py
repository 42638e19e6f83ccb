"""Routing: the :class:`Router` protocol, the embedded graph router and OSRM."""

from codriver.tools.routing._graph_router import GraphRouter
from codriver.tools.routing._models import Leg, Matrix, Route, Router, Snap
from codriver.tools.routing._osrm import OsrmRouter

__all__ = ["GraphRouter", "Leg", "Matrix", "OsrmRouter", "Route", "Router", "Snap"]
