@sso @browser @vendor_ringcentral
Feature: Certificate rollover and assignment, seen from RingCentral (tutorial 000)

  Background:
    Given the tenant has the user B.Simon
    And RingCentral is added from the gallery for its "us" region

  @negative
  Scenario: After a certificate rollover RingCentral refuses until it gets the new metadata
    Given B.Simon is assigned to RingCentral
    And RingCentral is configured as its tutorial says
    And B.Simon exists and is active in RingCentral
    And a new SAML signing certificate of RingCentral is made active
    When B.Simon signs in to My Apps
    And she selects the RingCentral tile
    Then RingCentral refuses the sign-in because the signature check failed
    When RingCentral is given the App Federation Metadata again
    And she selects the RingCentral tile again
    Then RingCentral shows her signed in as "b.simon@contoso.com"

  @negative
  Scenario: A user who is not assigned is blocked with AADSTS50105
    Given RingCentral is configured as its tutorial says
    And B.Simon exists and is active in RingCentral
    When B.Simon opens the RingCentral user access URL and signs in
    Then Entra shows the error AADSTS50105
