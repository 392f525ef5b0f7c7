"""Password hashing at OWASP's Argon2id parameters (19 MiB, two passes, one lane).

Django's defaults (100 MiB, eight lanes) made each login peak a worker at about twice its
resting memory; OWASP's minimum for Argon2id is as strong against guessing per unit of
server cost. Hashes made with other parameters are upgraded at the next login.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
