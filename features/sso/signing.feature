@sso @browser
Feature: Signing options and algorithms, accepted or refused per vendor
  SAML Certificates > Edit lets the admin sign the assertion (the default), the response, or
  both, with SHA-256 (the default) or SHA-1. RingCentral's metadata wants the assertion signed;
  8x8 (an assumption, a gallery setting) takes either signature but only SHA-256.

  Scenario Outline: <vendor> receives a Response signed "<option>" with <algorithm>
    Given the tenant has the user B.Simon
    And <vendor> is added from the gallery for its "<region>" region
    And the SAML signing of <vendor> is "<option>" with <algorithm>
    And B.Simon is assigned to <vendor>
    And <vendor> is configured as its tutorial says
    And B.Simon exists and is active in <vendor>
    When B.Simon signs in to My Apps
    And she selects the <vendor> tile
    Then <vendor> <outcome>

    @vendor_ringcentral
    Examples: RingCentral
      | vendor      | region | option                           | algorithm | outcome                                                |
      | RingCentral | us     | Sign SAML assertion              | SHA-256   | signs her in                                           |
      | RingCentral | us     | Sign SAML response and assertion | SHA-1     | signs her in                                           |
      | RingCentral | us     | Sign SAML response               | SHA-256   | refuses the sign-in because the signature check failed |

    @vendor_8x8
    Examples: 8x8
      | vendor | region | option              | algorithm | outcome                                                |
      | 8x8    | global | Sign SAML response  | SHA-256   | signs her in                                           |
      | 8x8    | global | Sign SAML assertion | SHA-1     | refuses the sign-in because the signature check failed |
