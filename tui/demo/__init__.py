"""The offline demo: a signing identity, Entra-shaped SAMLResponses and a local STS (moto)."""
