@walkthrough @vendor_8x8 @sso @browser
Feature: Tutorial 002 walkthrough for 8x8 Virtual Office: the Account Manager console
  Tutorial 002 has two 8x8 consoles; Virtual Office customers configure SSO in Account Manager
  (ACCOUNTS > Single Sign On > SAML) instead of the Admin Console. Both write 8x8's one SSO
  setting. This walkthrough then tests IDP-initiated sign-on from My Apps.

  Scenario: An administrator configures 8x8 in Account Manager and B.Simon signs in from My Apps
    Given an administrator who is a Cloud Application Administrator and a User Administrator
    When the administrator signs in to the Microsoft Entra admin center
    And adds "8x8" from the gallery
    And sets up SAML single sign-on for 8x8 with Identifier "https://sso.8x8.com/saml2" and Reply URL "https://sso.8x8.com/saml2"
    And downloads the Certificate (Base64)
    And copies the Login URL, Microsoft Entra Identifier and Logout URL
    And creates the test user "B.Simon" with User principal name "B.Simon@contoso.com" and Email "B.Simon@contoso.com"
    And assigns "B.Simon" to "8x8" with the role "Default Access"
    And in 8x8's Account Manager opens Virtual Office Account Mgr > Sign In > ACCOUNTS > Single Sign On > SAML
    And pastes the Login URL into "Sign In URL"
    And pastes the Logout URL into "Sign Out URL"
    And pastes the Microsoft Entra Identifier into "Issuer URL"
    And uploads the Certificate (Base64) as "Certificate" and saves
    And 8x8 support creates the user "b.simon@contoso.com" named "B.Simon"
    And the administrator signs out
    And B.Simon signs in to My Apps
    And she selects the 8x8 tile
    Then 8x8 shows her signed in as "b.simon@contoso.com"
    And the Response answered no AuthnRequest (IdP-initiated)
