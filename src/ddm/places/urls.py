from django.urls import path

from ddm.places import views

app_name = "places"
urlpatterns = [
    path("", views.home, name="home"),
    path("zones/<str:code>/", views.zone, name="zone"),
    path("zones.geojson", views.zones_geojson, name="zones_geojson"),
    path("zones/<str:code>/<str:layer>.geojson", views.zone_geojson, name="zone_geojson"),
    path("municipalities/<str:code>/", views.municipality, name="municipality"),
    path("provinces/<str:code>/", views.province, name="province"),
    path("locate", views.locate, name="locate"),
    path("about/sources", views.sources, name="sources"),
]
