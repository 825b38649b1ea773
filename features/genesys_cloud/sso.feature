@vendor_genesys_cloud @sso @browser
Feature: Genesys Cloud for Azure single sign-on with Microsoft Entra ID (tutorial 004)
  Five regions, each its own SP. Genesys finds the person by the Email claim and requires the
  OrganizationName claim to be the organization's name; both claims come with the gallery app.

  Scenario Outline: B.Simon signs in to Genesys Cloud <region> from My Apps
    Given the tenant has the user B.Simon
    And Genesys Cloud for Azure is added from the gallery for its "<region>" region
    And the OrganizationName claim of Genesys Cloud for Azure is the constant "Contoso"
    And B.Simon is assigned to Genesys Cloud for Azure
    And the Genesys Cloud for Azure organization is named "Contoso"
    And Genesys Cloud for Azure is configured as its tutorial says
    And B.Simon exists and is active in Genesys Cloud for Azure
    When B.Simon signs in to My Apps
    And she selects the Genesys Cloud for Azure tile
    Then Genesys Cloud for Azure shows her signed in as "b.simon@contoso.com"
    And Genesys Cloud for Azure received the claim "Email" with "B.Simon@contoso.com"
    And Genesys Cloud for Azure received the claim "OrganizationName" with "Contoso"

    Examples:
      | region |
      | com    |
      | de     |
      | jp     |
      | ie     |
      | com_au |

  @negative
  Scenario: Genesys Cloud refuses a Response for another organization
    Given the tenant has the user B.Simon
    And Genesys Cloud for Azure is added from the gallery for its "com" region
    And B.Simon is assigned to Genesys Cloud for Azure
    And the Genesys Cloud for Azure organization is named "Contoso"
    And Genesys Cloud for Azure is configured as its tutorial says
    And B.Simon exists and is active in Genesys Cloud for Azure
    When B.Simon signs in to My Apps
    And she selects the Genesys Cloud for Azure tile
    Then Genesys Cloud for Azure refuses the sign-in because the organization check failed

  Scenario: B.Simon signs in from the Genesys Cloud sign-on URL (SP-initiated)
    Given the tenant has the user B.Simon
    And Genesys Cloud for Azure is added from the gallery in SP mode for its "de" region
    And the OrganizationName claim of Genesys Cloud for Azure is the constant "Contoso"
    And B.Simon is assigned to Genesys Cloud for Azure
    And the Genesys Cloud for Azure organization is named "Contoso"
    And Genesys Cloud for Azure is configured as its tutorial says
    And B.Simon exists and is active in Genesys Cloud for Azure
    When she opens the Genesys Cloud for Azure sign-on page
    And B.Simon signs in on the Microsoft sign-in page
    Then Genesys Cloud for Azure shows her signed in as "b.simon@contoso.com"
    And the Response answered Genesys Cloud for Azure's AuthnRequest

  @negative
  Scenario: A Relying Party Identifier other than the Application ID is refused with AADSTS700016
    Given the tenant has the user B.Simon
    And Genesys Cloud for Azure is added from the gallery in SP mode for its "com" region
    And B.Simon is assigned to Genesys Cloud for Azure
    And the Genesys Cloud for Azure organization is named "Contoso"
    And Genesys Cloud for Azure is configured as its tutorial says
    And the Relying Party Identifier at Genesys Cloud for Azure is "genesys-cloud"
    When she opens the Genesys Cloud for Azure sign-on page
    Then Entra shows the error AADSTS700016
