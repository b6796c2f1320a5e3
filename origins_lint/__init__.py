"""origins-lint: a security linter for CORS and trusted-origin configuration."""

__version__ = "0.1.0"
