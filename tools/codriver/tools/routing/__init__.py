"""Routing: the :class:`Router` protocol, the embedded graph router (on a :class:`RoadGraph`) and OSRM."""

from codriver.tools.routing._graph import RoadGraph
from codriver.tools.routing._graph_router import GraphRouter
from codriver.tools.routing._models import Leg, Matrix, Route, Router, Snap, Table, arrival
from codriver.tools.routing._osrm import OsrmRouter
from codriver.tools.routing._walk_router import WalkRouter

__all__ = [
    "GraphRouter",
    "Leg",
    "Matrix",
    "OsrmRouter",
    "RoadGraph",
    "Route",
    "Router",
    "Snap",
    "Table",
    "WalkRouter",
    "arrival",
]
