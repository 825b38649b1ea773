@vendor_ringcentral @sso @browser
Feature: RingCentral single sign-on with Microsoft Entra ID (tutorial 000)
  RingCentral supports IdP-initiated SSO: the user starts from My Apps, Entra posts a signed
  Response to RingCentral's ACS, and RingCentral signs in the user whose email it received.

  Background:
    Given the tenant has the user B.Simon
    And RingCentral is added from the gallery with Identifier "https://sso.ringcentral.com" and Reply URL "https://sso.ringcentral.com/sp/ACS.saml2"
    And B.Simon is assigned to RingCentral
    And RingCentral is given the App Federation Metadata
    And RingCentral maps the email attribute to "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
    And RingCentral has SSO enabled, allowing SSO or RingCentral credentials
    And B.Simon exists and is active in RingCentral as "b.simon@contoso.com"

  Scenario: B.Simon signs in to RingCentral from My Apps
    When B.Simon signs in to My Apps
    And she selects the RingCentral tile
    Then RingCentral shows her signed in as "b.simon@contoso.com"
    And RingCentral received her email in the mapped attribute
    And the Response was signed over the assertion with RSA-SHA256 by the RingCentral app's own certificate
    And RingCentral verified it with the certificate from the metadata it was given

  @negative
  Scenario: RingCentral refuses a Response signed with a different key
    Given the tenant's next Response is signed with a different key
    When B.Simon signs in to My Apps
    And she selects the RingCentral tile
    Then RingCentral refuses the sign-in because the signature check failed
    And she is not signed in to RingCentral
