@walkthrough @vendor_ringcentral @sso @browser
Feature: Tutorial 000 walkthrough: integrate RingCentral with Microsoft Entra ID
  The tutorial's own steps, in its order, in the admin center and in the RingCentral console.

  Scenario: An administrator follows tutorial 000 and B.Simon signs in from My Apps
    Given an administrator who is a Cloud Application Administrator and a User Administrator
    When the administrator signs in to the Microsoft Entra admin center
    And adds "RingCentral" from the gallery
    And sets up SAML single sign-on for RingCentral with Identifier "https://sso.ringcentral.com" and Reply URL "https://sso.ringcentral.com/sp/ACS.saml2"
    And downloads the Federation Metadata XML
    And creates the test user "B.Simon" with User principal name "B.Simon@contoso.com" and Email "B.Simon@contoso.com"
    And assigns "B.Simon" to "RingCentral" with the role "Default Access"
    And in the RingCentral console opens Tools > Single Sign-on
    And in Step 1 selects Edit and uploads the metadata file
    And maps "Map Email Attribute to" to "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress" and saves
    And selects "Enable SSO Service" and "Allow users to log in with SSO or RingCentral credential" and saves
    And RingCentral support creates the user "b.simon@contoso.com" named "B.Simon"
    And the administrator signs out
    And B.Simon signs in to My Apps
    And she selects the RingCentral tile
    Then RingCentral shows her signed in as "b.simon@contoso.com"
