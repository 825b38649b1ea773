@sso @negative
Feature: Sign-in needs an existing, active user at the vendor
  Entra signs B.Simon in and posts a good Response, but each vendor signs in only a user of its
  own directory, found its way (RingCentral by the mapped email, 8x8 by the NameID's userName,
  Genesys Cloud by the Email claim), and only while that user is active.

  Scenario Outline: <vendor> refuses B.Simon, who is not a <vendor> user
    Given <vendor> and the tenant are set up for <mode> sign-on as its tutorial says
    When B.Simon signs in to <vendor> from a plain HTTP browser
    Then the <vendor> error page says the unknown_user check failed
    And its reason reads "<reason>"

    @vendor_ringcentral
    Examples: RingCentral
      | vendor      | mode          | reason                                             |
      | RingCentral | IdP-initiated | no RingCentral user with email B.Simon@contoso.com |

    @vendor_8x8
    Examples: 8x8
      | vendor | mode         | reason                          |
      | 8x8    | SP-initiated | no 8x8 user B.Simon@contoso.com |

    @vendor_genesys_cloud
    Examples: Genesys Cloud for Azure
      | vendor                  | mode         | reason                                                           |
      | Genesys Cloud for Azure | SP-initiated | no Genesys Cloud for Azure person with email B.Simon@contoso.com |

  Scenario Outline: <vendor> refuses B.Simon while her <vendor> user is not active
    Given <vendor> and the tenant are set up for <mode> sign-on as its tutorial says
    And B.Simon exists in <vendor> but is not active
    When B.Simon signs in to <vendor> from a plain HTTP browser
    Then the <vendor> error page says the inactive_user check failed
    And its reason reads "the <vendor> user b.simon@contoso.com is not active"

    @vendor_ringcentral
    Examples: RingCentral
      | vendor      | mode          |
      | RingCentral | IdP-initiated |

    @vendor_8x8
    Examples: 8x8
      | vendor | mode         |
      | 8x8    | SP-initiated |

    @vendor_genesys_cloud
    Examples: Genesys Cloud for Azure
      | vendor                  | mode         |
      | Genesys Cloud for Azure | SP-initiated |
