"""Settings for the test suite: the real settings, with static files served from the source tree."""

from jxc.config.settings import *  # noqa: F403
from jxc.config.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Hashing passwords with PBKDF2 at full strength would dominate the suite's run time.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
