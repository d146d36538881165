from django.urls import URLPattern, path

from mobilisation.web import deployment_views as views

urlpatterns: list[URLPattern] = [
    path("checkin/<str:token>/", views.checkin, name="checkin"),
    path("checkin/<str:token>/register/", views.checkin_register, name="checkin_register"),
    path("deployments/", views.deployments, name="deployments"),
    path("deployments/mine/", views.my_deployment, name="my_deployment"),
    path("deployments/<int:deployment_id>/", views.deployment_detail, name="deployment"),
    path("deployments/links/", views.checkin_links, name="checkin_links"),
    path("deployments/links/<int:link_id>/qr.svg", views.checkin_qr, name="checkin_qr"),
    path("coverage/", views.coverage_page, name="coverage"),
    path("units/<int:unit_id>/deploy/", views.unit_deploy, name="unit_deploy"),
    path("members/<int:member_id>/deploy/", views.member_deploy, name="member_deploy"),
]
