"""The demo IdP's signing identity: key, certificate, cache and metadata."""

from __future__ import annotations

import base64
import stat
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from defusedxml.ElementTree import fromstring

from tui.demo.signing import (
    CERT_FILE,
    DS_NS,
    KEY_FILE,
    MD_NS,
    SigningKey,
    load_signing_key,
)


def test_fresh_key_is_rsa_2048_with_a_ten_year_self_signed_certificate(signing_key: SigningKey):
    key = serialization.load_pem_private_key(signing_key.key_pem, password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    assert key.key_size == 2048
    cert = x509.load_pem_x509_certificate(signing_key.cert_pem)
    cn = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert cn == "entra-aws demo IdP"
    assert cert.issuer == cert.subject
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert timedelta(days=3640) < lifetime < timedelta(days=3660)
    assert cert.public_key().public_numbers() == key.public_key().public_numbers()


def test_cert_b64_is_the_der_certificate_on_one_line(signing_key: SigningKey):
    der = base64.b64decode(signing_key.cert_b64, validate=True)
    cert = x509.load_der_x509_certificate(der)
    assert cert == x509.load_pem_x509_certificate(signing_key.cert_pem)
    assert "\n" not in signing_key.cert_b64


def test_repr_never_shows_the_private_key(signing_key: SigningKey):
    assert "PRIVATE" not in repr(signing_key)
    assert "key_pem" not in repr(signing_key)


def test_without_a_folder_each_call_makes_a_new_key():
    assert load_signing_key().key_pem != load_signing_key().key_pem


def test_a_folder_caches_the_pair_privately_and_reuses_it(tmp_path):
    folder = tmp_path / "demo" / "idp"
    first = load_signing_key(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / KEY_FILE).stat().st_mode) == 0o600
    assert (folder / CERT_FILE).read_bytes() == first.cert_pem
    second = load_signing_key(folder)
    assert second == first


def test_a_broken_or_mismatched_cache_is_replaced(tmp_path):
    first = load_signing_key(tmp_path)
    (tmp_path / KEY_FILE).write_bytes(b"not a key")
    second = load_signing_key(tmp_path)
    assert second.key_pem != first.key_pem
    (tmp_path / CERT_FILE).write_bytes(first.cert_pem)  # someone else's certificate
    third = load_signing_key(tmp_path)
    assert third.cert_pem != first.cert_pem
    assert load_signing_key(tmp_path) == third


def test_metadata_names_the_entity_and_carries_the_signing_certificate(signing_key: SigningKey):
    entity = "https://sts.windows.net/6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b/"
    xml = signing_key.metadata_xml(entity, sso_url="https://idp.example/saml2?a=1&b=2")
    root = fromstring(xml.encode())
    assert root.tag == f"{{{MD_NS}}}EntityDescriptor"
    assert root.get("entityID") == entity
    descriptor = root.find(f"{{{MD_NS}}}IDPSSODescriptor/{{{MD_NS}}}KeyDescriptor")
    assert descriptor is not None
    assert descriptor.get("use") == "signing"
    cert = descriptor.find(f".//{{{DS_NS}}}X509Certificate")
    assert cert is not None
    assert cert.text == signing_key.cert_b64
    sso = root.find(f".//{{{MD_NS}}}SingleSignOnService")
    assert sso is not None
    assert sso.get("Location") == "https://idp.example/saml2?a=1&b=2"


def test_certificate_is_valid_now(signing_key: SigningKey):
    cert = signing_key.certificate
    assert cert.not_valid_before_utc <= datetime.now(UTC) < cert.not_valid_after_utc
