"""The LTI fixtures (tool_app, tool, lms) are in tests/conftest.py, shared with tests/browser."""
