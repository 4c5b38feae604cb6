import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frame.settings")
os.umask(0o077)  # files the server creates (SQLite WAL, uploads) are private to this user
application = get_wsgi_application()
