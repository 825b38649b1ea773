@provisioning
Feature: Monitoring the deployment: provisioning logs, audit log, progress and quarantine (tutorial 001, step 6)
  The provisioning logs say which users were created, updated or disabled and what changed;
  the progress bar says how far a cycle got; a job in an unhealthy state is put in quarantine,
  the notification email is sent, and cycles slow to once a day.

  Scenario Outline: The provisioning logs show B.Simon created, updated and disabled at <app>
    Given the tenant has the user B.Simon with this profile:
      | jobTitle | Sales Manager |
    And <app> is set up for automatic provisioning
    And B.Simon is assigned to <app>
    And the initial provisioning cycle has run
    When B.Simon's jobTitle changes to "Sales Director" in the tenant
    And 40 minutes pass
    And B.Simon is unassigned from <app>
    And 40 minutes pass
    Then the provisioning logs of <app> show for B.Simon:
      | action  | status  | modified properties                                                     |
      | create  | success | userName: → B.Simon@contoso.com; active: → True; title: → Sales Manager |
      | update  | success | title: Sales Manager → Sales Director                                   |
      | disable | success | active: True → False                                                    |

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

  Scenario Outline: Turning provisioning off for <app> is in the audit log
    Given <app> is set up for automatic provisioning
    When the admin turns Provisioning Status Off for <app>
    Then the audit log has "Pause provisioning" for <app> with ProvisioningStatus: Active → Paused

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

  Scenario Outline: After the initial cycle the Provisioning page of <app> shows every user processed
    Given the tenant has 8 generated people
    And <app> is set up for automatic provisioning
    And the generated people are assigned to <app>
    When the provisioning cycle runs
    Then the Provisioning page of <app> shows 8 of 8 users processed
    And the cycle summary of <app> says 8 created, "Succeeded"

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

  # RingCentral's Heavy usage plan takes 10 writes a minute, then answers 429 with Retry-After.
  @vendor_ringcentral
  Scenario: While RingCentral's usage plan holds the initial cycle back, the progress bar shows how far it got
    Given the tenant has 14 generated people
    And RingCentral is set up for automatic provisioning
    And the generated people are assigned to RingCentral
    And RingCentral's usage-plan rate limits are enforced
    When the provisioning cycle runs while RingCentral's usage plan holds it back
    Then while it waited the Provisioning page showed part of the 14 users processed
    And the Provisioning page of RingCentral shows 14 of 14 users processed
    And the cycle summary of RingCentral says 14 created, "Succeeded"
    And RingCentral holds 14 users

  @negative
  Scenario Outline: A 404 on the query puts the <app> job in quarantine, mails once and slows it to daily
    Given the tenant has the user B.Simon
    And <app> is set up for automatic provisioning with the notification email "ops@contoso.com"
    And the Tenant URL of <app> was saved as "<wrong url>"
    And B.Simon is assigned to <app>
    When the provisioning cycle runs
    Then the provisioning job of <app> is in quarantine because of "SystemForCrossDomainIdentityManagementServiceIncompatible"
    And one notification email about the quarantine went to "ops@contoso.com"
    And the provisioning job of <app> runs once a day
    And nothing was provisioned to <app>

    @vendor_ringcentral
    Examples:
      | app         | wrong url                                |
      | RingCentral | https://platform.ringcentral.com/scim/v1 |

    @vendor_8x8
    Examples:
      | app | wrong url                                             |
      | 8x8 | https://platform.8x8.com/udi/customers/scim/v2        |

    @vendor_genesys_cloud
    Examples:
      | app                     | wrong url                             |
      | Genesys Cloud for Azure | https://api.mypurecloud.com/api/v2/scim |

  @negative
  Scenario Outline: An expired Secret Token puts the <app> job in quarantine, mails once and slows it to daily
    Given the tenant has the user B.Simon
    And <app> is set up for automatic provisioning with the notification email "ops@contoso.com"
    And the Secret Token of <app> was saved as "expired-token"
    And B.Simon is assigned to <app>
    When the provisioning cycle runs
    Then the provisioning job of <app> is in quarantine because of "Unauthorized"
    And one notification email about the quarantine went to "ops@contoso.com"
    And the provisioning job of <app> runs once a day
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
