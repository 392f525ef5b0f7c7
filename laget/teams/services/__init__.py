"""Every write to a cross-level team: checked against access.py, atomic, recorded in the
change chain in the same transaction, refused with a Norwegian message that says what to
do. The team's row is locked by every write that can change who covers a case, so two
people moving members and assigning workers at once take turns and the rules in
pairing.py always see the latest state.

Split by sub-domain: composition, referrals (the open door and intake), cases, board,
guidance, change (perceived change); `common` holds what they share. Callers use this
package's names.
"""

from laget.teams.services.board import board_add, board_remove
from laget.teams.services.cases import (
    case_close,
    case_handoff,
    case_link_person,
    case_worker_add,
    case_worker_end,
    contact_record,
)
from laget.teams.services.change import perceived_change_add
from laget.teams.services.composition import member_add, member_end, member_update, team_create
from laget.teams.services.guidance import consultation_add
from laget.teams.services.referrals import (
    ReferralInput,
    decide,
    referral_clarify,
    referral_create,
)

__all__ = [
    "ReferralInput",
    "board_add",
    "board_remove",
    "case_close",
    "case_handoff",
    "case_link_person",
    "case_worker_add",
    "case_worker_end",
    "consultation_add",
    "contact_record",
    "decide",
    "member_add",
    "member_end",
    "member_update",
    "perceived_change_add",
    "referral_clarify",
    "referral_create",
    "team_create",
]
