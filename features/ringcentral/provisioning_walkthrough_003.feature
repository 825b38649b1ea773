@walkthrough @vendor_ringcentral @provisioning @browser
Feature: Tutorial 003 walkthrough: configure RingCentral for automatic user provisioning (French, 2019)
  The French tutorial's own sections, in its order: assigning users (a valid app-specific role;
  users with only Default Access are excluded), set up RingCentral for provisioning, add
  RingCentral from the gallery, configure automatic user provisioning (1-13), then the
  synchronization details and the provisioning activity reports.

  Scenario: An administrator follows tutorial 003; B.Simon is provisioned and a Default Access user is excluded
    Given an administrator who is a Cloud Application Administrator and a User Administrator
    And the tenant has B.Simon with job title "Account Executive", department "Ventes" and mobile "+33 1 23 45 67 89"
    And the tenant also has the user "A.Default"
    # Configurer RingCentral pour le provisionnement: Outils > Intégration d'annuaire
    When in the RingCentral console opens Tools > Directory Integration
    And selects "SCIM" under "Select Directory Provider" and selects "Enable SCIM Service"
    And notes the SCIM authentication token that RingCentral support provides
    # Ajouter RingCentral à partir de la galerie
    And the administrator signs in to the Microsoft Entra admin center
    And adds "RingCentral" from the gallery
    # Attribution d'utilisateurs: a valid app-specific role; "Accès par défaut" users are excluded
    And the RingCentral application's manifest gets the app role "Employee"
    And assigns "B.Simon" to "RingCentral" with the role "Employee"
    And assigns "A.Default" to "RingCentral" with the role "Default Access"
    # Configuration du provisionnement automatique, 1-7
    And opens Provisioning of "RingCentral" and selects Get started
    And sets Provisioning Mode to "Automatic"
    And enters the Tenant URL "https://platform.ringcentral.com/scim/v2" and the noted token as Secret Token
    And selects Test Connection
    Then the Provisioning page reports "The supplied credentials are authorized to enable provisioning."
    When enters "admin@contoso.com" as Notification Email and checks "Send an email notification when a failure occurs"
    And selects Save on the Provisioning page
    # 8-9: Mappages; the attribute table is only a screenshot in this tutorial (the same connector)
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
    # 11-13: État de provisionnement Activé, Étendue, Enregistrer (the 2019 Default Access rule)
    When saves the attribute mappings and returns to Provisioning
    And sets Provisioning Status to "On"
    And sets Scope to "Sync only assigned users and groups"
    And sets "Users assigned only the Default Access role" to "Excluded, logged as not effectively entitled (the 2019 tutorials)"
    And selects Save on the Provisioning page
    Then the Provisioning page reports "the initial cycle starts now"
    When the provisioning service runs the cycle that is due
    # Détails de synchronisation, rapports d'activité de provisionnement
    Then the Provisioning overview shows the Initial cycle completed, 2 of 2 objects processed
    And the Provisioning logs page shows a successful create of "B.Simon@contoso.com"
    And the Provisioning logs page shows "A.Default@contoso.com" skipped as not effectively entitled
    And RingCentral's users page lists "B.Simon@contoso.com" as active
    And RingCentral's SCIM store holds B.Simon with these attributes:
      | SCIM attribute                                                        | value               |
      | userName                                                              | B.Simon@contoso.com |
      | active                                                                | True                |
      | title                                                                 | Account Executive   |
      | emails[type eq "work"].value                                          | B.Simon@contoso.com |
      | name.givenName                                                        | Britta              |
      | name.familyName                                                       | Simon               |
      | phoneNumbers[type eq "mobile"].value                                  | +33 1 23 45 67 89   |
      | urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department | Ventes              |
    And RingCentral's SCIM store has no user "A.Default@contoso.com"
