"""Pages of the inventory app, one module per area; each module lists its own `urlpatterns`."""
