"""A reproducible synthetic data set for benchmarks (``generate_load_data``).

Everything is clearly fictional (``example.org``, "Synthetic" names). Rows are written
with ``bulk_create`` rather than through the journaled service: this is a data set, not a
history of real changes, and 100,000 items must load in minutes. The journal rows it writes
are marked as synthetic in their notes.
"""

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.db import connection, transaction
from django.utils import timezone

from participants.models import Forum, Membership, Organization, Person
from participants.roles import COORDINATORS

from .models import ActionPlan, ActionPoint, ActionUpdate, Area, LearningOutcome, Status

PLAN_KEY = "synthetic-load"
AREAS = [
    ("A", "Harmonization"),
    ("B", "Data sharing"),
    ("C", "Coordination"),
    ("D", "Accountability to Affected Populations"),
]
ORGANIZATIONS = 40
PEOPLE = 200
COORDINATOR_COUNT = 5
CORE_GROUP_SIZE = 20
BATCH = 5000
WORDS = [
    "harmonize",
    "protection",
    "monitoring",
    "data",
    "sharing",
    "protocol",
    "referral",
    "pathway",
    "assessment",
    "coverage",
    "municipality",
    "definitions",
    "returnees",
    "displaced",
    "consent",
    "enumerators",
    "feedback",
    "mechanism",
    "coordination",
    "working",
    "group",
    "information",
    "management",
    "repository",
    "mapping",
    "analysis",
    "capacity",
    "training",
    "partners",
    "services",
    "vulnerability",
    "anonymization",
    "review",
]


@dataclass
class LoadDataResult:
    plan: ActionPlan
    action_points: int
    journal_entries: int
    people: int


def _text(rng: random.Random, length: int) -> str:
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < length:
        words.append(rng.choice(WORDS))
    return " ".join(words)[:length].strip().capitalize()


def remove_load_data() -> None:
    """Delete a previous synthetic data set (its plan, items, journal, people and users)."""
    with transaction.atomic():
        plan = ActionPlan.objects.filter(key=PLAN_KEY).first()
        if plan:
            items = ActionPoint.objects.filter(plan=plan)
            # The database keeps a journal row only while its item exists (migration 0009):
            # the data set goes items first, with plain SQL deletes (the foreign keys are
            # checked at commit), then the journal rows left without an item.
            Through = ActionPoint.lead_organizations.through
            Through.objects.filter(actionpoint__plan=plan)._raw_delete(connection.alias)
            Focal = ActionPoint.focal_points.through
            Focal.objects.filter(actionpoint__plan=plan)._raw_delete(connection.alias)
            journal = list(
                ActionUpdate.objects.filter(action_point__plan=plan).values_list("pk", flat=True)
            )
            items.filter(parent__isnull=False)._raw_delete(connection.alias)
            items._raw_delete(connection.alias)
            for start in range(0, len(journal), BATCH):
                ActionUpdate.objects.filter(pk__in=journal[start : start + BATCH])._raw_delete(
                    connection.alias
                )
            plan.delete()
        Person.objects.filter(email__endswith="@load.example.org").delete()
        User.objects.filter(username__startswith="load-").delete()
        Organization.objects.filter(acronym__startswith="SYN").delete()


def generate_load_data(
    *, actions: int, seed: int = 1, progress: Callable[[str], None] = lambda _: None
) -> LoadDataResult:
    """Create the synthetic plan with ``actions`` action points, deterministic for a seed.

    Due dates are relative to today, so two runs on the same day with the same seed give
    the same rows. Raises ``ValueError`` when a synthetic plan already exists.
    """
    if ActionPlan.objects.filter(key=PLAN_KEY).exists():
        raise ValueError("A synthetic plan exists already; remove it first (--replace).")
    rng = random.Random(seed)  # noqa: S311 -- reproducible test data, not a secret
    today = timezone.localdate()
    now = timezone.now()

    with transaction.atomic():
        pwg, _ = Forum.objects.get_or_create(
            acronym="PWG",
            defaults={"name": "Protection Working Group", "kind": Forum.Kind.WORKING_GROUP},
        )
        organizations = Organization.objects.bulk_create(
            Organization(
                acronym=f"SYN{i:02d}",
                name=f"Synthetic organisation {i:02d}",
                kind=rng.choice(Organization.Kind.values),
            )
            for i in range(1, ORGANIZATIONS + 1)
        )
        people = _create_people(rng, organizations, pwg)
        progress(f"{len(organizations)} organisations, {len(people)} people with accounts")

        plan = ActionPlan.objects.create(
            key=PLAN_KEY,
            title="Synthetic load-test plan",
            forum=pwg,
            description="Generated for benchmarks; all of it is fictional.",
        )
        areas = [
            Area.objects.create(plan=plan, code=code, name=name, order=order)
            for order, (code, name) in enumerate(AREAS)
        ]
        LearningOutcome.objects.bulk_create(
            LearningOutcome(area=area, order=0, text=_text(rng, 120)) for area in areas
        )

        journal = 0
        for start in range(0, actions, BATCH):
            count = min(BATCH, actions - start)
            journal += _create_batch(
                rng, plan, areas, organizations, people, start, count, today, now
            )
            progress(f"{start + count:,} / {actions:,} action points")

    if connection.vendor == "postgresql":
        # Fresh statistics, so that the planner sees the real table sizes at once. VACUUM
        # cannot run inside a transaction (as in a test); ANALYZE alone still can.
        statement = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        with connection.cursor() as cursor:
            cursor.execute(statement)
        progress(f"{statement} done")
    return LoadDataResult(
        plan=plan, action_points=actions, journal_entries=journal, people=len(people)
    )


def _create_people(
    rng: random.Random, organizations: list[Organization], pwg: Forum
) -> list[Person]:
    # One hash for every account: hashing 200 passwords would take longer than the rest.
    password = make_password(None)
    users = User.objects.bulk_create(
        User(username=f"load-{i:03d}", password=password) for i in range(1, PEOPLE + 1)
    )
    people = Person.objects.bulk_create(
        Person(
            first_name=f"Synthetic{i:03d}",
            last_name="Person",
            organization=rng.choice(organizations),
            email=f"load-{i:03d}@load.example.org",
            user=user,
        )
        for i, user in enumerate(users, start=1)
    )
    coordinators = Group.objects.get(name=COORDINATORS)
    coordinators.user_set.add(*users[:COORDINATOR_COUNT])
    Membership.objects.bulk_create(
        Membership(person=person, forum=pwg, role=Membership.Role.CORE)
        for person in people[:CORE_GROUP_SIZE]
    )
    return people


def _create_batch(
    rng: random.Random,
    plan: ActionPlan,
    areas: list[Area],
    organizations: list[Organization],
    people: list[Person],
    start: int,
    count: int,
    today: datetime.date,
    now: datetime.datetime,
) -> int:
    statuses = Status.values
    items = []
    for n in range(start, start + count):
        area = areas[n % len(areas)]
        status = rng.choice(statuses)
        updated = now - datetime.timedelta(minutes=rng.randint(0, 60 * 24 * 90))
        items.append(
            ActionPoint(
                plan=plan,
                area=area,
                code=f"{area.code}-{n // len(areas) + 1}",
                position=n // len(areas),
                title=_text(rng, 80),
                description=_text(rng, 400),
                status=status,
                due_date=today + datetime.timedelta(days=rng.randint(-120, 120)),
                created_at=updated - datetime.timedelta(days=30),
                updated_at=updated,
                completed_at=updated if status == Status.DONE else None,
                version=3,
            )
        )
    items = ActionPoint.objects.bulk_create(items, batch_size=BATCH)

    Lead = ActionPoint.lead_organizations.through
    Focal = ActionPoint.focal_points.through
    leads, focal, journal = [], [], []
    for item in items:
        for organization in rng.sample(organizations, rng.randint(1, 2)):
            leads.append(Lead(actionpoint_id=item.pk, organization_id=organization.pk))
        for person in rng.sample(people, rng.randint(0, 2)):
            focal.append(Focal(actionpoint_id=item.pk, person_id=person.pk))
        author = rng.choice(people).user_id
        journal += [
            ActionUpdate(
                action_point_id=item.pk,
                author_id=author,
                created_at=item.created_at,
                kind=ActionUpdate.Kind.CREATED,
                status_after=Status.NOT_STARTED,
                note="Synthetic data.",
                version=1,
            ),
            ActionUpdate(
                action_point_id=item.pk,
                author_id=author,
                created_at=item.created_at + (item.updated_at - item.created_at) / 2,
                kind=ActionUpdate.Kind.NOTE,
                note=_text(rng, 120),
                version=2,
            ),
            ActionUpdate(
                action_point_id=item.pk,
                author_id=author,
                created_at=item.updated_at,
                kind=ActionUpdate.Kind.STATUS_CHANGE,
                status_before=Status.NOT_STARTED,
                status_after=item.status,
                version=3,
            ),
        ]
    Lead.objects.bulk_create(leads, batch_size=BATCH)
    Focal.objects.bulk_create(focal, batch_size=BATCH)
    ActionUpdate.objects.bulk_create(journal, batch_size=BATCH)
    return len(journal)
