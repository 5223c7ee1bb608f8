"""The key the audit chain is signed with, kept out of the database.

Each row's hash is an HMAC under this key, so that whoever can write to the
database but does not hold the key cannot forge a row or recompute the
chain after changing one. Production reads the key from AUDIT_CHAIN_KEY
(settings refuse to start without it). Development and tests use a key
generated once into ``var/audit-chain.key``: SECRET_KEY is not a choice
there, since it is made afresh at every start and a chain signed yesterday
would no longer verify today.
"""

import hashlib
import hmac
import os
import secrets
from contextlib import suppress
from pathlib import Path

from django.conf import settings

# Keys read from a development key file, by path: one read per process.
_file_keys: dict[Path, bytes] = {}


def chain_key() -> bytes:
    configured = getattr(settings, "AUDIT_CHAIN_KEY", "")
    if configured:
        return configured.encode()
    return _development_key(Path(settings.BASE_DIR) / "var" / "audit-chain.key")


def sign(message: str, *, key: bytes | None = None) -> str:
    """HMAC-SHA256 of ``message`` in hex, under the chain key."""
    key = chain_key() if key is None else key
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def _development_key(path: Path) -> bytes:
    key = _file_keys.get(path)
    if key is None:
        if not path.exists():
            _create_key_file(path)
        key = path.read_text(encoding="ascii").strip().encode()
        _file_keys[path] = key
    return key


def _create_key_file(path: Path) -> None:
    """Write a new random key where no key is yet. Written aside and linked
    into place, so that two processes starting at once agree on one key and
    neither reads a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as draft_file:
            draft_file.write(secrets.token_urlsafe(48) + "\n")
        # Another process may have been first: its key is the one.
        with suppress(FileExistsError):
            os.link(draft, path)
    finally:
        draft.unlink(missing_ok=True)
