"""Who may see the monitor, and which centres: the monitor's own small permission table.

The monitor never shows a child, so it is not governed by the case matrix (role x
relation x action) but by this table of audiences: a director sees their own centre and the
region; the coordinator, the municipality's policy officers and the SWV see the region per
centre. Every other role gets the same 404 as for a page that does not exist (house rule 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kansrijk.access.matrix import MONITOR_CENTRE_ROLES, MONITOR_REGION_ROLES
from kansrijk.access.policies import memberships_of
from kansrijk.access.roles import Role
from kansrijk.cases.errors import NotFound

if TYPE_CHECKING:
    from kansrijk.core.models import Professional

#: Roles that see every centre of the region, and those that see their own centre and the
#: region as a whole: the gate's rule (kansrijk.access.matrix), applied here per centre.
REGION_ROLES = MONITOR_REGION_ROLES
CENTRE_ROLES = MONITOR_CENTRE_ROLES
#: Roles that may read parents' comments (without names).
COMMENT_ROLES = frozenset({Role.COORDINATOR})
#: Roles that may record a parent's answers for a closed case, where they may edit the case.
EXPERIENCE_RECORDING_ROLES = frozenset(
    {
        Role.INTERNAL_COACH,
        Role.FAMILY_SPECIALIST,
        Role.EDUCATION_SPECIALIST,
        Role.COORDINATOR,
        Role.DIRECTOR,
        Role.DISTRICT_TEAM,
        Role.PSYCHOLOGIST,
        Role.BEHAVIOURAL_SCIENTIST,
        Role.SCHOOL_NURSE,
    }
)


@dataclass(frozen=True)
class Audience:
    role: Role
    #: The centres shown one by one; None means every centre of the region.
    centres: frozenset[int] | None
    reads_comments: bool

    @property
    def is_region(self) -> bool:
        return self.centres is None

    def narrowed(self, centre: int | None) -> frozenset[int] | None:
        """The centres to show with a centre filter (which must be one the audience sees)."""
        if centre is None:
            return self.centres
        if self.centres is not None and centre not in self.centres:
            raise NotFound
        return frozenset({centre})


def audience_of(user: Professional) -> Audience:
    """The user's view of the monitor, or NotFound when they have none."""
    if not user.is_authenticated or not user.is_active:
        raise NotFound
    members = memberships_of(user)
    roles = {Role(m.role) for m in members}
    reads_comments = bool(roles & COMMENT_ROLES)
    region = sorted(roles & REGION_ROLES)
    if region:
        return Audience(region[0], None, reads_comments)
    if Role.DIRECTOR in roles:
        from kansrijk.core.models import Location

        centres: set[int] = set()
        for m in members:
            if m.role != Role.DIRECTOR:
                continue
            if m.location_id is not None:
                centres.add(m.location_id)
            else:
                centres.update(
                    Location.objects.filter(organisation=m.organisation_id).values_list(
                        "pk", flat=True
                    )
                )
        return Audience(Role.DIRECTOR, frozenset(centres), reads_comments)
    raise NotFound
