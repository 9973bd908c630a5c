from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "dispatch.demo"
    label = "demo"
