"""Optimistic concurrency on trip changes: two editors at once never both win; the loser gets 409 and reloads."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from api_support import Api


def _trip(api: Api) -> tuple[dict[str, str], int]:
    ann = api.user()
    trip = api.plan(ann)  # stops: start, osm:node/1, osm:node/3, end
    return ann, int(trip["id"])


def test_two_changes_at_once_one_wins_the_other_gets_409_and_nothing_is_lost(api: Api) -> None:
    ann, trip_id = _trip(api)
    api.planner.delay_s = 0.3  # both changes are planned at the same time
    replace = ("POST", f"/v1/trips/{trip_id}/stops/1/replace", {"poi_id": "osm:node/2"})
    remove = ("DELETE", f"/v1/trips/{trip_id}/stops/2", None)

    def send(change: tuple[str, str, Any]) -> Any:
        method, path, body = change
        return api.client.request(method, path, json=body, headers=ann)

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(send, [replace, remove]))
    assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
    lost = next(a for a in answers if a.status_code == 409)
    assert lost.json()["current_version"] == 2
    assert lost.json()["field"] == "expected_version"

    # the loser reloads (ETag: the version) and sends its change again on top of the winner's
    api.planner.delay_s = 0.0
    fresh = api.client.get(f"/v1/trips/{trip_id}", headers=ann)
    assert fresh.headers["etag"] == '"2"'
    loser = replace if answers[1].status_code == 200 else remove
    stops = [s["poi_id"] for s in fresh.json()["itinerary"]["itinerary"]["stops"]]
    index = stops.index("osm:node/1" if loser is replace else "osm:node/3")
    method, path, body = loser
    path = path.replace("/stops/1", f"/stops/{index}").replace("/stops/2", f"/stops/{index}")
    again = api.client.request(method, path, json=body, headers={**ann, "If-Match": '"2"'})
    assert again.status_code == 200, again.text

    final = api.client.get(f"/v1/trips/{trip_id}", headers=ann).json()
    assert final["current_version"] == 3
    assert sorted(final["request"]["constraints"]["avoid_places"]) == ["osm:node/1", "osm:node/3"]  # both changes
    assert [s["poi_id"] for s in final["request"]["stops"]] == ["osm:node/2"]  # the traveller's own stops
    # every stored version's request is the one its own plan answered (written in the same compare-and-set)
    assert [s["poi_id"] for s in final["itinerary"]["itinerary"]["stops"][1:-1]] == ["osm:node/2"]


def test_if_match_on_a_stale_version_is_409_before_any_planning(api: Api) -> None:
    ann, trip_id = _trip(api)
    assert api.client.delete(f"/v1/trips/{trip_id}/stops/2", headers={**ann, "If-Match": '"1"'}).status_code == 200
    planned = len(api.planner.plans)
    stale = api.client.post(
        f"/v1/trips/{trip_id}/stops/1/replace", json={"poi_id": "osm:node/2"}, headers={**ann, "If-Match": 'W/"1"'}
    )
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    assert len(api.planner.plans) == planned  # refused before planning
    renamed = api.client.patch(f"/v1/trips/{trip_id}", json={"title": "x"}, headers={**ann, "If-Match": "1"})
    assert (renamed.status_code, renamed.json()["current_version"]) == (409, 2)
    assert (
        api.client.patch(f"/v1/trips/{trip_id}", json={"title": "x"}, headers={**ann, "If-Match": "2"}).status_code
        == 200
    )
    assert api.client.delete(f"/v1/trips/{trip_id}", headers={**ann, "If-Match": '"1"'}).status_code == 409
    garbled = api.client.delete(f"/v1/trips/{trip_id}/stops/1", headers={**ann, "If-Match": "yesterday"})
    assert (garbled.status_code, garbled.json()["field"]) == (422, "If-Match")
    assert api.client.delete(f"/v1/trips/{trip_id}", headers={**ann, "If-Match": "*"}).status_code == 204


def test_a_chat_revision_made_from_an_old_version_is_409_not_a_silent_overwrite(api: Api) -> None:
    ann, trip_id = _trip(api)
    api.planner.delay_s = 0.2
    understand = api.assistant.chat

    async def slow_chat(message: str, context: Any) -> Any:
        await asyncio.sleep(0.4)  # the assistant reads version 1 and takes its time: the removal lands first
        return await understand(message, context)

    api.assistant.chat = slow_chat  # type: ignore[method-assign]
    with ThreadPoolExecutor(2) as pool:
        chat = pool.submit(api.client.post, f"/v1/trips/{trip_id}/chat", json={"message": "add a cafe"}, headers=ann)
        remove = pool.submit(api.client.delete, f"/v1/trips/{trip_id}/stops/2", headers=ann)
        answers = {"chat": chat.result(), "remove": remove.result()}
    assert answers["remove"].status_code == 200
    assert answers["chat"].status_code == 409, answers["chat"].text
    assert answers["chat"].json()["current_version"] == 2
    final = api.client.get(f"/v1/trips/{trip_id}", headers=ann).json()
    assert final["current_version"] == 2
    assert final["request"]["must_visit"] == ["osm:node/1"]  # the removal is kept, not overwritten by the chat
