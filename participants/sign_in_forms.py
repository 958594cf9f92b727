"""The sign-in forms, with the username's length checked before anyone looks it up.

Django's ``AuthenticationForm`` shows the username's maximum length in the page but does
not check it, and django-axes records every failed attempt's username in a column of 255
characters: a longer one was a database error (500) on PostgreSQL. Both sign-in forms, the
site's and the admin's, refuse it as a form error instead, with no attempt recorded.
"""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _


class _UsernameLengthChecked:
    fields: dict

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(
            MaxLengthValidator(
                field.max_length,
                message=_(
                    "No account has a username this long: usernames have at most "
                    "%(limit_value)d characters."
                ),
            )
        )


class SignInForm(_UsernameLengthChecked, AuthenticationForm):
    pass


class AdminSignInForm(_UsernameLengthChecked, AdminAuthenticationForm):
    pass
