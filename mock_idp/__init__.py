"""The simulated Microsoft Entra ID tenant: directory, enterprise apps, SAML IdP, My Apps, Graph."""
