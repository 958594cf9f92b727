from django.urls import path

from . import account_views, people_views, person_record_views, security_views, views

urlpatterns = [
    path("organizations/", views.organization_list, name="organization_list"),
    path("organizations/<path:acronym>/", views.organization_detail, name="organization_detail"),
    path(
        "accounts/set-password/<uidb64>/<token>/",
        account_views.set_password,
        name="set_password",
    ),
    path("settings/", account_views.settings_page, name="settings"),
    # Instant notices (issue 15)
    path("settings/notices/", account_views.notice_choices, name="notice_choices"),
    path("people/", people_views.people_list, name="people_list"),
    path("people/invite/", people_views.person_invite, name="person_invite"),
    path("people/log/", people_views.access_log, name="access_log"),
    path("people/<int:pk>/", people_views.person_detail, name="person_detail"),
    path("people/<int:pk>/invite/", people_views.person_give_access, name="person_give_access"),
    path("people/<int:pk>/role/", people_views.person_role, name="person_role"),
    path("people/<int:pk>/deactivate/", people_views.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/reactivate/", people_views.person_reactivate, name="person_reactivate"),
    path("people/<int:pk>/resend/", people_views.person_resend, name="person_resend"),
    path("people/<int:pk>/cancel/", people_views.person_cancel, name="person_cancel"),
    path("people/<int:pk>/leave/", people_views.person_leave, name="person_leave"),
    # Data responsibility: people known from an event's report, people who left for good.
    path("people/<int:pk>/confirm/", person_record_views.person_confirm, name="person_confirm"),
    path(
        "people/<int:pk>/anonymise/",
        person_record_views.person_anonymise,
        name="person_anonymise",
    ),
    # Security log
    path("security/log/", security_views.security_log, name="security_log"),
    path("people/<int:pk>/mfa-reset/", security_views.person_mfa_reset, name="person_mfa_reset"),
    # Organisation contacts (issue 15)
    path("people/<int:pk>/contact/", people_views.person_contact, name="person_contact"),
    # The language switch: Django's set_language (django.conf.urls.i18n) wrapped, so that a
    # signed-in person's choice is also kept for their e-mails.
    path("i18n/setlang/", views.set_language, name="set_language"),
]
