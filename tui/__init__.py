"""entra-aws: sign in to AWS through Microsoft Entra ID (SAML) from a terminal."""

__version__ = "0.1.0"
