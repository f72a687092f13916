"""What the functional administrator manages: reference data and people, never case content.

Registered here, in one place, so that the list is easy to review: organisations, locations,
groups, professionals with their memberships, district-team areas, the childcare's fixed
district-team contact and where its signals go, roster rules and availability. Families,
children, cases, signals, plans and consents are deliberately absent (tests/administration
checks the registry)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from kansrijk.access.roles import Role
from kansrijk.accounts import services as account_services
from kansrijk.administration import leavers
from kansrijk.administration.changes import LoggedAdmin, LoggedInline, record_change
from kansrijk.clients.models import PartnerClient, Scope
from kansrijk.clients.services import partner_client_create, partner_client_revoke
from kansrijk.core.models import DistrictArea, Group, Location, Membership, Organisation
from kansrijk.core.models import Professional as ProfessionalModel
from kansrijk.early_years.models import ChildcareRule
from kansrijk.roster.models import Absence, Availability, RosterRule
from kansrijk.safety.models import ChildcareContact


@admin.register(Organisation)
class OrganisationAdmin(LoggedAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Location)
class LocationAdmin(LoggedAdmin):
    list_display = ["name", "code", "kind", "organisation", "district"]
    list_filter = ["kind", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["name", "code"]


@admin.register(Group)
class GroupAdmin(LoggedAdmin):
    list_display = ["name", "location", "kind"]
    list_filter = ["kind", "location"]
    list_select_related = ["location"]
    search_fields = ["name", "location__name"]


@admin.register(DistrictArea)
class DistrictAreaAdmin(LoggedAdmin):
    list_display = ["__str__", "postcode_from", "postcode_to", "district_team"]
    list_select_related = ["district_team"]
    search_fields = ["name", "district_team__name"]


class ChildcareContactForm(forms.ModelForm):
    class Meta:
        model = ChildcareContact
        fields = ["location", "professional"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.filter(  # type: ignore[attr-defined]
            kind=Location.Kind.CHILDCARE
        )
        self.fields["professional"].queryset = (  # type: ignore[attr-defined]
            ProfessionalModel.objects.filter(
                is_active=True,
                memberships__role__in=[Role.DISTRICT_TEAM, Role.FAMILY_SPECIALIST],
            ).distinct()
        )


@admin.register(ChildcareContact)
class ChildcareContactAdmin(LoggedAdmin):
    form = ChildcareContactForm
    list_display = ["location", "professional"]
    list_select_related = ["location", "professional"]


@admin.register(ChildcareRule)
class ChildcareRuleAdmin(LoggedAdmin):
    """Per childcare location: the child centre whose GS and CJG nurse receive its signals
    (with the fixed district-team contact), and which of them becomes the contact person."""

    list_display = ["childcare", "child_centre", "contact"]
    list_filter = ["contact"]
    list_select_related = ["childcare", "child_centre"]


class MembershipInline(LoggedInline):
    model = Membership
    fields = ["role", "organisation", "location", "groups"]
    # A region's groups (~1,000) are searched as typed, not listed in every row (issue 17).
    autocomplete_fields = ["groups"]
    verbose_name = _("membership (role × organisation × location)")
    verbose_name_plural = _("memberships (role × organisation × location)")

    def formfield_for_foreignkey(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        labels = {"organisation": _("organisation"), "location": _("location")}
        if db_field.name in labels:
            kwargs["label"] = labels[db_field.name]
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        if db_field.name == "groups":
            kwargs["queryset"] = Group.objects.select_related("location")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        """The choices are read once per page, not once per membership row."""
        formfield: Any = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and db_field.name in ("organisation", "location"):
            choices = list(iter(formfield.choices))  # iter: no COUNT query first
            formfield.choices = choices
            widget = formfield.widget.widget if hasattr(formfield.widget, "widget") else None
            if widget is not None:  # the admin's wrapper around the select
                widget.choices = choices
        return formfield

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return (
            super()
            .get_queryset(request)
            .select_related("professional", "organisation", "location")
            .prefetch_related("groups")
        )


class ProfessionalForm(forms.ModelForm):
    class Meta:
        model = ProfessionalModel
        fields = ["username", "first_name", "last_name", "email", "phone"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name", "email"):
            self.fields[name].required = True
        self.fields["email"].help_text = _("The invitation to set up the account goes here.")


@admin.register(ProfessionalModel)
class ProfessionalAdmin(LoggedAdmin):
    """People and their roles. A new professional gets an invitation; there is no password
    field: passwords and the authenticator app are set by the person through the invitation.
    Leavers are deactivated (their work handed over), not deleted."""

    form = ProfessionalForm
    inlines = [MembershipInline]
    list_display = ["username", "full_name", "email", "roles", "is_active", "second_factor"]
    list_filter = ["is_active", "memberships__role", "memberships__organisation"]
    search_fields = ["username", "first_name", "last_name", "email"]
    readonly_fields = ["status", "last_login", "date_joined"]
    change_form_template = "administration/professional_change_form.html"

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = ["username", "first_name", "last_name", "email", "phone"]
        return fields + (["status", "last_login", "date_joined"] if obj else [])

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProfessionalModel]:
        memberships = Membership.objects.select_related("organisation", "location")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("memberships", queryset=memberships))
            .annotate(
                has_app=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
            )
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # leavers are deactivated, so the history keeps who did what

    @admin.display(description=_("name"))
    def full_name(self, obj: ProfessionalModel) -> str:
        return obj.get_full_name()

    @admin.display(description=_("roles"))
    def roles(self, obj: ProfessionalModel) -> str:
        return "; ".join(
            f"{m.get_role_display()} @ {m.location or m.organisation}"
            for m in obj.memberships.all()
        )

    @admin.display(description=_("status"))
    def status(self, obj: ProfessionalModel) -> str:
        """Active or deactivated; a leaver is deactivated through "Deactivate (leaver)"."""
        return str(_("active") if obj.is_active else _("deactivated"))

    @admin.display(description=_("authenticator app"), boolean=True)
    def second_factor(self, obj: Any) -> bool:
        return bool(getattr(obj, "has_app", False))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.set_unusable_password()  # set by the person, through the invitation
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Role changes are logged one by one, old and new, besides the change message."""
        changed = [
            (f.instance.pk, f.initial.get("role"), f.cleaned_data.get("role"))
            for f in formset.forms
            if f.instance.pk and "role" in f.changed_data
        ]
        super().save_formset(request, form, formset, change)
        for pk, old, new in changed:
            membership = Membership.objects.filter(pk=pk).first()
            if membership is not None:
                record_change(request, "changed", membership, f"role {old} -> {new}")

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if not change:
            self._invite(request, form.instance)

    def _invite(self, request: HttpRequest, professional: ProfessionalModel, **kwargs: Any) -> None:
        try:
            account_services.invitation_send(
                by=request.user,  # type: ignore[arg-type]
                professional=professional,
                **kwargs,
            )
        except account_services.AccountRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request,
                _("An invitation has been sent to %(email)s; the link works for 72 hours.")
                % {"email": professional.email},
            )

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/deactivate/",
                wrap(leavers.DeactivateView.as_view(model_admin=self)),
                name=f"{name}_deactivate",
            ),
            path("<path:object_id>/invite/", wrap(self.invite_view), name=f"{name}_invite"),
            path(
                "<path:object_id>/reset-second-factor/",
                wrap(self.reset_second_factor_view),
                name=f"{name}_reset_second_factor",
            ),
            *super().get_urls(),
        ]

    def _back(self, professional: ProfessionalModel) -> HttpResponseRedirect:
        return HttpResponseRedirect(
            reverse("admin:core_professional_change", args=[professional.pk])
        )

    def invite_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Send (again) the invitation of someone who has not set up their account yet."""
        return require_POST(self._invite_post)(request, object_id)

    def _invite_post(self, request: HttpRequest, object_id: str) -> HttpResponse:
        professional = get_object_or_404(ProfessionalModel, pk=object_id)
        self._invite(request, professional)
        return self._back(professional)

    def reset_second_factor_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """A lost phone: remove the app and the recovery codes; an invitation follows."""
        return require_POST(self._reset_post)(request, object_id)

    def _reset_post(self, request: HttpRequest, object_id: str) -> HttpResponse:
        professional = get_object_or_404(ProfessionalModel, pk=object_id)
        try:
            account_services.second_factor_reset(
                by=request.user,  # type: ignore[arg-type]
                professional=professional,
            )
        except account_services.AccountRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request,
                _(
                    "The second factor of %(name)s has been removed and every session ended. "
                    "An invitation to set it up again has been sent to %(email)s."
                )
                % {"name": professional, "email": professional.email},
            )
        return self._back(professional)


@admin.register(RosterRule)
class RosterRuleAdmin(LoggedAdmin):
    list_display = ["code", "label", "function", "amount", "unit", "active"]
    list_filter = ["function", "active"]
    search_fields = ["code", "label"]
    filter_horizontal = ["locations"]
    autocomplete_fields = ["people"]  # searched as typed: a region has thousands of people


@admin.register(Availability)
class AvailabilityAdmin(LoggedAdmin):
    list_display = ["professional", "hours_per_week", "days_off", "half_days"]
    list_select_related = ["professional"]
    search_fields = ["professional__first_name", "professional__last_name"]
    filter_horizontal = ["locations"]
    autocomplete_fields = ["professional"]


@admin.register(Absence)
class AbsenceAdmin(LoggedAdmin):
    list_display = ["professional", "start", "start_part", "end", "end_part"]
    list_select_related = ["professional"]
    search_fields = ["professional__first_name", "professional__last_name"]
    date_hierarchy = "start"
    autocomplete_fields = ["professional"]


class PartnerClientAddForm(forms.ModelForm):
    """A new partner system: its name, organisation, role (and location) and scopes; the
    client id and secret are shown once after saving."""

    name = forms.CharField(label=_("name of the system"), max_length=200)
    scope_choices = forms.MultipleChoiceField(
        label=_("scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = PartnerClient
        fields = ["organisation", "role", "location"]


@admin.register(PartnerClient)
class PartnerClientAdmin(LoggedAdmin):
    """Partner systems (OAuth 2.0 client credentials): made here, switched off and their
    tokens revoked here (kansrijk.clients.services)."""

    list_display = ["__str__", "role", "scopes", "active", "created_at"]
    list_filter = ["active", "role"]
    list_select_related = ["application", "organisation"]
    actions = ["revoke"]

    def get_form(  # type: ignore[override]
        self, request: HttpRequest, obj: Any = None, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = PartnerClientAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["name", "organisation", "role", "location", "scope_choices"]
        return ["organisation", "role", "location", "scopes", "active"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["organisation", "role", "location", "scopes"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            if not obj.active:
                partner_client_revoke(by=request.user, client=obj)  # type: ignore[arg-type]
            else:
                super().save_model(request, obj, form, change)
            return
        client, secret = partner_client_create(
            by=request.user,  # type: ignore[arg-type]
            name=form.cleaned_data["name"],
            organisation=form.cleaned_data["organisation"],
            role=Role(form.cleaned_data["role"]),
            location=form.cleaned_data["location"],
            scopes=list(form.cleaned_data["scope_choices"]),
        )
        obj.pk, obj.application_id, obj.account_id = (
            client.pk,
            client.application_id,
            client.account_id,
        )
        obj._state.adding = False
        messages.warning(
            request,
            _("Client id %(id)s, secret %(secret)s — copy the secret now: it is not shown again.")
            % {"id": client.application.client_id, "secret": secret},
        )

    @admin.action(description=_("Switch off and revoke tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[PartnerClient]) -> None:
        for client in queryset.select_related("application"):
            partner_client_revoke(by=request.user, client=client)  # type: ignore[arg-type]
        messages.success(request, _("The tokens are revoked; the next call answers 401."))
