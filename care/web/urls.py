from django.urls import path

from care.web import views

app_name = "care"

urlpatterns = [
    path("", views.home, name="home"),
    path("mine/", views.mine, name="mine"),
    path("leave/", views.carer_leave, name="carer_leave"),
    path("households/<int:household_id>/assign/", views.assign, name="assign"),
    path("assignments/<int:assignment_id>/", views.assignment_detail, name="assignment"),
]
