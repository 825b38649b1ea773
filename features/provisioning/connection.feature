@provisioning
Feature: Test Connection with the vendor's Tenant URL and Secret Token (tutorials 001 and 003, step 5)
  Under Admin Credentials the admin enters the vendor's SCIM Tenant URL and the Secret Token its
  support team hands out, and clicks Test Connection. Entra asks the vendor for a user that
  cannot exist (a filter on a random GUID) and expects an empty answer.

  Scenario Outline: Test Connection to <app> succeeds with its Secret Token
    Given <app> is added from the gallery for provisioning
    When the admin tests the connection to <app> with its Tenant URL and Secret Token
    Then Test Connection to <app> succeeds
    And <app> was only asked for objects that cannot exist
    And nothing was provisioned to <app>

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

  @negative
  Scenario Outline: Test Connection to <app> with a wrong Secret Token shows Entra's message
    Given <app> is added from the gallery for provisioning
    When the admin tests the connection to <app> with the Secret Token "expired-token"
    Then Test Connection to <app> fails with "You appear to have entered invalid credentials. Please confirm you are using the correct information for an administrative account."
    And nothing was provisioned to <app>

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
