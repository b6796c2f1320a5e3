"""`origins-lint inventory`: every trusted entry and what it admits; the policy as the source of truth."""
