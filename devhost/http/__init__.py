"""The HTTP front of the host: app routes as ASP.NET matches them, request conversion, admin and webhooks."""
