@sso
Feature: Every vendor's ACS checks the Response strictly and says which check failed
  A careful SP (issue 4, SAML Profiles §4.1.4.3) trusts only the IdP certificate it was given,
  the IdP issuer it was told, its own identifier and ACS, the times with 5 minutes of skew, its
  own requests, each assertion once and a Success status. The tenant's one-shot overrides break
  one thing in its next Response; the vendor's own error page names the check that failed.

  @negative
  Scenario Outline: <vendor> refuses a Response that <fault>
    Given <vendor> and the tenant are set up for <mode> sign-on as its tutorial says
    And B.Simon exists and is active in <vendor>
    And the tenant's next Response to <vendor> <fault>
    When B.Simon signs in to <vendor> from a plain HTTP browser
    Then the <vendor> error page says the <check> check failed

    @vendor_ringcentral
    Examples: RingCentral (IdP-initiated only)
      | vendor      | mode          | fault                                 | check         |
      | RingCentral | IdP-initiated | is signed by another key              | signature     |
      | RingCentral | IdP-initiated | is unsigned                           | signature     |
      | RingCentral | IdP-initiated | names another issuer                  | issuer        |
      | RingCentral | IdP-initiated | names another audience                | audience      |
      | RingCentral | IdP-initiated | names another Recipient               | recipient     |
      | RingCentral | IdP-initiated | names another Destination             | destination   |
      | RingCentral | IdP-initiated | expired 6 minutes ago                 | expired       |
      | RingCentral | IdP-initiated | is valid only from 6 minutes from now | not_yet_valid |
      | RingCentral | IdP-initiated | has the status RequestDenied          | status        |

    @vendor_8x8
    Examples: 8x8 (SP-initiated)
      | vendor | mode         | fault                                 | check          |
      | 8x8    | SP-initiated | is signed by another key              | signature      |
      | 8x8    | SP-initiated | is unsigned                           | signature      |
      | 8x8    | SP-initiated | names another issuer                  | issuer         |
      | 8x8    | SP-initiated | names another audience                | audience       |
      | 8x8    | SP-initiated | names another Recipient               | recipient      |
      | 8x8    | SP-initiated | names another Destination             | destination    |
      | 8x8    | SP-initiated | expired 6 minutes ago                 | expired        |
      | 8x8    | SP-initiated | is valid only from 6 minutes from now | not_yet_valid  |
      | 8x8    | SP-initiated | answers another request               | in_response_to |
      | 8x8    | SP-initiated | has the status RequestDenied          | status         |

    @vendor_genesys_cloud
    Examples: Genesys Cloud for Azure (SP-initiated)
      | vendor                  | mode         | fault                                 | check          |
      | Genesys Cloud for Azure | SP-initiated | is signed by another key              | signature      |
      | Genesys Cloud for Azure | SP-initiated | is unsigned                           | signature      |
      | Genesys Cloud for Azure | SP-initiated | names another issuer                  | issuer         |
      | Genesys Cloud for Azure | SP-initiated | names another audience                | audience       |
      | Genesys Cloud for Azure | SP-initiated | names another Recipient               | recipient      |
      | Genesys Cloud for Azure | SP-initiated | names another Destination             | destination    |
      | Genesys Cloud for Azure | SP-initiated | expired 6 minutes ago                 | expired        |
      | Genesys Cloud for Azure | SP-initiated | is valid only from 6 minutes from now | not_yet_valid  |
      | Genesys Cloud for Azure | SP-initiated | answers another request               | in_response_to |
      | Genesys Cloud for Azure | SP-initiated | has the status RequestDenied          | status         |

  Scenario Outline: <vendor> accepts a Response <fault> (within its 5 minutes of skew)
    Given <vendor> and the tenant are set up for <mode> sign-on as its tutorial says
    And B.Simon exists and is active in <vendor>
    And the tenant's next Response to <vendor> <fault>
    When B.Simon signs in to <vendor> from a plain HTTP browser
    Then the <vendor> landing page shows her signed in
    And by the clock the assertion she posted <state>

    @vendor_ringcentral
    Examples: RingCentral
      | vendor      | mode          | fault                                 | state             |
      | RingCentral | IdP-initiated | expired 4 minutes ago                 | had expired       |
      | RingCentral | IdP-initiated | is valid only from 4 minutes from now | was not yet valid |

    @vendor_8x8
    Examples: 8x8
      | vendor | mode         | fault                                 | state             |
      | 8x8    | SP-initiated | expired 4 minutes ago                 | had expired       |
      | 8x8    | SP-initiated | is valid only from 4 minutes from now | was not yet valid |

    @vendor_genesys_cloud
    Examples: Genesys Cloud for Azure
      | vendor                  | mode         | fault                                 | state             |
      | Genesys Cloud for Azure | SP-initiated | expired 4 minutes ago                 | had expired       |
      | Genesys Cloud for Azure | SP-initiated | is valid only from 4 minutes from now | was not yet valid |

  @negative
  Scenario Outline: <vendor> refuses the replay of an assertion it accepted
    Given <vendor> and the tenant are set up for IdP-initiated sign-on as its tutorial says
    And B.Simon exists and is active in <vendor>
    When B.Simon signs in to <vendor> from a plain HTTP browser
    Then the <vendor> landing page shows her signed in
    When the same Response is posted to <vendor> again
    Then the <vendor> error page says the replay check failed

    @vendor_ringcentral
    Examples: RingCentral
      | vendor      |
      | RingCentral |

    @vendor_8x8
    Examples: 8x8
      | vendor |
      | 8x8    |

    @vendor_genesys_cloud
    Examples: Genesys Cloud for Azure
      | vendor                  |
      | Genesys Cloud for Azure |

  @browser @negative @vendor_ringcentral
  Scenario: In the browser, RingCentral refuses a Response for another audience
    Given RingCentral and the tenant are set up for IdP-initiated sign-on as its tutorial says
    And B.Simon exists and is active in RingCentral
    And the tenant's next Response to RingCentral names another audience
    When B.Simon signs in to My Apps
    And she selects the RingCentral tile
    Then RingCentral refuses the sign-in because the audience check failed
    And she is not signed in to RingCentral
