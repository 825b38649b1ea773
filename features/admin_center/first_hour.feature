@browser
Feature: The first hour in the admin center (tutorial 000)
  What a person meets first: the administrator `entra-harness up` shows signs in, Entra's
  account manager says who is signed in and switches or signs out, the navigation is in the
  tutorials' words, and RingCentral's Step 1 keeps the metadata file when Save is pressed.

  Scenario: The administrator up shows signs in, switches to B.Simon, who is refused, and signs out
    Given the administrator entra-harness up creates
    And the tenant has the user B.Simon
    When the administrator signs in to the admin center with the password entra-harness up shows
    Then the account manager shows "Contoso Admin" signed in as "admin@contoso.com"
    When she chooses "Sign in with a different account" and signs in as B.Simon
    Then the admin center refuses her: "B.Simon@contoso.com needs at least the Cloud Application Administrator role"
    And the account manager shows "B.Simon" signed in as "B.Simon@contoso.com"
    When she chooses "Sign out" in the account manager
    Then Entra shows that she signed out, and the admin center asks who signs in

  Scenario: The administrator browses to Enterprise applications and All users as the tutorials say
    Given the administrator entra-harness up creates
    When the administrator signs in to the admin center with the password entra-harness up shows
    And the administrator browses to "Identity > Users > All users"
    Then the page "All users" is shown under the breadcrumb "Home > All users"
    When the administrator browses to "Identity > Applications > Enterprise applications"
    Then the page "Enterprise applications" is shown under the breadcrumb "Home > Enterprise applications"

  @vendor_ringcentral @sso
  Scenario: RingCentral's Step 1: the metadata file chosen with Browse is kept by Save (step d)
    Given the administrator entra-harness up creates
    When the administrator signs in to the admin center with the password entra-harness up shows
    And adds "RingCentral" from the gallery
    And sets up SAML single sign-on for RingCentral with Identifier "https://sso.ringcentral.com" and Reply URL "https://sso.ringcentral.com/sp/ACS.saml2"
    And downloads the Federation Metadata XML
    And in the RingCentral console opens Tools > Single Sign-on
    And in Step 1 selects Edit and chooses the metadata file with Browse, without uploading it
    And maps "Map Email Attribute to" to "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress" and saves
    Then RingCentral's SSO General Information shows the tenant's Entity ID and Sign-in URL
    And RingCentral keeps "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress" as "Map Email Attribute to"
