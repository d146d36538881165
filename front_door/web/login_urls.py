from django.urls import path

from front_door.web import login_views

urlpatterns = [
    path("login/phone/", login_views.login_phone, name="login_phone"),
    path("login/phone/code/", login_views.login_phone_code, name="login_phone_code"),
    path("invite/password/", login_views.invite_password, name="invite_password"),
    path("invite/<str:token>/", login_views.invite, name="invite"),
    path("invite/<str:token>/code/", login_views.invite_code, name="invite_code"),
    path("setup/invite/<int:user_id>/", login_views.setup_invite, name="setup_invite"),
]
