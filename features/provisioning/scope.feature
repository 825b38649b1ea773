@provisioning
Feature: Who is provisioned: assignment, the Default Access role and scoping filters
  Tutorials 001 and 003 (2019) say users assigned only the "Default Access" role are excluded
  and marked "not effectively entitled" in the provisioning logs; configurations made after
  2020-04-16 treat Default Access like any other role. Which rule a job follows is a job setting.
  A scoping filter on the user mapping limits provisioning further.

  @negative
  Scenario Outline: Under the 2019 rule, B.Simon with only Default Access is not provisioned to <app>
    Given the tenant has the user B.Simon
    And <app> is set up for automatic provisioning
    And the provisioning job of <app> follows the 2019 Default Access rule
    And the admin assigns B.Simon to <app> with the role "Default Access"
    When the provisioning cycle runs
    Then B.Simon is not at <app>
    And the provisioning logs of <app> show B.Simon skipped as not effectively entitled

    @vendor_ringcentral
    Examples:
      | app         |
      | RingCentral |

    @vendor_8x8
    Examples:
      | app |
      | 8x8 |

    @vendor_genesys_cloud
    Examples:
      | app                     |
      | Genesys Cloud for Azure |

  Scenario Outline: Under the 2019 rule, B.Simon assigned an app role of her own is provisioned to <app>
    Given the tenant has the user B.Simon
    And <app> is set up for automatic provisioning
    And the provisioning job of <app> follows the 2019 Default Access rule
    And <app> has the app role "User"
    And the admin assigns B.Simon to <app> with the role "User"
    When the provisioning cycle runs
    Then B.Simon is at <app>, active

    @vendor_ringcentral
    Examples:
      | app         |
      | RingCentral |

    @vendor_8x8
    Examples:
      | app |
      | 8x8 |

    @vendor_genesys_cloud
    Examples:
      | app                     |
      | Genesys Cloud for Azure |

  Scenario Outline: Under the current rule, B.Simon with Default Access is provisioned to <app> like any role
    Given the tenant has the user B.Simon
    And <app> is set up for automatic provisioning
    And the provisioning job of <app> follows the current Default Access rule
    And the admin assigns B.Simon to <app> with the role "Default Access"
    When the provisioning cycle runs
    Then B.Simon is at <app>, active

    @vendor_ringcentral
    Examples:
      | app         |
      | RingCentral |

    @vendor_8x8
    Examples:
      | app |
      | 8x8 |

    @vendor_genesys_cloud
    Examples:
      | app                     |
      | Genesys Cloud for Azure |

  Scenario Outline: The scoping filter "department EQUALS Sales" provisions only the Sales people to <app>
    Given the tenant has 6 generated people
    And <app> is set up for automatic provisioning
    And the user scoping filter of <app> is "department EQUALS Sales"
    And the generated people are assigned to <app>
    When the provisioning cycle runs
    Then exactly the generated people in department "Sales" are at <app>
    And the provisioning logs of <app> show the others skipped by the scoping filter

    @vendor_ringcentral
    Examples:
      | app         |
      | RingCentral |

    @vendor_8x8
    Examples:
      | app |
      | 8x8 |

    @vendor_genesys_cloud
    Examples:
      | app                     |
      | Genesys Cloud for Azure |

  Scenario Outline: B.Simon moves out of Sales and is disabled at <app>
    Given the tenant has the user B.Simon with this profile:
      | department | Sales |
    And <app> is set up for automatic provisioning
    And the user scoping filter of <app> is "department EQUALS Sales"
    And B.Simon is assigned to <app>
    And the initial provisioning cycle has run
    When B.Simon's department changes to "Support" in the tenant
    And 40 minutes pass
    Then the cycle sent <app> one PATCH for B.Simon:
      """
      {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
       "Operations": [{"op": "Replace", "path": "active", "value": "False"}]}
      """
    And B.Simon is at <app>, inactive

    @vendor_ringcentral
    Examples:
      | app         |
      | RingCentral |

    @vendor_8x8
    Examples:
      | app |
      | 8x8 |

    @vendor_genesys_cloud
    Examples:
      | app                     |
      | Genesys Cloud for Azure |
