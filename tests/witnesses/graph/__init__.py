"""Graph witnesses: Microsoft's Graph SDKs, unmodified, drive the tenant's Graph API."""
