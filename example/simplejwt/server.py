"""A one-file Django REST framework SimpleJWT server for the gateway's tests and `npm run example:simplejwt`.

SimpleJWT as its docs describe it (https://django-rest-framework-simplejwt.readthedocs.io/en/latest/):
`POST /api/token/` (username, password) -> {access, refresh}; `POST /api/token/refresh/` (refresh) ->
{access, refresh} with ROTATE_REFRESH_TOKENS, and BLACKLIST_AFTER_ROTATION so a replayed refresh token
answers 401 "Token is blacklisted"; `POST /api/token/blacklist/` revokes a refresh token.

Beside it, for tests: a counting middleware and `GET /__stats` (logins, refreshes, refusals of blacklisted
tokens; with SIMPLEJWT_RECORD_TOKENS=1 also the refresh tokens the server issued, so a test can look for them
where they must not be), and `GET /api/items` / `GET /api/me` behind JWTAuthentication for the demo app.

Environment: SIMPLEJWT_ACCESS_TTL (s, default 300), SIMPLEJWT_REFRESH_TTL (s, default 86400),
SIMPLEJWT_PORT (default 0: a free port), SIMPLEJWT_DATA_DIR (the SQLite file's directory; default a temporary
one). It binds 127.0.0.1 only, migrates at start, seeds the demo users, then prints `READY <port>`.
Run it with Debian's interpreter, /usr/bin/python3 (python3-djangorestframework-simplejwt).
"""

import json
import os
import sys
import tempfile
import threading
from datetime import timedelta

import django
from django.conf import settings

ACCESS_TTL = float(os.environ.get("SIMPLEJWT_ACCESS_TTL", "300"))
REFRESH_TTL = float(os.environ.get("SIMPLEJWT_REFRESH_TTL", "86400"))
PORT = int(os.environ.get("SIMPLEJWT_PORT", "0"))
RECORD_TOKENS = os.environ.get("SIMPLEJWT_RECORD_TOKENS") == "1"

DATA_DIR = os.environ.get("SIMPLEJWT_DATA_DIR") or tempfile.mkdtemp(prefix="simplejwt-")

# The seeded accounts. Their passwords are public on purpose: this is a test and demo server.
USERS = [
    {"username": "alice", "password": "alice-password", "name": "Alice Admin", "role": "admin",
     "items": ["Rotate the signing key", "Review the audit log"]},
    {"username": "bob", "password": "bob-password", "name": "Bob Builder", "role": "member",
     "items": ["Fix the login page"]},
]

settings.configure(
    DEBUG=False,
    SECRET_KEY="test-only-simplejwt-signing-key-not-a-secret-0123456789",
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    USE_TZ=True,
    DATABASES={
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.path.join(DATA_DIR, "db.sqlite3"),
            # Concurrent refreshes write the blacklist from several threads: wait for SQLite's lock.
            "OPTIONS": {"timeout": 30},
        }
    },
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    INSTALLED_APPS=[
        "django.contrib.contenttypes",
        "django.contrib.auth",
        "rest_framework",
        "rest_framework_simplejwt.token_blacklist",
    ],
    MIDDLEWARE=[__name__ + ".CountingMiddleware"],
    # Seeding and signing in stay fast on a small machine; this server keeps only throwaway test accounts.
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    REST_FRAMEWORK={
        "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework_simplejwt.authentication.JWTAuthentication"],
        "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
        "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
        "UNAUTHENTICATED_USER": None,
    },
    SIMPLE_JWT={
        "ACCESS_TOKEN_LIFETIME": timedelta(seconds=ACCESS_TTL),
        "REFRESH_TOKEN_LIFETIME": timedelta(seconds=REFRESH_TTL),
        "ROTATE_REFRESH_TOKENS": True,
        "BLACKLIST_AFTER_ROTATION": True,
        "UPDATE_LAST_LOGIN": False,
        "TOKEN_OBTAIN_SERIALIZER": __name__ + ".ObtainSerializer",
    },
    LOGGING_CONFIG=None,
)
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402
from rest_framework.decorators import api_view  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer  # noqa: E402
from rest_framework_simplejwt.views import (  # noqa: E402
    TokenBlacklistView,
    TokenObtainPairView,
    TokenRefreshView,
)


def profile(user):
    extra = next((u for u in USERS if u["username"] == user.username), {})
    return {"id": str(user.pk), "username": user.username, "name": extra.get("name", user.username),
            "role": extra.get("role", "member")}


class ObtainSerializer(TokenObtainPairSerializer):
    """Puts the user's profile into the refresh token; SimpleJWT copies it into every access token."""

    @classmethod
    def get_token(cls, user):
        token = super().get_token(user)
        for key, value in profile(user).items():
            if key != "id":
                token[key] = value
        return token


STATS = {"logins": 0, "loginFailures": 0, "refreshes": 0, "refreshRefusals": 0, "blacklisted": 0,
         "blacklists": 0}
STATS_LOCK = threading.Lock()
# Every refresh token this server issued, at login and at rotation (SimpleJWT 5.2 records only the first in
# its OutstandingToken table). Test-only: lets a test look for them where they must not be.
ISSUED = []


def count(key):
    with STATS_LOCK:
        STATS[key] += 1


class CountingMiddleware:
    """Counts the token endpoints' answers, so tests assert how often the upstream was called."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "POST":
            ok = 200 <= response.status_code < 300
            if RECORD_TOKENS and ok and request.path in ("/api/token/", "/api/token/refresh/"):
                issued = json.loads(response.content).get("refresh")
                if issued:
                    with STATS_LOCK:
                        ISSUED.append(issued)
            if request.path == "/api/token/":
                count("logins" if ok else "loginFailures")
            elif request.path == "/api/token/refresh/":
                if ok:
                    count("refreshes")
                else:
                    count("refreshRefusals")
                    if b"blacklisted" in getattr(response, "content", b""):
                        count("blacklisted")
            elif request.path == "/api/token/blacklist/" and ok:
                count("blacklists")
        return response


def stats(request):
    with STATS_LOCK:
        body = dict(STATS)
        body["refreshTokens"] = list(ISSUED)
    return JsonResponse(body)


@api_view(["GET"])
def me(request):
    return Response(profile(request.user))


@api_view(["GET"])
def items(request):
    extra = next((u for u in USERS if u["username"] == request.user.username), {"items": []})
    return Response({"items": [{"id": f"{request.user.pk}-{i}", "title": title, "done": False}
                               for i, title in enumerate(extra["items"])]})


urlpatterns = [
    path("api/token/", TokenObtainPairView.as_view()),
    path("api/token/refresh/", TokenRefreshView.as_view()),
    path("api/token/blacklist/", TokenBlacklistView.as_view()),
    path("api/me", me),
    path("api/items", items),
    path("__stats", stats),
]


class QuietHandler(WSGIRequestHandler):
    # Request lines are not logged: the output stays readable, and a token in a URL would never reach it.
    def log_message(self, format, *args):
        pass


def main():
    call_command("migrate", verbosity=0, interactive=False)
    User = get_user_model()
    for user in USERS:
        if not User.objects.filter(username=user["username"]).exists():
            User.objects.create_user(username=user["username"], password=user["password"])
    server = ThreadedWSGIServer(("127.0.0.1", PORT), QuietHandler, ipv6=False)
    server.daemon_threads = True
    server.set_app(get_wsgi_application())
    print(f"READY {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
