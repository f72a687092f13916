app_name = "monitor"
urlpatterns: list = []
