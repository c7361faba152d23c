"""Patterns for request schemas that state the domain's rules on text, so the OpenAPI document
tells clients what the service accepts.

Written with explicit characters, never `\\s`: each regex dialect (Python's, Rust's in
pydantic, ECMAScript's in clients and test generators) means other characters by `\\s`.
"""

# What `str.strip()` removes: the characters for which `str.isspace()` is true.
WHITESPACE = r"\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# Text PostgreSQL can store: no NUL.
STORABLE_TEXT = r"^[^\x00]*$"
# Storable text that is not blank once stripped.
NOT_BLANK_TEXT = rf"^[{WHITESPACE}]*[^{WHITESPACE}\x00][^\x00]*$"
