@provisioning
Feature: Assigned users are created, kept in sync and disabled at the vendor (tutorials 001 and 003)
  Entra creates each assigned user at the vendor with every attribute of the gallery app's
  mappings (RingCentral: the 16 attributes of tutorial 001), sends only what changed in the
  incremental cycle about 40 minutes later, and disables, never deletes, a user who is
  unassigned. The request bodies are Entra's own, in its default mode and with the
  aadOptscim062020 flag in the Tenant URL (ENTRA-BEHAVIOUR §8).

  Scenario Outline: B.Simon and five colleagues assigned to <app> arrive with every mapped attribute
    Given the tenant has the user B.Simon with this profile:
      | jobTitle       | Sales Manager       |
      | department     | Sales               |
      | mobilePhone    | +1 425 555 0100     |
      | businessPhones | +1 425 555 0101     |
      | streetAddress  | 1 Microsoft Way     |
      | city           | Redmond             |
      | state          | WA                  |
      | postalCode     | 98052               |
      | country        | US                  |
      | employeeId     | 1001                |
    And the tenant has 5 generated people
    And B.Simon reports to the first generated person
    And <app> is set up for automatic provisioning
    And B.Simon and the generated people are assigned to <app>
    When the provisioning cycle runs
    Then <app> holds 6 users
    And every attribute mapped to <app> arrived for each of them

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

  Scenario Outline: A new job title reaches <app> in the next incremental cycle, and nothing else
    Given the tenant has the user B.Simon with this profile:
      | jobTitle | Sales Manager |
    And the tenant has 3 generated people
    And <app> is set up for automatic provisioning
    And B.Simon and the generated people are assigned to <app>
    And the initial provisioning cycle has run
    When B.Simon's jobTitle changes to "Sales Director" in the tenant
    And 40 minutes pass
    Then the cycle sent <app> one PATCH for B.Simon:
      """
      {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
       "Operations": [{"op": "Replace", "path": "title", "value": "Sales Director"}]}
      """

    @vendor_8x8
    Examples:
      | app |
      | 8x8 |

    @vendor_genesys_cloud
    Examples:
      | app                     |
      | Genesys Cloud for Azure |

  # RingCentral's SCIM schema has no displayName (ENTRA-BEHAVIOUR §9: dropped from the connector
  # in 2020) but tutorial 001's table maps it: Entra finds it missing and adds it again with
  # every change it sends.
  @vendor_ringcentral
  Scenario: A new job title reaches RingCentral in the next incremental cycle, with the displayName it never keeps
    Given the tenant has the user B.Simon with this profile:
      | jobTitle | Sales Manager |
    And the tenant has 3 generated people
    And RingCentral is set up for automatic provisioning
    And B.Simon and the generated people are assigned to RingCentral
    And the initial provisioning cycle has run
    When B.Simon's jobTitle changes to "Sales Director" in the tenant
    And 40 minutes pass
    Then the cycle sent RingCentral one PATCH for B.Simon:
      """
      {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
       "Operations": [{"op": "Add", "path": "displayName", "value": "B.Simon"},
                      {"op": "Replace", "path": "title", "value": "Sales Director"}]}
      """

  @vendor_ringcentral
  Scenario: Two changes reach RingCentral as one path-less replace with aadOptscim062020, the displayName added beside it
    Given the tenant has the user B.Simon with this profile:
      | jobTitle   | Sales Manager |
      | department | Sales         |
    And RingCentral is set up for automatic provisioning with the tenant URL flag aadOptscim062020
    And B.Simon is assigned to RingCentral
    And the initial provisioning cycle has run
    When B.Simon's jobTitle changes to "Sales Director" in the tenant
    And B.Simon's department changes to "Marketing" in the tenant
    And 40 minutes pass
    Then the cycle sent RingCentral one PATCH for B.Simon:
      """
      {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
       "Operations": [{"op": "add", "path": "displayName", "value": "B.Simon"},
                      {"op": "replace", "value": {
                        "title": "Sales Director",
                        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "Marketing"}}]}
      """

  Scenario Outline: Two changes reach <app> as one path-less replace with aadOptscim062020
    Given the tenant has the user B.Simon with this profile:
      | jobTitle   | Sales Manager |
      | department | Sales         |
    And <app> is set up for automatic provisioning with the tenant URL flag aadOptscim062020
    And B.Simon is assigned to <app>
    And the initial provisioning cycle has run
    When B.Simon's jobTitle changes to "Sales Director" in the tenant
    And B.Simon's department changes to "Marketing" in the tenant
    And 40 minutes pass
    Then the cycle sent <app> one PATCH for B.Simon:
      """
      {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
       "Operations": [{"op": "replace", "value": {
           "title": "Sales Director",
           "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "Marketing"}}]}
      """

    @vendor_8x8
    Examples:
      | app |
      | 8x8 |

    @vendor_genesys_cloud
    Examples:
      | app                     |
      | Genesys Cloud for Azure |

  Scenario Outline: Two changes reach <app> as one Replace per attribute in default mode
    Given the tenant has the user B.Simon with this profile:
      | jobTitle   | Sales Manager |
      | department | Sales         |
    And <app> is set up for automatic provisioning
    And B.Simon is assigned to <app>
    And the initial provisioning cycle has run
    When B.Simon's jobTitle changes to "Sales Director" in the tenant
    And B.Simon's department changes to "Marketing" in the tenant
    And 40 minutes pass
    Then the cycle sent <app> one PATCH for B.Simon:
      """
      {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
       "Operations": [
         {"op": "Replace", "path": "title", "value": "Sales Director"},
         {"op": "Replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "Marketing"}]}
      """

    @vendor_8x8
    Examples:
      | app |
      | 8x8 |

    @vendor_genesys_cloud
    Examples:
      | app                     |
      | Genesys Cloud for Azure |

  Scenario Outline: Unassigned from <app>, B.Simon is disabled there, not deleted (default mode)
    Given the tenant has the user B.Simon
    And <app> is set up for automatic provisioning
    And B.Simon is assigned to <app>
    And the initial provisioning cycle has run
    When B.Simon is unassigned from <app>
    And 40 minutes pass
    Then the cycle sent <app> one PATCH for B.Simon:
      """
      {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
       "Operations": [{"op": "Replace", "path": "active", "value": "False"}]}
      """
    And B.Simon is at <app>, inactive
    And <app> received no DELETE

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

  Scenario Outline: Unassigned from <app>, B.Simon is disabled there with a boolean (aadOptscim062020)
    Given the tenant has the user B.Simon
    And <app> is set up for automatic provisioning with the tenant URL flag aadOptscim062020
    And B.Simon is assigned to <app>
    And the initial provisioning cycle has run
    When B.Simon is unassigned from <app>
    And 40 minutes pass
    Then the cycle sent <app> one PATCH for B.Simon:
      """
      {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
       "Operations": [{"op": "replace", "path": "active", "value": false}]}
      """
    And B.Simon is at <app>, inactive
    And <app> received no DELETE

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

  Scenario Outline: Deleted from the tenant for good, B.Simon is <outcome> at <app>
    Given the tenant has the user B.Simon
    And <app> is set up for automatic provisioning
    And B.Simon is assigned to <app>
    And the initial provisioning cycle has run
    When B.Simon is deleted from the tenant for good
    And 40 minutes pass
    Then the cycle sent <app> a DELETE for B.Simon, after which B.Simon is <outcome>

    @vendor_ringcentral
    Examples:
      | app         | outcome |
      | RingCentral | gone    |

    # "The SCIM DELETE operation will result in the user being deactivated." (8x8's API)
    @vendor_8x8
    Examples:
      | app | outcome        |
      | 8x8 | kept, inactive |

    @vendor_genesys_cloud
    Examples:
      | app                     | outcome |
      | Genesys Cloud for Azure | gone    |
