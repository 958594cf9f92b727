from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from actions.services import items_a_deletion_would_change

from .models import AccessChange, Event, Forum, Membership, Organization, Participation, Person


class RefuseDeletingWhatItemsName(admin.ModelAdmin):
    """Lists the action points that name an object as protected, so that the admin refuses
    to delete it (the database would otherwise change those items with no journal row)."""

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[Any, Any, Any, Any]:
        to_delete, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for obj in objs:
            for item in items_a_deletion_would_change(obj).order_by("code")[:20]:
                protected.append(f"{item.code} {item.title} ({obj})")
        return to_delete, counts, perms_needed, protected


@admin.register(Organization)
class OrganizationAdmin(RefuseDeletingWhatItemsName):
    list_display = ["acronym", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["acronym", "name"]


@admin.register(Forum)
class ForumAdmin(RefuseDeletingWhatItemsName):
    list_display = ["acronym", "name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["acronym", "name"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["person", "forum"]


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ["person", "event"]


@admin.register(Person)
class PersonAdmin(RefuseDeletingWhatItemsName):
    list_display = ["last_name", "first_name", "organization", "job_title", "email", "is_active"]
    list_filter = ["is_active", "organization__kind", "organization"]
    search_fields = ["first_name", "last_name", "email", "organization__acronym"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization", "user"]
    inlines = [MembershipInline, ParticipationInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "forum", "role", "start_date", "end_date"]
    list_filter = ["forum", "role"]
    search_fields = ["person__first_name", "person__last_name", "forum__acronym"]
    list_select_related = ["person__organization", "forum"]
    autocomplete_fields = ["person", "forum"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "start_date", "end_date", "place"]
    search_fields = ["title", "place"]
    inlines = [ParticipationInline]


@admin.register(AccessChange)
class AccessChangeAdmin(admin.ModelAdmin):
    """A record, for reading: access is changed on /people/, which writes these rows."""

    list_display = ["at", "kind", "person_name", "by_name", "detail"]
    list_filter = ["kind"]
    search_fields = ["person_name", "by_name", "detail"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
