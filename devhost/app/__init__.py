"""The Function App as the Python worker sees it: settings, import, indexing, binding checks, invocation."""
