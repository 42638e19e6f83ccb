"""Share links of a trip: its owner creates (the token is shown once), lists and revokes them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, status

from codriver.api._deps import ServicesDep, SessionDep, TripDep
from codriver.api._security import hash_secret, new_share_token
from codriver.api._settings import MAX_ID
from codriver.api._share_schemas import ShareCreated, SharePublic
from codriver.api.routes.exports import web_link
from codriver.store import create_share, list_shares, revoke_share

router = APIRouter(prefix="/trips/{trip_id}/shares", tags=["sharing"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ShareCreated)
def create(trip: TripDep, session: SessionDep, services: ServicesDep, request: Request) -> ShareCreated:
    """A new read-only link to the trip; its token is in this answer only (the service keeps a hash)."""
    assert trip.id is not None
    token = new_share_token()
    share = create_share(session, trip_id=trip.id, token_hash=hash_secret(token), at=services.clock.now())
    assert share.id is not None
    return ShareCreated(
        id=share.id,
        created_at=share.created_at,
        revoked_at=None,
        token=token,
        url=web_link(request, f"#/shared/{token}"),
    )


@router.get("", response_model=list[SharePublic])
def shares(trip: TripDep, session: SessionDep) -> list[SharePublic]:
    """The trip's links, working and revoked, newest first (without their tokens)."""
    assert trip.id is not None
    return [SharePublic.model_validate(s, from_attributes=True) for s in list_shares(session, trip_id=trip.id)]


@router.delete("/{share_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke(
    trip: TripDep, share_id: Annotated[int, Path(ge=1, le=MAX_ID)], session: SessionDep, services: ServicesDep
) -> None:
    """Stop a link from working, at once (revoking it again changes nothing)."""
    assert trip.id is not None
    revoke_share(session, trip_id=trip.id, share_id=share_id, at=services.clock.now())
