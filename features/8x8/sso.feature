@vendor_8x8 @sso
Feature: 8x8 single sign-on with Microsoft Entra ID (tutorial 002)
  8x8 supports SP- and IdP-initiated sign-on; its Identifier is fixed, so the app can be added
  to a tenant once. The NameID must be the 8x8 userName.

  @browser
  Scenario: B.Simon signs in to 8x8 from My Apps
    Given the tenant has the user B.Simon
    And 8x8 is added from the gallery for its "global" region
    And B.Simon is assigned to 8x8
    And 8x8 is configured as its tutorial says
    And B.Simon exists and is active in 8x8
    When B.Simon signs in to My Apps
    And she selects the 8x8 tile
    Then 8x8 shows her signed in as "b.simon@contoso.com"

  @negative
  Scenario: 8x8 can be added to a tenant only once
    Given 8x8 is added from the gallery for its "global" region
    When the admin adds 8x8 from the gallery a second time
    Then the tenant refuses with "can be added only once"

  @browser
  Scenario: B.Simon signs in to 8x8 from its sign-on URL (SP-initiated)
    Given the tenant has the user B.Simon
    And 8x8 is added from the gallery in SP mode for its "global" region
    And B.Simon is assigned to 8x8
    And 8x8 is configured as its tutorial says
    And B.Simon exists and is active in 8x8
    When she opens the 8x8 sign-on page
    And B.Simon signs in on the Microsoft sign-in page
    Then 8x8 shows her signed in as "b.simon@contoso.com"
    And the Response answered 8x8's AuthnRequest

  @browser @negative
  Scenario: A Reply URL that does not match 8x8's ACS is refused with AADSTS50011
    Given the tenant has the user B.Simon
    And 8x8 is added from the gallery with Identifier "https://sso.8x8.com/saml2" and Reply URL "https://sso.8x8.com/saml2/acs-typo"
    And B.Simon is assigned to 8x8
    And 8x8 is configured as its tutorial says
    When she opens the 8x8 sign-on page
    Then Entra shows the error AADSTS50011

  @browser
  Scenario: Signing out of 8x8 signs B.Simon out of Entra too (single logout)
    Given the tenant has the user B.Simon
    And 8x8 is added from the gallery in SP mode for its "global" region
    And the Logout Url of 8x8 is "https://sso.8x8.com/saml2/logout"
    And B.Simon is assigned to 8x8
    And 8x8 is configured as its tutorial says
    And B.Simon exists and is active in 8x8
    When she opens the 8x8 sign-on page
    And B.Simon signs in on the Microsoft sign-in page
    And she signs out of 8x8
    Then 8x8 says "You are signed out"
    And Entra answered with a LogoutResponse from its login host
    When she opens the 8x8 sign-on page
    Then Entra asks her to sign in again
