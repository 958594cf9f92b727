from django.urls import path

from . import tokens, views

urlpatterns = [
    path("api/actions/", views.action_list, name="api_action_list"),
    path("api/actions/<int:pk>/", views.action_detail, name="api_action_detail"),
    path("api/tokens/", tokens.token_list, name="api_tokens"),
    path("api/tokens/<int:pk>/revoke/", tokens.token_revoke, name="api_token_revoke"),
]
