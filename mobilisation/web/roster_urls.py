from django.urls import path

from mobilisation.web import roster_views as views

urlpatterns = [
    path("roster/", views.roster, name="roster"),
    path("roster/now/", views.on_duty, name="on_duty"),
    path("posts/<int:post_id>/plan/", views.shift_plan, name="shift_plan"),
    path("shifts/<int:shift_id>/", views.shift_detail, name="shift"),
    path("mine/", views.mine, name="mine"),
    path(
        "shift-assignments/<int:shift_assignment_id>/check-in/",
        views.check_in,
        name="check_in",
    ),
    path(
        "shift-assignments/<int:shift_assignment_id>/check-out/",
        views.check_out,
        name="check_out",
    ),
]
