from laget.tests.test_browser import browser, demo, page_for  # noqa: F401 (the journey's)
