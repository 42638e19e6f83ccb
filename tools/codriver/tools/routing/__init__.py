"""Routing: the :class:`Router` protocol, the embedded graph router and OSRM."""

from codriver.tools.routing._graph_router import GraphRouter
from codriver.tools.routing._models import Leg, Matrix, Route, Router, Snap

__all__ = ["GraphRouter", "Leg", "Matrix", "Route", "Router", "Snap"]
