"""Factories for the domain model. Action points are built through the service, so that
test data carries a journal like real data does. For tens or hundreds of them, ``tests.bulk``
writes the same rows in a few statements."""

import factory
from django.contrib.auth.models import Group, User

from actions import services
from actions.models import ActionPlan, ActionPoint, Area, Status
from participants.models import Forum, Membership, Organization, Person

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get_or_create(name=name)[0])
        if create:
            self.save()


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("acronym",)

    acronym = factory.Sequence(lambda n: f"ORG{n}")
    name = factory.LazyAttribute(lambda o: f"Organisation {o.acronym}")
    kind = Organization.Kind.INTERNATIONAL_NGO


class ForumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Forum
        django_get_or_create = ("acronym",)

    acronym = factory.Sequence(lambda n: f"F{n}")
    name = factory.LazyAttribute(lambda o: f"Forum {o.acronym}")
    kind = Forum.Kind.WORKING_GROUP


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    organization = factory.SubFactory(OrganizationFactory)
    email = factory.LazyAttribute(lambda p: f"{p.first_name}.{p.last_name}@example.org".lower())


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    forum = factory.SubFactory(ForumFactory, acronym="PWG", name="Protection Working Group")
    role = Membership.Role.CORE


class ActionPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionPlan

    key = factory.Sequence(lambda n: f"plan-{n}")
    title = factory.Sequence(lambda n: f"Action plan {n}")
    forum = factory.SubFactory(ForumFactory, acronym="PC", name="Protection Cluster")


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("plan", "code")

    plan = factory.SubFactory(ActionPlanFactory)
    code = "A"
    name = factory.LazyAttribute(lambda a: f"Area {a.code}")
    order = factory.LazyAttribute(lambda a: ord(a.code[0]) - ord("A"))


class ActionPointFactory(factory.Factory):
    """Creates through ``services.create_action_point``; pass ``leads=[org, ...]``."""

    class Meta:
        model = ActionPoint

    area = factory.SubFactory(AreaFactory)
    plan = factory.LazyAttribute(lambda o: o.area.plan)
    code = factory.Sequence(lambda n: f"A-{n + 1}")
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Action point {n + 1}")
    description = "Do the thing the plan says."
    status = Status.NOT_STARTED
    due_date = None
    parent = None
    forum = None
    leads = ()
    focal = ()
    by = None

    @classmethod
    def _create(cls, model_class, *args, leads=(), focal=(), **kwargs):
        return services.create_action_point(lead_organizations=leads, focal_points=focal, **kwargs)
