"""Child process of the digest measurement: ``python -m bench.send N``.

Gives the digest database exactly N recipients, clears the week's deliveries, then times
``send_digests`` and counts its SQL queries. Prints one line of JSON.

The recipients: the synthetic core group of twenty (whole-plan digests) and N - 20 partners,
each the focal point of two open items, in organisations of ten people that lead nothing.
A partner's digest then lists a partner's usual handful of items; in the generator's own
organisations every partner would own a fortieth of the plan (375 items at 10,000).
"""

import io
import json
import sys
import time

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from actions.models import ActionPoint, DigestDelivery  # noqa: E402
from participants.models import Organization, Person  # noqa: E402

CORE_GROUP = 20  # actions.synthetic.CORE_GROUP_SIZE: load-001 .. load-020
DOMAIN = "@digest.example.org"
ORG_PREFIX = "DIG"


def set_recipients(count: int) -> None:
    """Exactly ``count`` recipients, the same ones for the same count (deterministic)."""
    with transaction.atomic():
        DigestDelivery.objects.all().delete()
        Person.objects.filter(email__endswith=DOMAIN).delete()
        Organization.objects.filter(acronym__startswith=ORG_PREFIX).delete()
        synthetic = Person.objects.filter(email__endswith="@load.example.org").order_by("email")
        core = list(synthetic.values_list("pk", flat=True)[:CORE_GROUP])
        synthetic.exclude(pk__in=core).update(is_active=False)
        partners = max(0, count - CORE_GROUP)
        organizations = Organization.objects.bulk_create(
            Organization(
                acronym=f"{ORG_PREFIX}{n:04d}",
                name=f"Digest test organisation {n:04d}",
                kind=Organization.Kind.NATIONAL_NGO,
            )
            for n in range((partners + 9) // 10)
        )
        people = Person.objects.bulk_create(
            Person(
                first_name=f"Recipient{i:05d}",
                last_name="Synthetic",
                organization=organizations[i // 10],
                email=f"digest-{i:05d}{DOMAIN}",
            )
            for i in range(partners)
        )
        open_items = list(ActionPoint.objects.open().order_by("pk").values_list("pk", flat=True))
        Focal = ActionPoint.focal_points.through
        # Two open items each, spread over the plan.
        Focal.objects.bulk_create(
            Focal(actionpoint_id=open_items[(2 * i + k) % len(open_items)], person_id=person.pk)
            for i, person in enumerate(people)
            for k in (0, 1)
        )


class Counter:
    def __init__(self) -> None:
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        self.queries += 1
        return execute(sql, params, many, context)


def main(count: int) -> None:
    set_recipients(count)
    counter = Counter()
    output = io.StringIO()
    started = time.monotonic()
    with connection.execute_wrapper(counter):
        call_command("send_digests", stdout=output)
    seconds = time.monotonic() - started
    sent = DigestDelivery.objects.filter(status=DigestDelivery.State.SENT).count()
    summary = {
        "recipients": count,
        "sent": sent,
        "seconds": round(seconds, 2),
        "queries": counter.queries,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main(int(sys.argv[1]))
