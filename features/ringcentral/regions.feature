@vendor_ringcentral @sso @browser
Feature: RingCentral in the United States and in Europe (tutorial 000)
  The tutorial lists two Identifiers and two Reply URLs; each is a separate RingCentral
  deployment with its own SP, and RingCentral supports IdP-initiated sign-on only.

  Scenario Outline: B.Simon signs in to RingCentral <region> from My Apps
    Given the tenant has the user B.Simon
    And RingCentral is added from the gallery for its "<region>" region
    And B.Simon is assigned to RingCentral
    And RingCentral is configured as its tutorial says
    And B.Simon exists and is active in RingCentral
    When B.Simon signs in to My Apps
    And she selects the RingCentral tile
    Then RingCentral shows her signed in as "b.simon@contoso.com"

    Examples:
      | region |
      | us     |
      | eu     |

  @negative
  Scenario: RingCentral has no SP-initiated sign-on
    Given the tenant has the user B.Simon
    And RingCentral is added from the gallery for its "us" region
    And RingCentral is configured as its tutorial says
    When she opens the RingCentral sign-on page
    Then RingCentral says "does not support SP-initiated sign-on"
