@walkthrough @vendor_8x8 @sso @browser
Feature: Tutorial 002 walkthrough: integrate 8x8 with Microsoft Entra ID
  The tutorial's own steps in the admin center and in the 8x8 Admin Console.

  Scenario: An administrator follows tutorial 002 and B.Simon signs in at 8x8
    Given an administrator who is a Cloud Application Administrator and a User Administrator
    When the administrator signs in to the Microsoft Entra admin center
    And adds "8x8" from the gallery
    And sets up SAML single sign-on for 8x8 with Identifier "https://sso.8x8.com/saml2" and Reply URL "https://sso.8x8.com/saml2"
    And downloads the Certificate (Base64)
    And copies the Login URL, Microsoft Entra Identifier and Logout URL
    And creates the test user "B.Simon" with User principal name "B.Simon@contoso.com" and Email "B.Simon@contoso.com"
    And assigns "B.Simon" to "8x8" with the role "Default Access"
    And in the 8x8 console opens Identity Management > Single Sign On (SSO) > Microsoft Entra ID
    And pastes the Login URL into "IDP Login URL"
    And pastes the Microsoft Entra Identifier into "IDP Issuer URL/URN"
    And pastes the Logout URL into "IDP Logout URL"
    And uploads the Certificate (Base64) as "Certificate" and saves
    And 8x8 support creates the user "b.simon@contoso.com" named "B.Simon"
    And the administrator signs out
    And she opens the 8x8 sign-on page
    And B.Simon signs in on the Microsoft sign-in page
    Then 8x8 shows her signed in as "b.simon@contoso.com"
