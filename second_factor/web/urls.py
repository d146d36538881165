from django.urls import path

from second_factor.web import views

app_name = "second_factor"
urlpatterns = [
    path("security/", views.security, name="security"),
    path("security/enrol/", views.enrol, name="enrol"),
    path("security/enrol/text/", views.enrol_text, name="enrol_text"),
    path("security/verify/", views.verify, name="verify"),
    path("security/recovery-codes/", views.recovery_codes, name="recovery_codes"),
]
