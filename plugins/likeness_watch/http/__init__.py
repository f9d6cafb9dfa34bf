"""The one HTTP client every hub adapter uses."""

from likeness_watch.http.client import HubClient, HubHTTPError, JsonResponse, MalformedResponse

__all__ = ["HubClient", "HubHTTPError", "JsonResponse", "MalformedResponse"]
