"""Browser tests: Playwright (sync API) driving Debian's Chromium against a live test server."""
