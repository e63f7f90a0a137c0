from django.urls import path

from relance.web import views

app_name = "web"
urlpatterns = [
    path("", views.today, name="today"),
    path("outbox/<int:pk>/", views.message, name="message"),
    path("health", views.health, name="health"),
]
