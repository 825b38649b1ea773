@walkthrough @vendor_ringcentral @provisioning @browser
Feature: Tutorial 001 walkthrough: configure RingCentral for automatic user provisioning
  The Swedish tutorial's own steps, in its order: Step 2 at RingCentral, Step 3 the gallery,
  Step 4 who is in scope (a role other than Default Access), Step 5 the Provisioning tab,
  Step 6 monitoring (provisioning logs, progress).

  Scenario: An administrator follows tutorial 001 and B.Simon is provisioned to RingCentral
    Given an administrator who is a Cloud Application Administrator and a User Administrator
    And the tenant has B.Simon with job title "Sales Engineer", department "Sales" and mobile "+1 425 555 0100"
    # Step 2. Configure RingCentral to support provisioning with Azure AD
    When in the RingCentral console opens Tools > Directory Integration
    And selects "SCIM" under "Select Directory Provider" and selects "Enable SCIM Service"
    And notes the SCIM authentication token that RingCentral support provides
    # Step 3. Add RingCentral from the Azure AD application gallery
    And the administrator signs in to the Microsoft Entra admin center
    And adds "RingCentral" from the gallery
    # Step 4. Define who will be in scope: a role other than Default Access (manifest updated)
    And the RingCentral application's manifest gets the app role "Employee"
    And assigns "B.Simon" to "RingCentral" with the role "Employee"
    # Step 5. Configure automatic user provisioning to RingCentral, 1-7
    And opens Provisioning of "RingCentral" and selects Get started
    And sets Provisioning Mode to "Automatic"
    And enters the Tenant URL "https://platform.ringcentral.com/scim/v2" and the noted token as Secret Token
    And selects Test Connection
    Then the Provisioning page reports "The supplied credentials are authorized to enable provisioning."
    When enters "admin@contoso.com" as Notification Email and checks "Send an email notification when a failure occurs"
    And selects Save on the Provisioning page
    # 8-9: Mappings, the attribute table of step 9 (translated: README of the tutorials)
    And under Mappings opens "Synchronize Azure Active Directory Users to RingCentral"
    Then the Attribute Mapping page lists these attributes, "userName" matching first:
      | Attribute                                                             | Type      |
      | userName                                                              | String    |
      | externalId                                                            | String    |
      | active                                                                | Boolean   |
      | displayName                                                           | String    |
      | title                                                                 | String    |
      | emails[type eq "work"].value                                          | String    |
      | addresses[type eq "work"].country                                     | String    |
      | addresses[type eq "work"].region                                      | String    |
      | addresses[type eq "work"].locality                                    | String    |
      | addresses[type eq "work"].postalCode                                  | String    |
      | addresses[type eq "work"].streetAddress                               | String    |
      | name.givenName                                                        | String    |
      | name.familyName                                                       | String    |
      | phoneNumbers[type eq "mobile"].value                                  | String    |
      | urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department | String    |
      | urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager    | Reference |
    # 11-13: Settings: Provisioning Status On, Scope, Save (the 2019 Default Access rule)
    When saves the attribute mappings and returns to Provisioning
    And sets Provisioning Status to "On"
    And sets Scope to "Sync only assigned users and groups"
    And sets "Users assigned only the Default Access role" to "Excluded, logged as not effectively entitled (the 2019 tutorials)"
    And selects Save on the Provisioning page
    Then the Provisioning page reports "the initial cycle starts now"
    # "This starts the initial synchronization of all users and groups defined in Scope"
    When the provisioning service runs the cycle that is due
    # Step 6. Monitor your deployment: progress, provisioning logs
    Then the Provisioning overview shows the Initial cycle completed, 1 of 1 objects processed
    And the Provisioning logs page shows a successful create of "B.Simon@contoso.com"
    And RingCentral's users page lists "B.Simon@contoso.com" as active
    And RingCentral's SCIM store holds B.Simon with these attributes:
      | SCIM attribute                                                        | value               |
      | userName                                                              | B.Simon@contoso.com |
      | active                                                                | True                |
      | title                                                                 | Sales Engineer      |
      | emails[type eq "work"].value                                          | B.Simon@contoso.com |
      | name.givenName                                                        | Britta              |
      | name.familyName                                                       | Simon               |
      | phoneNumbers[type eq "mobile"].value                                  | +1 425 555 0100     |
      | urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department | Sales               |
