"""The demo city: `python manage.py demo` loads the city built in `demo.city`."""
