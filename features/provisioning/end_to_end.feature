@provisioning
Feature: Provisioned by SCIM, then signed in by SAML; unassigned, then refused
  The user the provisioning service creates at the vendor is the one the vendor signs in when
  Entra's SAML Response names her; once she is unassigned, the next cycle deactivates her there
  and the vendor turns her away even if Entra still lets her through.

  Scenario Outline: B.Simon, created in <app> by provisioning, signs in to <app>
    Given the tenant has the user B.Simon
    And <app> is added from the gallery for its "<region>" region
    And B.Simon is assigned to <app>
    And <app> is configured as its tutorial says
    And <app> is set up for automatic provisioning
    And the initial provisioning cycle has run
    When B.Simon signs in to <app> through Entra
    Then <app> lets B.Simon in as "B.Simon@contoso.com"

    @vendor_ringcentral
    Examples:
      | app         | region |
      | RingCentral | us     |

    @vendor_8x8
    Examples:
      | app | region |
      | 8x8 | global |

  @vendor_genesys_cloud
  Scenario: B.Simon, created in Genesys Cloud by provisioning, signs in to Genesys Cloud
    Given the tenant has the user B.Simon
    And Genesys Cloud for Azure is added from the gallery for its "com" region
    And the OrganizationName claim of Genesys Cloud for Azure is the constant "Contoso"
    And B.Simon is assigned to Genesys Cloud for Azure
    And the Genesys Cloud for Azure organization is named "Contoso"
    And Genesys Cloud for Azure is configured as its tutorial says
    And Genesys Cloud for Azure is set up for automatic provisioning
    And the initial provisioning cycle has run
    When B.Simon signs in to Genesys Cloud for Azure through Entra
    Then Genesys Cloud for Azure lets B.Simon in as "B.Simon@contoso.com"

  @negative
  Scenario Outline: Unassigned and deactivated in <app>, B.Simon is turned away by <app>
    Given the tenant has the user B.Simon
    And <app> is added from the gallery for its "<region>" region
    And "Assignment required?" of <app> is No
    And B.Simon is assigned to <app>
    And <app> is configured as its tutorial says
    And <app> is set up for automatic provisioning
    And the initial provisioning cycle has run
    When B.Simon is unassigned from <app>
    And 40 minutes pass
    And B.Simon signs in to <app> through Entra
    Then B.Simon is at <app>, inactive
    And <app> turns B.Simon away because "is not active"

    @vendor_ringcentral
    Examples:
      | app         | region |
      | RingCentral | us     |

    @vendor_8x8
    Examples:
      | app | region |
      | 8x8 | global |

  @vendor_genesys_cloud @negative
  Scenario: Unassigned and deactivated in Genesys Cloud, B.Simon is turned away by Genesys Cloud
    Given the tenant has the user B.Simon
    And Genesys Cloud for Azure is added from the gallery for its "com" region
    And the OrganizationName claim of Genesys Cloud for Azure is the constant "Contoso"
    And "Assignment required?" of Genesys Cloud for Azure is No
    And B.Simon is assigned to Genesys Cloud for Azure
    And the Genesys Cloud for Azure organization is named "Contoso"
    And Genesys Cloud for Azure is configured as its tutorial says
    And Genesys Cloud for Azure is set up for automatic provisioning
    And the initial provisioning cycle has run
    When B.Simon is unassigned from Genesys Cloud for Azure
    And 40 minutes pass
    And B.Simon signs in to Genesys Cloud for Azure through Entra
    Then B.Simon is at Genesys Cloud for Azure, inactive
    And Genesys Cloud for Azure turns B.Simon away because "is not active"

  @negative
  Scenario Outline: Unassigned from <app>, B.Simon is stopped by Entra and deactivated in <app>
    Given the tenant has the user B.Simon
    And <app> is added from the gallery for its "<region>" region
    And B.Simon is assigned to <app>
    And <app> is set up for automatic provisioning
    And the initial provisioning cycle has run
    When B.Simon is unassigned from <app>
    And 40 minutes pass
    And B.Simon signs in to <app> through Entra
    Then Entra stops B.Simon with AADSTS50105
    And B.Simon is at <app>, inactive

    @vendor_ringcentral
    Examples:
      | app         | region |
      | RingCentral | us     |

    @vendor_8x8
    Examples:
      | app | region |
      | 8x8 | global |

    @vendor_genesys_cloud
    Examples:
      | app                     | region |
      | Genesys Cloud for Azure | com    |

  @vendor_ringcentral @browser
  Scenario: B.Simon, created in RingCentral by provisioning, signs in from the My Apps tile
    Given the tenant has the user B.Simon
    And RingCentral is added from the gallery for its "us" region
    And B.Simon is assigned to RingCentral
    And RingCentral is configured as its tutorial says
    And RingCentral is set up for automatic provisioning
    And the initial provisioning cycle has run
    When B.Simon signs in to My Apps
    And she selects the RingCentral tile
    Then RingCentral shows her signed in as "B.Simon@contoso.com"
