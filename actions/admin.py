from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import services
from .api.tokens import revoke_tokens
from .models import (
    ActionPlan,
    ActionPoint,
    ActionUpdate,
    ApiToken,
    Area,
    DigestDelivery,
    LearningOutcome,
)


class LearningOutcomeInline(admin.TabularInline):
    model = LearningOutcome
    extra = 0


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "plan", "order"]
    list_filter = ["plan"]
    search_fields = ["code", "name"]
    list_select_related = ["plan"]
    inlines = [LearningOutcomeInline]


class AreaInline(admin.TabularInline):
    model = Area
    extra = 0
    show_change_link = True


@admin.register(ActionPlan)
class ActionPlanAdmin(admin.ModelAdmin):
    list_display = ["title", "forum", "source_event", "period_start", "period_end"]
    search_fields = ["title", "key"]
    list_select_related = ["forum", "source_event"]
    autocomplete_fields = ["forum"]
    inlines = [AreaInline]


class SubItemInline(admin.TabularInline):
    """Sub-items, listed with links: each is changed on its own page, through the service."""

    model = ActionPoint
    fk_name = "parent"
    fields = ["code", "title", "status", "due_date"]
    readonly_fields = fields  # type: ignore[assignment]  # names only; typed as field groups
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class JournalInline(admin.TabularInline):
    model = ActionUpdate
    fields = ["created_at", "author", "kind", "status_before", "status_after", "note"]
    readonly_fields = fields  # type: ignore[assignment]  # names only; typed as field groups
    extra = 0
    can_delete = False
    ordering = ["-created_at", "-id"]

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ActionPointAdminForm(forms.ModelForm):
    # The version the coordinator loaded, so that a save over someone else's is refused.
    version_read = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ActionPoint
        fields = ["plan", *services.EDITABLE_FIELDS]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version_read"].initial = self.instance.version

    def clean_version_read(self) -> int | None:
        version = self.cleaned_data.get("version_read")
        # Without the version it read, a save could silently undo a newer change.
        if self.instance.pk and version is None:
            raise ValidationError(
                _("This form was sent without the version of the item it showed; reload the page.")
            )
        return version


@admin.register(ActionPoint)
class ActionPointAdmin(admin.ModelAdmin):
    form = ActionPointAdminForm
    list_display = ["code", "title", "plan", "area", "status", "due_date", "updated_at"]
    list_filter = ["status", "plan", "area__code", "lead_organizations", "forum"]
    search_fields = ["code", "title", "description"]
    list_select_related = ["plan", "area"]
    autocomplete_fields = ["parent", "lead_organizations", "focal_points", "forum"]
    readonly_fields = ["version", "created_at", "updated_at", "completed_at"]
    inlines = [SubItemInline, JournalInline]

    # Every write goes through the service, so the admin journals like every other page.
    def save_model(self, request, obj, form, change) -> None:
        pass

    def save_related(self, request, form, formsets, change) -> None:
        data = {f: form.cleaned_data[f] for f in services.EDITABLE_FIELDS if f in form.cleaned_data}
        if change:
            if form.has_changed():
                services.change_action_point(
                    action_point=form.instance.pk,
                    by=request.user,
                    expected_version=form.cleaned_data.get("version_read"),
                    **data,
                )
        else:
            created = services.create_action_point(
                by=request.user, plan=form.cleaned_data["plan"], **data
            )
            form.instance.pk = created.pk
        # Both inlines are read-only: saving them writes nothing, but the admin's change
        # message expects the formsets to have been saved.
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            with transaction.atomic():
                return super().changeform_view(request, object_id, form_url, extra_context)
        except services.StaleVersion as exc:
            self.message_user(
                request,
                _("%(code)s was changed by someone else meanwhile; nothing was saved.")
                % {"code": exc.current.code},
                messages.ERROR,
            )
        except (services.NothingToChange, ValidationError):
            self.message_user(request, _("Nothing was changed."), messages.WARNING)
        return HttpResponseRedirect(request.get_full_path())


@admin.register(ActionUpdate)
class ActionUpdateAdmin(admin.ModelAdmin):
    """The journal: read-only, whoever asks."""

    list_display = ["created_at", "action_point", "kind", "status_before", "status_after", "author"]
    list_filter = ["kind", "status_after"]
    search_fields = ["action_point__code", "note"]
    list_select_related = ["action_point", "author"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(admin.ModelAdmin):
    """The delivery log: who got which digest when, and what failed."""

    list_display = ["period", "person", "kind", "status", "attempts", "sent_at", "error"]
    list_filter = ["status", "kind", "period"]
    search_fields = ["person__first_name", "person__last_name", "person__email"]
    list_select_related = ["person__organization"]
    readonly_fields = [f.name for f in DigestDelivery._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """API tokens: listed and revoked here; issued on /api/tokens/, the one place that can
    show a new token (the site keeps only its hash)."""

    list_display = [
        "name",
        "user",
        "created_at",
        "created_by",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "user__username"]
    list_select_related = ["user", "created_by"]
    fields = [
        "user",
        "name",
        "key_hash",
        "created_at",
        "created_by",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    readonly_fields = fields  # type: ignore[assignment]  # names only; typed as field groups
    actions = ["revoke"]

    def add_view(self, request, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("api_tokens"))

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    # A revoked token stays on record (who had access, until when): revoke, never delete.
    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("actions.change_apitoken")

    @admin.action(description=_("Revoke the selected tokens"), permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset) -> None:
        count = revoke_tokens(request, queryset)
        self.message_user(request, _("%(count)d token(s) revoked.") % {"count": count})
