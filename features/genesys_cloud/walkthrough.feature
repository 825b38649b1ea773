@walkthrough @vendor_genesys_cloud @sso @browser
Feature: Tutorial 004 walkthrough: integrate Genesys Cloud for Azure with Microsoft Entra ID
  The tutorial's own steps, in its order, in the admin center and in the Genesys Cloud admin
  (US East region): the Email and OrganizationName claims, the ADFS/Azure AD(Premium) tab with
  the Application ID as Relying Party Identifier, and Add Person. Then each mode of Test SSO.

  Scenario: An administrator follows tutorial 004 and B.Simon signs in from the Genesys Cloud sign-on URL (SP-initiated)
    Given a Genesys Cloud for Azure subscription for the organization "Contoso"
    And an administrator who is a Cloud Application Administrator and a User Administrator
    When the administrator signs in to the Microsoft Entra admin center
    And adds "Genesys Cloud for Azure" from the gallery
    And sets up SAML single sign-on for Genesys Cloud for Azure with Identifier "https://login.mypurecloud.com/saml" and Reply URL "https://login.mypurecloud.com/saml"
    And selects Set additional URLs and enters the Sign on URL "https://login.mypurecloud.com"
    And in Attributes & Claims sets the additional claims
      | Name             | Source    | Value                  |
      | Email            | Attribute | user.userprincipalname |
      | OrganizationName | Constant  | Contoso                |
    And downloads the Certificate (Base64)
    And copies the Login URL, Microsoft Entra Identifier and Logout URL
    And creates the test user "B.Simon" with User principal name "B.Simon@contoso.com" and Email "B.Simon@contoso.com"
    And assigns "B.Simon" to "Genesys Cloud for Azure" with the role "Default Access"
    And in the Genesys Cloud for Azure console opens Admin > Single Sign-on > ADFS/Azure AD(Premium)
    And uploads the Certificate (Base64) into "ADFS Certificate"
    And pastes the Microsoft Entra Identifier into "ADFS Issuer URI"
    And pastes the Login URL into "Target URI"
    And copies the Application ID from the Properties of Genesys Cloud for Azure
    And pastes the Application ID into "Relying Party Identifier"
    And selects Save
    And in the Genesys Cloud for Azure console opens Admin > People
    And selects Add Person and creates "B.simon" with Email "b.simon@contoso.com"
    And the administrator signs out
    And she opens the Genesys Cloud for Azure sign-on page
    And B.Simon signs in on the Microsoft sign-in page
    Then Genesys Cloud for Azure shows her signed in as "b.simon@contoso.com"
    And Genesys Cloud for Azure shows exactly these claims
      | Name             | Value               |
      | Email            | B.Simon@contoso.com |
      | OrganizationName | Contoso             |
    And the Response answered Genesys Cloud for Azure's AuthnRequest

  Scenario: An administrator follows tutorial 004 in IDP-initiated mode and B.Simon signs in from My Apps
    Given a Genesys Cloud for Azure subscription for the organization "Contoso"
    And an administrator who is a Cloud Application Administrator and a User Administrator
    When the administrator signs in to the Microsoft Entra admin center
    And adds "Genesys Cloud for Azure" from the gallery
    And sets up SAML single sign-on for Genesys Cloud for Azure with Identifier "https://login.mypurecloud.com/saml" and Reply URL "https://login.mypurecloud.com/saml"
    And in Attributes & Claims sets the additional claims
      | Name             | Source    | Value                  |
      | Email            | Attribute | user.userprincipalname |
      | OrganizationName | Constant  | Contoso                |
    And downloads the Certificate (Base64)
    And copies the Login URL, Microsoft Entra Identifier and Logout URL
    And creates the test user "B.Simon" with User principal name "B.Simon@contoso.com" and Email "B.Simon@contoso.com"
    And assigns "B.Simon" to "Genesys Cloud for Azure" with the role "Default Access"
    And in the Genesys Cloud for Azure console opens Admin > Single Sign-on > ADFS/Azure AD(Premium)
    And uploads the Certificate (Base64) into "ADFS Certificate"
    And pastes the Microsoft Entra Identifier into "ADFS Issuer URI"
    And pastes the Login URL into "Target URI"
    And copies the Application ID from the Properties of Genesys Cloud for Azure
    And pastes the Application ID into "Relying Party Identifier"
    And selects Save
    And in the Genesys Cloud for Azure console opens Admin > People
    And selects Add Person and creates "B.simon" with Email "b.simon@contoso.com"
    And the administrator signs out
    And B.Simon signs in to My Apps
    And she selects the Genesys Cloud for Azure tile
    Then Genesys Cloud for Azure shows her signed in as "b.simon@contoso.com"
    And Genesys Cloud for Azure shows exactly these claims
      | Name             | Value               |
      | Email            | B.Simon@contoso.com |
      | OrganizationName | Contoso             |
    And the Response answered no AuthnRequest (IdP-initiated)
