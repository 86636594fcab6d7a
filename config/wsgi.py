import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
# What is loaded by now (Django, the apps, their modules) lives as long as the process: keep it out of the cyclic
# collector's full passes, which would otherwise scan it on every one (bench/emergency.py: a 150 ms pause).
gc.freeze()
