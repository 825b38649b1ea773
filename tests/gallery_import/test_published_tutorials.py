"""Short excerpts of other published gallery tutorials (MicrosoftDocs/entra-docs, CC BY 4.0), read during
development to generalise beyond the corpus: each shape the importer must read the same way."""

# ruff: noqa: E501 (the excerpts keep the tutorials' own long lines)

from __future__ import annotations

from pathlib import Path
from textwrap import dedent
from typing import Any

from gallery.importer.document import parse
from gallery.importer.tutorial import import_document

FRONT = "---\ntitle: {title}\nms.service: entra-id\n---\n\n# {title}\n\n"


def summary(name: str, title: str, body: str) -> dict[str, Any]:
    text = FRONT.format(title=title) + dedent(body)
    return import_document(parse(text, Path(name)), name).summary()


def test_aws_same_value_for_two_fields_claims_with_namespace_and_role() -> None:
    """amazon-web-service-tutorial.md: one sentence gives Identifier and Reply URL one value."""
    result = summary(
        "amazon-web-service-tutorial.md",
        "Microsoft Entra SSO integration with AWS Single-Account Access",
        """\
        * AWS Single-Account Access supports **SP and IDP** initiated SSO.

        1. In the **Basic SAML Configuration** section, update both **Identifier (Entity ID)** and **Reply URL** with the same default value: `https://signin.aws.amazon.com/saml`. You must select **Save** to save the configuration changes.

        1. In addition to above, AWS application expects few more attributes to be passed back in SAML response which are shown below.

        \t| Name  | Source attribute  | Namespace |
        \t| --------------- | --------------- | --------------- |
        \t| RoleSessionName | user.userprincipalname | `https://aws.amazon.com/SAML/Attributes` |
        \t| Role | user.assignedroles |  `https://aws.amazon.com/SAML/Attributes` |

        1. In the **SAML Signing Certificate** section, find **Federation Metadata XML** and select **Download**.
        """,
    )
    sso = summary_sso(result)
    assert result["app"] == "AWS Single-Account Access"
    assert sso["modes"] == ["sp", "idp"]
    assert sso["identifier"] == sso["reply_url"] == ["https://signin.aws.amazon.com/saml"]
    assert sso["claims"][1] == {
        "name": "Role",
        "source": "user.assignedroles",
        "namespace": "https://aws.amazon.com/SAML/Attributes",
    }
    assert sso["role_claim"] is True
    assert sso["certificate"] == "federation_metadata_xml"


def summary_sso(result: dict[str, Any]) -> dict[str, Any]:
    assert result["kind"] == "sso", result
    sso: dict[str, Any] = result["sso"]
    return sso


def test_4me_alternatives_in_tables_and_a_thumbprint() -> None:
    """4me-tutorial.md: Environment | URL tables; the app takes the thumbprint (no certificate file)."""
    result = summary(
        "4me-tutorial.md",
        "Microsoft Entra single sign-on (SSO) integration with 4me",
        """\
        * 4me supports **SP** initiated SSO.
        * 4me supports **Just In Time** user provisioning.

        1. On the **Basic SAML Configuration** section, enter the values for the following fields:

        \ta. In the **Sign on URL** text box, type a URL using one of the following patterns:

        \t| Environment| URL|
        \t|---|---|
        \t| PRODUCTION | `https://<SUBDOMAIN>.4me.com`|
        \t| QA| `https://<SUBDOMAIN>.4me.qa`|
        \t| | |

        1. In the **SAML Signing Certificate** section, copy the **THUMBPRINT** and save it on your computer.

        ## Configure 4me SSO

        \tb. In the **Remote logout URL** textbox, paste the value of **Logout URL**, which you copied previously.

        \td. In the **Certificate fingerprint** textbox, paste the **THUMBPRINT** value separated by a colon.

        ## Test SSO
        """,
    )
    sso = summary_sso(result)
    assert sso["sign_on_url"] == ["https://<SUBDOMAIN>.4me.com", "https://<SUBDOMAIN>.4me.qa"]
    assert sso["placeholders"] == ["<SUBDOMAIN>"]
    assert sso["jit"] is True
    assert sso["certificate"] is None
    assert sso["app_side_fields"] == [
        {"field": "Remote logout URL", "entra_value": "logout_url"},
        {"field": "Certificate fingerprint", "entra_value": "certificate"},
    ]


def test_amazon_business_sign_on_url_obtained_later_is_not_in_the_text() -> None:
    """amazon-business-tutorial.md: the SP-mode Sign-on URL comes from the app's own configuration."""
    result = summary(
        "amazon-business-tutorial.md",
        "Tutorial: Integrate Amazon Business with Microsoft Entra ID",
        """\
        * Amazon Business supports **SP and IDP** initiated SSO.

        1. On the **Basic SAML Configuration** section, if you wish to configure in **IDP** initiated mode, perform the following steps:

            1. In the **Identifier (Entity ID)** text box, type one of the following URLs:

               | URL | Region |
               |-|-|
               | `https://www.amazon.com`| North America |
               | `https://www.amazon.de`| Europe |

               > [!NOTE]
               > You will get the `<idpid>` value from the Amazon Business SSO configuration section.

        1. If you want to configure the application in **SP** initiated mode, you will need to add the full URL provided in the Amazon Business configuration to the **Sign-on URL** in the **Set additional URLs** section.

        1. In the **SAML Signing Certificate** section, click copy button to copy **App Federation Metadata Url**.
        """,
    )
    sso = summary_sso(result)
    assert result["app"] == "Amazon Business"
    assert sso["identifier"] == ["https://www.amazon.com", "https://www.amazon.de"]
    assert sso["values_not_in_text"] == ["sign_on_url"]
    assert sso["placeholders"] == []  # the NOTE's `<idpid>` is no value
    assert sso["certificate"] == "metadata_url"


def test_alibaba_values_auto_populated_from_sp_metadata() -> None:
    """alibaba-cloud-service-role-based-sso-tutorial.md: Identifier and Reply URL come from a metadata upload."""
    result = summary(
        "alibaba-cloud-service-role-based-sso-tutorial.md",
        "Tutorial: Microsoft Entra single sign-on (SSO) integration with Alibaba Cloud Service (Role-based SSO)",
        """\
        * Alibaba Cloud Service (Role-based SSO) supports **IDP** initiated SSO

        1. On the **Basic SAML Configuration** section, if you have **Service Provider metadata file**, perform the following steps:

            c. Once the metadata file is successfully uploaded, the **Identifier** and **Reply URL** values get auto populated in Alibaba Cloud Service (Role-based SSO) section textbox:

        1. Alibaba Cloud Service (Role-based SSO) require roles to be configured in Microsoft Entra ID. The role claim is pre-configured so you don't have to configure it.

        1. In the **SAML Signing Certificate** section, find **Federation Metadata XML** and select **Download**.
        """,
    )
    sso = summary_sso(result)
    assert result["app"] == "Alibaba Cloud Service (Role-based SSO)"
    assert sso["modes"] == ["idp"]
    assert sso["identifier"] == sso["reply_url"] == []
    assert sorted(sso["values_not_in_text"]) == ["identifier", "reply_url"]
    assert sso["role_claim"] is True


def test_oidc_and_f5_tutorials_are_excluded() -> None:
    oidc = summary(
        "adp-oidc-tutorial.md",
        "Microsoft Entra single sign-on (SSO) integration with ADP (OIDC)",
        "1. Copy **Application (client) ID** and use it later.\n1. In the **Redirect URIs** textbox, paste the value.\n",
    )
    assert (oidc["kind"], oidc["exclude_reason"], oidc["sso"]) == ("excluded", "oidc", None)
    f5 = summary(
        "advance-kerbf5-tutorial.md",
        "Microsoft Entra single sign-on (SSO) integration with F5",
        "1. On the **Basic SAML Configuration** section:\n\n    a. In the **Identifier** text box: `https://<YourCustomFQDN>.f5.com/`\n",
    )
    assert f5["kind"] == "excluded"
    assert f5["exclude_reason"].startswith("other: ")


def test_servicenow_provisioning_is_not_scim() -> None:
    """servicenow-provisioning-tutorial.md: admin user name and password, the instance's table API."""
    result = summary(
        "servicenow-provisioning-tutorial.md",
        "Configure ServiceNow for automatic user provisioning",
        """\
        > [!div class="checklist"]
        > - Create users in ServiceNow.

        1. In the **Admin Credentials** section, enter your ServiceNow admin credentials and username. Select **Test Connection**.

        - Provisioning requests are sent by default to https://{your-instance-name}.service-now.com/{table-name}. If you need a custom tenant URL, you can provide the entire URL as the instance name.
        """,
    )
    assert (result["kind"], result["exclude_reason"]) == ("excluded", "not-scim")


def test_8x8_provisioning_table_without_filter_columns_and_a_custom_extension() -> None:
    """8x8-provisioning-tutorial.md: Attribute | Type | Notes; the 8x8 site extension."""
    result = summary(
        "8x8-provisioning-tutorial.md",
        "Configure 8x8 for automatic user provisioning",
        """\
        > [!div class="checklist"]
        > * Create users in 8x8
        > * Deactivate users in 8x8 when they do not require access anymore
        > * [Single sign-on](./8x8virtualoffice-tutorial.md) to 8x8 (recommended)

        5. Under the **Admin Credentials** section, copy the **8x8 URL** from Admin Console into **Tenant URL**. Copy the **8x8 API Token** from Admin Console into **Secret Token**.

           |Attribute|Type|Notes|
           |---|---|---|
           |userName|String|Sets both Username and Federation ID|
           |urn:ietf:params:scim:schemas:extension:8x8:1.1:User:site|String|Cannot be updated after user creation|
        """,
    )
    prov = result["provisioning"]
    assert prov["capabilities"] == ["create_users", "remove_users", "sso"]
    assert prov["tenant_url"] is None
    assert prov["auth"] == "bearer_token"
    assert [a["name"] for a in prov["user_attributes"]] == [
        "userName",
        "urn:ietf:params:scim:schemas:extension:8x8:1.1:User:site",
    ]
    assert prov["user_attributes"][0] | {} == {
        "name": "userName",
        "type": "String",
        "filterable": None,
        "required": None,
        "source": "userPrincipalName",
    }
    assert prov["user_attributes"][1]["custom_extension"] is True


def test_airtable_literal_tenant_url_in_a_sub_step() -> None:
    result = summary(
        "airtable-provisioning-tutorial.md",
        "Configure Airtable for automatic user provisioning",
        """\
        ## Supported capabilities
        > [!div class="checklist"]
        > * Provision groups and group memberships in Airtable.

        1. Under the **Admin Credentials** section,
           1. Enter `https://airtable.com/scim/v2` as the Airtable **Tenant URL**.
        """,
    )
    assert result["provisioning"]["tenant_url"] == "https://airtable.com/scim/v2"
    assert result["provisioning"]["capabilities"] == ["provision_groups"]


def test_provenance_points_at_the_source_lines() -> None:
    result = summary(
        "23video-tutorial.md",
        "Microsoft Entra SSO integration with 23 Video",
        """\
        * 23 Video supports **SP** initiated SSO.

        1. On the **Basic SAML Configuration** section, perform the following steps:

            a. In the **Identifier (Entity ID)** text box, type a URL using the following pattern:
            `https://www.23video.com/saml/trust/<uniqueid>`
        """,
    )
    # Front matter (4 lines), a blank, the H1, a blank: the scenario bullet is line 8.
    assert result["provenance"]["sso"]["modes"] == [8]
    assert result["provenance"]["sso"]["identifier"] == [13]
    assert result["sso"]["identifier"] == ["https://www.23video.com/saml/trust/<uniqueid>"]


SWEDISH_4ME = """\
---
title: 'Självstudie: Azure Active Directory integrering med enkel inloggning (SSO) med 4me-| Microsoft Docs'
ms.translationtype: MT
ms.contentlocale: sv-SE
---
# <a name="tutorial-azure-active-directory-single-sign-on-sso-integration-with-4me"></a>Självstudie: Azure Active Directory integrering med enkel inloggning (SSO) med 4me

* 4me stöder **SP-initierad** enkel inloggning.
* 4me stöder **just-in-time-användareablering.**

1. På sidan **Konfigurera enkel inloggning med SAML klickar** du på pennikonen för Grundläggande **SAML-konfiguration för** att redigera inställningarna.

1. I avsnittet **Grundläggande SAML-konfiguration** anger du värdena för följande fält:

    a. I **textrutan Inloggnings-URL** skriver du en URL med något av följande mönster:

    | Miljö| URL|
    |---|---|
    | PRODUKTION | `https://<SUBDOMAIN>.4me.com`|
    | QA| `https://<SUBDOMAIN>.4me.qa`|

    b. I **textrutan Identifierare (entitets-ID)** anger du en URL med något av följande mönster:

    | Miljö| URL|
    |---|---|
    | PRODUKTION | `https://<SUBDOMAIN>.4me.com`|

1. Utöver ovanstående förväntar sig 4me-programmet att några fler attribut skickas tillbaka i SAML-svaret som visas nedan.

    | Name | Källattribut|
    | ---------------| --------------- |
    | first_name | user.givenname |

1. Kopiera **Tumavtryck** i avsnittet **SAML-signeringscertifikat** och spara det på datorn.

## <a name="configure-4me-sso"></a>Konfigurera 4me SSO

    b. I textrutan **Remote Logout URL** (URL för fjärrutloggning) klistrar du in värdet för **Utloggnings-URL** som du kopierade från Azure-portalen.

    c. Under avsnittet **SAML**, i textrutan **SAML SSO URL** (URL för enkel inloggning med SAML) klistrar du in värdet för **Inloggnings-URL** som du kopierade från Azure Portal.

## <a name="test-sso"></a>Testa enkel inloggning
"""


def test_swedish_machine_translation_reads_like_the_english_tutorial() -> None:
    """MicrosoftDocs/azure-docs.sv-se 4me-tutorial.md (2021, machine translated)."""
    result = import_document(
        parse(SWEDISH_4ME, Path("4me-tutorial.md")), "4me-tutorial.md"
    ).summary()
    sso = summary_sso(result)
    assert result["app"] == "4me"
    assert sso["modes"] == ["sp"]
    assert sso["jit"] is True
    assert sso["sign_on_url"] == ["https://<SUBDOMAIN>.4me.com", "https://<SUBDOMAIN>.4me.qa"]
    assert sso["identifier"] == ["https://<SUBDOMAIN>.4me.com"]
    assert sso["claims"] == [{"name": "first_name", "source": "user.givenname", "namespace": None}]
    assert sso["certificate"] is None
    assert sso["app_side_fields"] == [
        {"field": "Remote Logout URL", "entra_value": "logout_url"},
        {"field": "SAML SSO URL", "entra_value": "login_url"},
    ]


def test_german_translation_modes_and_labels() -> None:
    """azure-docs.de-de 4me-tutorial.md: "**SP**-initiiertes", "Anmelde-URL", "Bezeichner (Entitäts-ID)"."""
    text = dedent(
        """\
        ---
        title: 'Tutorial: Integration des einmaligen Anmeldens (Single Sign-On, SSO) von Azure Active Directory mit 4me | Microsoft-Dokumentation'
        ms.contentlocale: de-DE
        ---
        # <a name="tutorial"></a>Tutorial: Integration des einmaligen Anmeldens (Single Sign-On, SSO) von Azure Active Directory mit 4me

        * 4me unterstützt **SP**-initiiertes einmaliges Anmelden.
        * 4me unterstützt die **Just-In-Time**-Benutzerbereitstellung.

        1. Geben Sie im Abschnitt **Grundlegende SAML-Konfiguration** die Werte für die folgenden Felder ein:

            a. Geben Sie im Textfeld **Anmelde-URL** eine URL in einem der folgenden Formate ein:
            `https://<SUBDOMAIN>.4me.com`

            b. Geben Sie im Textfeld **Bezeichner (Entitäts-ID)** eine URL in einem der folgenden Formate ein:
            `https://<SUBDOMAIN>.4me.com`

        1. Kopieren Sie im Abschnitt **SAML-Signaturzertifikat** den **FINGERABDRUCK**.
        """
    )
    result = import_document(parse(text, Path("4me-tutorial.md")), "4me-tutorial.md").summary()
    sso = summary_sso(result)
    assert result["app"] == "4me"
    assert (sso["modes"], sso["jit"]) == (["sp"], True)
    assert sso["sign_on_url"] == sso["identifier"] == ["https://<SUBDOMAIN>.4me.com"]


def test_qualtrics_spaced_placeholders_and_relay_state_by_mode() -> None:
    """qualtrics-tutorial.md: `< DATACENTER >` placeholders; Relay State belongs to the IDP step."""
    result = summary(
        "qualtrics-tutorial.md",
        "Microsoft Entra SSO integration with Qualtrics",
        """\
        * Qualtrics supports **SP and IDP** initiated SSO.

        1. On the **Basic SAML Configuration** section, if you want to configure the application in **IDP** initiated mode, enter the values for the following fields:

            a. In the **Identifier** text box, type a URL that uses the following pattern:

        \t`https://< DATACENTER >.qualtrics.com`

            c. In the **Relay State** text box, type a URL that uses the following pattern:

            `https://< brandID >.< DATACENTER >.qualtrics.com`

        1. Select **Set additional URLs**, and perform the following step if you want to configure the application in **SP** initiated mode:

            In the **Sign-on URL** textbox, type a URL that uses the following pattern:

            `https://< brandID >.< DATACENTER >.qualtrics.com`
        """,
    )
    sso = summary_sso(result)
    assert sso["identifier"] == ["https://< DATACENTER >.qualtrics.com"]
    assert sso["relay_state"] == ["https://< brandID >.< DATACENTER >.qualtrics.com"]
    assert sso["placeholders"] == ["< DATACENTER >", "< brandID >"]
    assert sso["url_modes"] == {
        "identifier": ["idp"],
        "sign_on_url": ["sp"],
        "relay_state": ["idp"],
    }
    assert result["warnings"] == []


JAPANESE_4ME = """\
---
title: チュートリアル:Azure Active Directory と 4me の統合 | Microsoft Docs
ms.translationtype: HT
ms.contentlocale: ja-JP
---
# <a name="tutorial-azure-active-directory-integration-with-4me"></a>チュートリアル:Azure Active Directory と 4me の統合

* 4me では、**SP** Initiated SSO がサポートされます
* 4me では、**Just-In-Time** ユーザー プロビジョニングがサポートされます

4. **[基本的な SAML 構成]** セクションで、次の手順を実行します。

    a. **[サインオン URL]** ボックスに、次の形式で URL を入力します。

    | 環境| URL|
    |---|---|
    | 運用 | `https://<SUBDOMAIN>.4me.com`|
    | QA| `https://<SUBDOMAIN>.4me.qa`|

    b. **[識別子 (エンティティ ID)]** テキスト ボックスに、次のパターンで URL を入力します。

    | 環境| URL|
    |---|---|
    | 運用 | `https://<SUBDOMAIN>.4me.com`|

6. **[ユーザー属性]** ダイアログの **[ユーザーの要求]** セクションで、次の手順を実行します。

    | Name | ソース属性|
    | ---------------| --------------- |
    | first_name | User.givenname |

8. **[SAML 署名証明書]** セクションで **[THUMBPRINT]\\\\(拇印\\\\)** をコピーし、お使いのコンピューターに保存します。

### <a name="configure-4me-single-sign-on"></a>4me のシングル サインオンの構成

    b. **[リモート ログアウト URL]** ボックスに、Azure portal からコピーした**ログアウト URL** の値を貼り付けます。

    c. **[SAML]** セクションの **[SAML SSO URL]** ボックスに、Azure portal からコピーした**ログイン URL** の値を貼り付けます。

### <a name="create-an-azure-ad-test-user"></a>Azure AD のテスト ユーザーの作成
"""


def test_japanese_translation_with_bracketed_ui_labels() -> None:
    """changeworld/azure-docs.ja-jp 4me-tutorial.md (2019): `**[サインオン URL]**`, `**[THUMBPRINT]\\(拇印\\)**`."""
    result = import_document(
        parse(JAPANESE_4ME, Path("4me-tutorial.md")), "4me-tutorial.md"
    ).summary()
    sso = summary_sso(result)
    assert result["app"] == "4me"
    assert (sso["modes"], sso["jit"], sso["certificate"]) == (["sp"], True, None)
    assert sso["sign_on_url"] == ["https://<SUBDOMAIN>.4me.com", "https://<SUBDOMAIN>.4me.qa"]
    assert sso["identifier"] == ["https://<SUBDOMAIN>.4me.com"]
    assert sso["claims"] == [{"name": "first_name", "source": "User.givenname", "namespace": None}]
    assert sso["app_side_fields"] == [
        {"field": "リモート ログアウト URL", "entra_value": "logout_url"},
        {"field": "SAML SSO URL", "entra_value": "login_url"},
    ]


def test_one_bullet_per_mode_and_a_url_in_bold() -> None:
    result = summary(
        "contoso-tutorial.md",
        "Tutorial: Microsoft Entra integration with Contoso",
        """\
        * Contoso supports **SP** initiated SSO
        * Contoso supports **IDP** initiated SSO

        1. On the **Basic SAML Configuration** section, perform the following steps:

            a. In the **Identifier** text box, type the value: **https://contoso.example.com/saml**
        """,
    )
    sso = summary_sso(result)
    assert sso["modes"] == ["sp", "idp"]
    assert sso["identifier"] == ["https://contoso.example.com/saml"]
    assert result["provenance"]["sso"]["modes"] == [8, 9]


def test_slack_authorize_step_wins_over_the_template_secret_token_sentence() -> None:
    """slack-provisioning-tutorial.md: the template's "Tenant URL and Secret Token" line, then Authorize."""
    result = summary(
        "slack-provisioning-tutorial.md",
        "Automate User provisioning into Slack with Microsoft Entra ID",
        """\
        ## Capabilities supported
        > [!div class="checklist"]
        > * Create users in Slack

        1. In the **Tenant URL** field, enter your Slack Tenant URL and Secret Token. Select **Test Connection** to ensure Microsoft Entra ID can connect to Slack.

        1. In the new window, sign into Slack using your Team Admin account. In the resulting authorization dialog, select the Slack team that you want to enable provisioning for, and then select **Authorize**.

           |Attribute|Type|
           |---|---|
           |urn:scim:schemas:extension:enterprise:1.0.department|String|
        """,
    )
    prov = result["provisioning"]
    assert prov["auth"] == "oauth"
    assert prov["tenant_url"] is None
    assert any("OAuth" in warning["message"] for warning in result["warnings"])
    assert (
        prov["user_attributes"][0]["name"] == "urn:scim:schemas:extension:enterprise:1.0.department"
    )


def test_title_shapes_and_inbound_hr_provisioning() -> None:
    def read(title: str, name: str = "x-provisioning-tutorial.md") -> tuple[str, str, str | None]:
        result = summary(name, title, "")
        return result["app"], result["kind"], result["exclude_reason"]

    assert read("Automate User provisioning into Slack with Microsoft Entra ID")[0] == "Slack"
    assert read("Tutorial: Configure Workday to Microsoft Entra user provisioning") == (
        "Workday",
        "excluded",
        "not-scim",
    )
    assert (
        read("Configure SAP SuccessFactors to Active Directory user provisioning")[2] == "not-scim"
    )
    assert (
        read("Microsoft Entra ID SSO integration with Cisco Webex Meetings", "x-tutorial.md")[0]
        == "Cisco Webex Meetings"
    )


def test_a_table_whose_columns_are_fields() -> None:
    """Regional values as one table: each column goes to its own field, in row order."""
    result = summary(
        "contoso-regions-tutorial.md",
        "Microsoft Entra SSO integration with Contoso Regions",
        """\
        * Contoso Regions supports **IDP** initiated SSO.

        1. On the **Basic SAML Configuration** section, enter the values for your region:

            | Region | Identifier | Reply URL |
            |---|---|---|
            | US | `https://us.contoso.example` | `https://us.contoso.example/acs` |
            | EU | `https://eu.contoso.example` | `https://eu.contoso.example/acs` |
        """,
    )
    sso = summary_sso(result)
    assert sso["identifier"] == ["https://us.contoso.example", "https://eu.contoso.example"]
    assert sso["reply_url"] == ["https://us.contoso.example/acs", "https://eu.contoso.example/acs"]
    assert sso["values_not_in_text"] == []


def test_limitations_are_the_top_level_bullets() -> None:
    """slack-provisioning-tutorial.md (2020): nested bullets detail one limitation."""
    result = summary(
        "slack-provisioning-tutorial.md",
        "Configure Slack for automatic user provisioning",
        """\
        ## Connector limitations

        * When configuring Slack's **displayName** attribute, be aware of the following behaviors:

          * Values are not entirely unique (e.g. 2 users can have the same display name)

        * Slack's **userName** attribute has to be under 21 characters and have a unique value.
        """,
    )
    assert result["provisioning"]["limitations"] == [
        "When configuring Slack's displayName attribute, be aware of the following behaviors:",
        "Slack's userName attribute has to be under 21 characters and have a unique value.",
    ]
