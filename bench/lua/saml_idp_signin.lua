-- saml-idp's IdP-initiated sign-in: POST /signin with the user's form, answered with a page
-- that auto-posts a signed Response (saml-idp signs both the Response and its Assertion).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "userName=b.simon%40contoso.com&email=b.simon%40contoso.com"
