from django.urls import path

from accounts.web import session_views, views

app_name = "accounts"
urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("accounts/sessions/", session_views.my_sessions_page, name="sessions"),
    path("accounts/password/", session_views.PasswordChangeView.as_view(), name="password_change"),
    path("language/", views.set_language, name="set_language"),
]
