"""How passwords are hashed: werkzeug's scrypt at the cost PASSWORD_HASH_METHOD names.

Production keeps werkzeug's default ("scrypt", N=32768: 0.1-0.2 s a hash on two cores, which is
the point). The test suite sets a cheaper cost in its environment (tests/conftest.py): it seeds
dozens of users many times and signs in hundreds of times. The stored hash names its own method
and cost, so a hash made at one cost is checked correctly at any setting.
"""
from __future__ import annotations

import os

from werkzeug.security import generate_password_hash


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=os.environ.get("PASSWORD_HASH_METHOD") or "scrypt")
