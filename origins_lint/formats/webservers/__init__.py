"""Web servers that set CORS headers themselves: Apache httpd, Caddy, HAProxy.

Each server has its own subpackage or module here, whose docstring states how that server
decides what it sends (which directives, which conditions, how a pattern matches the
request's `Origin`) and cites the server's source and tests.
"""
