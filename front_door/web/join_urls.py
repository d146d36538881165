from django.urls import path

from front_door.web import code_views, join_views, request_views

urlpatterns = [
    path("join/<str:join_token>/", join_views.join_start, name="join"),
    path("join/<str:join_token>/code/", join_views.join_code, name="join_code"),
    path("join/<str:join_token>/details/", join_views.join_details, name="join_details"),
    path("join/<str:join_token>/status/", join_views.join_status, name="join_status"),
    path("join-codes/", code_views.code_list, name="code_list"),
    path("join-codes/place/<int:place_id>/", code_views.code_action, name="code_action"),
    path(
        "join-codes/place/<int:place_id>/posters/",
        code_views.community_posters,
        name="community_posters",
    ),
    path("join-codes/<int:join_code_id>/poster/", code_views.code_poster, name="code_poster"),
    path("join-codes/<int:join_code_id>/qr.png", code_views.code_png, name="code_png"),
    path("join-requests/", request_views.request_list, name="join_requests"),
    path(
        "join-requests/<int:join_request_id>/",
        request_views.request_detail,
        name="join_request",
    ),
]
