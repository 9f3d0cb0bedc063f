"""The domain: config, SAML, STS, sessions, exports and the browser. No Textual, no Rich."""
