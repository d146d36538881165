"""The supplies pages, mounted at /supplies/ (namespace "supplies")."""

from django.urls import URLPattern, path

from supplies.web import views

app_name = "supplies"

urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("stocks/<int:stock_id>/", views.stock_detail, name="stock"),
    path("items/", views.item_list, name="items"),
    path("items/<int:item_id>/", views.item_detail, name="item"),
    path("mine/", views.mine, name="mine"),
]
