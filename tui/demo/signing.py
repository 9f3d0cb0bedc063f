"""The demo IdP's signing identity: an RSA key and a self-signed certificate.

The certificate goes into the IAM SAML provider's metadata (as Entra's per-app certificate does),
so the local STS can verify the assertions the demo IdP signs with the key.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import Path
from xml.sax.saxutils import quoteattr

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from tui.core.files import atomic_write, locked
from tui.core.paths import ensure_private_dir

COMMON_NAME = "entra-aws demo IdP"
VALIDITY = timedelta(days=3650)
RENEW_BEFORE = timedelta(days=30)  # a cached certificate this close to expiry is replaced
KEY_FILE = "idp-signing-key.pem"
CERT_FILE = "idp-signing-cert.pem"

MD_NS = "urn:oasis:names:tc:SAML:2.0:metadata"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
PROTOCOL_NS = "urn:oasis:names:tc:SAML:2.0:protocol"
REDIRECT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"


@dataclass(frozen=True)
class SigningKey:
    """A private key (PKCS#8 PEM) and its self-signed certificate (PEM)."""

    key_pem: bytes = field(repr=False)
    cert_pem: bytes

    @cached_property
    def certificate(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.cert_pem)

    @property
    def cert_b64(self) -> str:
        """The DER certificate in base64 on one line, as Entra writes <X509Certificate>."""
        der = self.certificate.public_bytes(serialization.Encoding.DER)
        return base64.b64encode(der).decode("ascii")

    def metadata_xml(self, entity_id: str, sso_url: str | None = None) -> str:
        """IdP federation metadata, the document an IAM SAML provider is created from."""
        sso = (
            f"<SingleSignOnService Binding={quoteattr(REDIRECT_BINDING)} "
            f"Location={quoteattr(sso_url)}/>"
            if sso_url
            else ""
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?>'
            f"<EntityDescriptor xmlns={quoteattr(MD_NS)} entityID={quoteattr(entity_id)}>"
            f"<IDPSSODescriptor protocolSupportEnumeration={quoteattr(PROTOCOL_NS)}>"
            '<KeyDescriptor use="signing">'
            f"<KeyInfo xmlns={quoteattr(DS_NS)}><X509Data>"
            f"<X509Certificate>{self.cert_b64}</X509Certificate>"
            "</X509Data></KeyInfo></KeyDescriptor>"
            f"{sso}</IDPSSODescriptor></EntityDescriptor>"
        )


def _generate() -> SigningKey:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, COMMON_NAME)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return SigningKey(key_pem, cert.public_bytes(serialization.Encoding.PEM))


def _load(folder: Path) -> SigningKey | None:
    """The cached pair if both files are readable, belong together and are not about to expire."""
    try:
        key_pem = (folder / KEY_FILE).read_bytes()
        cert_pem = (folder / CERT_FILE).read_bytes()
        key = serialization.load_pem_private_key(key_pem, password=None)
        cert = x509.load_pem_x509_certificate(cert_pem)
    except (OSError, ValueError, TypeError):
        return None
    same = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ) == cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if not same or cert.not_valid_after_utc - datetime.now(UTC) < RENEW_BEFORE:
        return None
    return SigningKey(key_pem, cert_pem)


def load_signing_key(folder: Path | None = None) -> SigningKey:
    """The demo IdP's key: cached in `folder` (0700, key 0600) when given, else freshly made."""
    if folder is None:
        return _generate()
    ensure_private_dir(folder)
    with locked(folder / KEY_FILE):  # two demos starting at once must not mix their key and cert
        cached = _load(folder)
        if cached is not None:
            return cached
        signing_key = _generate()
        atomic_write(folder / KEY_FILE, signing_key.key_pem, mode=0o600)
        atomic_write(folder / CERT_FILE, signing_key.cert_pem, mode=0o644)
        return signing_key
