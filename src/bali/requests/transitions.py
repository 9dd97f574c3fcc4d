"""The request lifecycle as one table: for each action, the statuses it starts from, the status
it leads to, the party who may take it, the fields it needs and the deadline it starts.

    draft → submitted → acknowledged → under_review → accepted → assigned → in_progress
          → completed → evaluated
    needs_information (back to the country, then submitted again), declined (reason),
    withdrawn (by the country, before in_progress), referred (to an outside partner),
    reassign (assigned → assigned: the office names another assignee before the work starts)

`workflow.py` reads this table; nothing else decides which move is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bali.requests.models import Status
from bali.requests.permissions import Party

KEEP = "keep"  # the deadline of the previous status still runs (review does not stop the clock)

# Required inputs: `note` (a reason or a question), `assignee`, `partner`, `summary`, and the
# `version` the caller read (for a step that could otherwise undo another person's step).
NOTE, ASSIGNEE, PARTNER, SUMMARY, VERSION = "note", "assignee", "partner", "summary", "version"

BEFORE_WORK = frozenset(
    {
        Status.DRAFT,
        Status.SUBMITTED,
        Status.ACKNOWLEDGED,
        Status.UNDER_REVIEW,
        Status.NEEDS_INFORMATION,
        Status.ACCEPTED,
        Status.ASSIGNED,
    }
)
SCREENING = frozenset({Status.ACKNOWLEDGED, Status.UNDER_REVIEW})


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    party: Party
    label: Promise
    requires: tuple[str, ...] = ()
    deadline: str | None = None  # a key of BALI_REQUEST_DEADLINES, KEEP, or None (no deadline)


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition(
            "submit",
            frozenset({Status.DRAFT}),
            Status.SUBMITTED,
            Party.COUNTRY,
            _("Submit"),
            deadline="acknowledge",
        ),
        Transition(
            "acknowledge",
            frozenset({Status.SUBMITTED}),
            Status.ACKNOWLEDGED,
            Party.OFFICE,
            _("Acknowledge"),
            deadline="decide",
        ),
        Transition(
            "review",
            frozenset({Status.ACKNOWLEDGED}),
            Status.UNDER_REVIEW,
            Party.OFFICE,
            _("Start the review"),
            deadline=KEEP,
        ),
        Transition(
            "request_information",
            SCREENING,
            Status.NEEDS_INFORMATION,
            Party.OFFICE,
            _("Ask for information"),
            requires=(NOTE,),
        ),
        Transition(
            "resubmit",
            frozenset({Status.NEEDS_INFORMATION}),
            Status.SUBMITTED,
            Party.COUNTRY,
            _("Send the answer"),
            deadline="acknowledge",
        ),
        Transition(
            "accept",
            SCREENING,
            Status.ACCEPTED,
            Party.OFFICE,
            _("Accept"),
            deadline="assign",
        ),
        Transition(
            "decline",
            SCREENING,
            Status.DECLINED,
            Party.OFFICE,
            _("Decline"),
            requires=(NOTE,),
        ),
        Transition(
            "refer",
            SCREENING,
            Status.REFERRED,
            Party.OFFICE,
            _("Refer to a partner"),
            requires=(PARTNER,),
        ),
        Transition(
            "assign",
            frozenset({Status.ACCEPTED}),
            Status.ASSIGNED,
            Party.OFFICE,
            _("Assign"),
            requires=(ASSIGNEE,),
            deadline="start",
        ),
        Transition(
            "reassign",
            frozenset({Status.ASSIGNED}),
            Status.ASSIGNED,
            Party.OFFICE,
            _("Assign to someone else"),
            requires=(ASSIGNEE, VERSION),
            deadline="start",
        ),
        Transition(
            "start",
            frozenset({Status.ASSIGNED}),
            Status.IN_PROGRESS,
            Party.ASSIGNEE,
            _("Start the work"),
        ),
        Transition(
            "complete",
            frozenset({Status.IN_PROGRESS}),
            Status.COMPLETED,
            Party.ASSIGNEE,
            _("Mark as completed"),
            requires=(SUMMARY,),
        ),
        Transition(
            "withdraw",
            BEFORE_WORK,
            Status.WITHDRAWN,
            Party.COUNTRY,
            _("Withdraw"),
        ),
        Transition(
            "evaluate",
            frozenset({Status.COMPLETED}),
            Status.EVALUATED,
            Party.COUNTRY,
            _("Record the evaluation"),
        ),
    )
}

# The actions of the API's transitions endpoint (submitting a draft goes through it as well).
ACTIONS = tuple(TRANSITIONS)
