"""Preferences of the signed-in user (diet, interests, home actions, ...)."""

from __future__ import annotations

from fastapi import APIRouter

from codriver.api._deps import CurrentUser, SessionDep
from codriver.api._schemas import PreferencesPublic, PreferencesUpdate
from codriver.store import get_preferences, update_preferences

router = APIRouter(prefix="/preferences", tags=["preferences"])
_PRIVATE = {"id", "user_id"}


@router.get("", response_model=PreferencesPublic)
def read(session: SessionDep, principal: CurrentUser) -> PreferencesPublic:
    """Your preferences (defaults until you set them)."""
    return PreferencesPublic.model_validate(
        get_preferences(session, user_id=principal.user_id).model_dump(exclude=_PRIVATE)
    )


@router.put("", response_model=PreferencesPublic)
def replace(body: PreferencesUpdate, session: SessionDep, principal: CurrentUser) -> PreferencesPublic:
    """Replace your preferences."""
    prefs = update_preferences(session, user_id=principal.user_id, changes=body.model_dump(mode="json"))
    return PreferencesPublic.model_validate(prefs.model_dump(exclude=_PRIVATE))
