"""Per-language words the importer looks for: data, so a new translation is a new entry, not new code.

English is always tried; a translated copy (`ms.contentlocale`) adds its own words. Microsoft keeps many
UI labels in English inside translations (tutorial 001 keeps `**Tenant URL**`), so both lists apply.
"""

from __future__ import annotations

from collections.abc import Mapping

Words = Mapping[str, tuple[str, ...]]

# Basic SAML Configuration fields (the admin center's labels; ENTRA-BEHAVIOUR §2).
FIELD_LABELS: dict[str, dict[str, tuple[str, ...]]] = {
    "identifier": {
        "en": ("identifier", "entity id"),
        "sv": ("identifierare", "entitets-id"),
        "fr": ("identificateur", "id d’entité", "id d'entité"),
        "de": ("bezeichner", "entitäts-id"),
        "es": ("identificador",),
        "ja": ("識別子",),
        "zh": ("标识符", "識別碼"),
        "ko": ("식별자",),
    },
    "reply_url": {
        "en": ("reply url", "assertion consumer service", "acs url"),
        "sv": ("svars-url", "svarsadress"),
        "fr": ("url de réponse",),
        "de": ("antwort-url",),
        "es": ("url de respuesta",),
        "ja": ("応答 url",),
        "zh": ("回复 url", "回覆 url"),
        "ko": ("회신 url",),
    },
    "sign_on_url": {
        "en": ("sign-on url", "sign on url", "signon url", "sign-in url", "sign in url"),
        "sv": ("inloggnings-url",),
        "fr": ("url de connexion", "url d’authentification"),
        "de": ("anmelde-url",),
        "es": ("url de inicio de sesión",),
        "ja": ("サインオン url",),
        "zh": ("登录 url", "登入 url"),
        "ko": ("로그온 url",),
    },
    "relay_state": {
        "en": ("relay state", "relaystate"),
        "sv": ("vidarebefordransstatus", "relätillstånd"),
        "fr": ("état de relais",),
        "de": ("relaystatus",),
        "es": ("estado de la retransmisión",),
        "ja": ("リレー状態",),
        "zh": ("中继状态", "轉送狀態"),
        "ko": ("릴레이 상태",),
    },
    "logout_url": {
        "en": ("logout url", "log out url", "sign-out url"),
        "sv": ("utloggnings-url",),
        "fr": ("url de déconnexion",),
        "de": ("abmelde-url",),
        "es": ("url de cierre de sesión",),
        "ja": ("ログアウト url",),
        "zh": ("注销 url", "登出 url"),
        "ko": ("로그아웃 url",),
    },
}

BASIC_SAML: Words = {
    "en": ("basic saml configuration",),
    "sv": ("grundläggande saml-konfiguration",),
    "fr": ("configuration saml de base",),
    "de": ("grundlegende saml-konfiguration",),
    "es": ("configuración básica de saml",),
    "ja": ("基本的な saml 構成",),
    "zh": ("基本 saml 配置", "基本 saml 組態"),
    "ko": ("기본 saml 구성",),
}
# "Select Set additional URLs ... if you wish to configure the application in SP initiated mode".
ADDITIONAL_URLS: Words = {
    "en": ("set additional urls",),
    "sv": ("ange ytterligare url", "ställ in ytterligare url"),
    "fr": ("définir des url supplémentaires",),
    "de": ("zusätzliche urls festlegen",),
    "es": ("establecer direcciones url adicionales",),
    "ja": ("追加の url を設定",),
    "zh": ("设置其他 url", "設定其他 url"),
    "ko": ("추가 url 설정",),
}
INITIATED: Words = {
    "en": ("initiated", "initiate"),
    "sv": ("initierad", "initierat"),
    "fr": ("initiée", "initié", "à l’initiative", "à l'initiative"),
    "de": ("initiiert",),
    "es": ("iniciado",),
    "ja": ("開始",),
    "zh": ("发起", "起始", "啟動"),
    "ko": ("시작",),
    "pt": ("iniciado",),
    "it": ("avviato",),
    "nl": ("geïnitieerd", "geinitieerd"),
}
# "does not support just-in-time provisioning" is no JIT statement.
JIT_NEGATION: Words = {
    "en": (
        "not support",
        "doesn't support",
        "does not support",
        "isn't supported",
        "not supported",
    ),
    "sv": ("inte stöd",),
    "fr": ("ne prend pas en charge",),
    "de": ("nicht unterstützt", "unterstützt kein"),
}
JIT: Words = {
    # Also the sentence form: "an account is automatically created if necessary" when a user signs in.
    "en": (
        "just in time",
        "just-in-time",
        "automatically created",
        "created in the application automatically",
    ),
    "sv": ("just-in-time", "just in time"),
    "fr": ("juste-à-temps", "juste à temps", "just-in-time"),
    "de": ("just-in-time",),
    "es": ("just-in-time", "justo a tiempo"),
}
# Values the gallery entry sets itself (in-case-of-crisis style: "the necessary URLs are already pre-populated").
PREFILLED: Words = {
    "en": (
        "pre-populated",
        "prepopulated",
        "pre-configured",
        "preconfigured",
        "auto populated",
        "auto-populated",
    ),
    "sv": ("förifyll", "förkonfigurer"),
    "fr": ("préremplies", "pré-remplies", "préconfigur"),
    "de": ("vorab aufgefüllt", "vorkonfiguriert"),
    "es": ("rellenad", "preconfigurad"),
}
FIXED_IDENTIFIER: Words = {
    "en": ("fixed string value", "only one instance can be configured"),
    "sv": ("fast strängvärde", "endast en instans"),
    "fr": ("valeur de chaîne fixe", "une seule instance"),
    "de": ("fester zeichenfolgenwert", "nur eine instanz"),
    "es": ("valor de cadena fijo", "solo se puede configurar una instancia"),
    "ja": ("固定文字列",),
    "zh": ("固定字符串", "固定字串"),
}
ROLE_CLAIM: Words = {
    "en": ("role claim",),
    "sv": ("rollanspråk",),
    "fr": ("revendication de rôle",),
    "de": ("rollenanspruch",),
    "es": ("notificación de rol",),
}
# The certificate section's name ends the Basic SAML values.
SIGNING_CERTIFICATE: Words = {
    "en": ("saml signing certificate",),
    "sv": ("saml-signeringscertifikat",),
    "fr": ("certificat de signature saml",),
    "de": ("saml-signaturzertifikat",),
    "es": ("certificado de firma de saml",),
    "ja": ("saml 署名証明書",),
    "zh": ("saml 签名证书", "saml 簽署憑證"),
    "ko": ("saml 서명 인증서",),
}
# The values of Entra's "Set up <app>" section and certificate, as the app side names them.
ENTRA_VALUE_LABELS: dict[str, tuple[tuple[str, str], ...]] = {
    "sv": (
        ("inloggnings-url", "login_url"),
        ("utloggnings-url", "logout_url"),
        ("azure ad-identifierare", "entra_identifier"),
        ("tumavtryck", "certificate"),
        ("certifikat (base64)", "certificate"),
        ("program-id", "application_id"),
        # "klistrar du in URL-värdet för **app Federation-Metadata**": the App Federation Metadata Url.
        ("app federation-metadata", "metadata_url"),
        ("appens federationsmetadata", "metadata_url"),
    ),
    "fr": (
        ("url de connexion", "login_url"),
        ("url de déconnexion", "logout_url"),
        ("identificateur azure ad", "entra_identifier"),
        ("empreinte", "certificate"),
        ("certificat (base64)", "certificate"),
        ("id d’application", "application_id"),
    ),
    "de": (
        ("anmelde-url", "login_url"),
        ("abmelde-url", "logout_url"),
        ("azure ad-bezeichner", "entra_identifier"),
        ("fingerabdruck", "certificate"),
        ("zertifikat (base64)", "certificate"),
        ("anwendungs-id", "application_id"),
    ),
    "ja": (
        ("ログイン url", "login_url"),
        ("ログアウト url", "logout_url"),
        ("azure ad 識別子", "entra_identifier"),
        ("拇印", "certificate"),
        ("証明書 (base64)", "certificate"),
    ),
    "zh": (
        ("登录 url", "login_url"),
        ("注销 url", "logout_url"),
        ("azure ad 标识符", "entra_identifier"),
        ("指纹", "certificate"),
        ("证书 (base64)", "certificate"),
    ),
    "es": (
        ("url de inicio de sesión", "login_url"),
        ("url de cierre de sesión", "logout_url"),
        ("identificador de azure ad", "entra_identifier"),
        ("huella digital", "certificate"),
        ("certificado (base64)", "certificate"),
    ),
}
# Verbs that move a value into an app-side field (English is matched as whole words by sso.TRANSFER);
# "Select either **A** or **B**" only chooses an option.
TRANSFER_VERBS: Words = {
    "sv": ("klistra", "kopiera", "ange", "skriv", "ladda upp"),
    "fr": ("coll", "copi", "entrez", "saisissez", "tapez", "charg"),
    "de": ("einfügen", "fügen sie", "kopieren", "geben sie", "hochladen", "laden sie"),
    "es": ("peg", "copi", "escriba", "introduzca", "cargue"),
    "ja": ("貼り付け", "入力", "コピー", "アップロード"),
    "zh": ("粘贴", "貼上", "输入", "輸入", "复制", "複製", "上传", "上傳"),
    "ko": ("붙여넣", "입력", "복사", "업로드"),
}
# The certificate named in plain words on the app side ("collez-le dans la zone de texte **Certificat
# X.509**"): the Entra value is the certificate.
CERTIFICATE_WORDS: Words = {
    "en": ("certificate",),
    "sv": ("certifikat",),
    "fr": ("certificat",),
    "de": ("zertifikat",),
    "es": ("certificado",),
    "ja": ("証明書",),
    "zh": ("证书", "憑證"),
    "ko": ("인증서",),
}
# Words that mark a heading or sentence as about Entra itself, not the app's side.
ENTRA: Words = {
    "en": ("microsoft entra", "azure ad", "azure active directory", "entra id"),
}
TEST_HEADING: Words = {
    "en": ("test sso", "test single sign-on", "test user"),
    "sv": ("testa", "testanvändare"),
    "fr": ("tester", "utilisateur de test"),
    "de": ("testen", "testbenutzer"),
    "es": ("probar", "usuario de prueba"),
}

# Claims tables: Name | Source Attribute [| Namespace].
CLAIM_NAME: Words = {
    "en": ("name", "claim name"),
    "sv": ("namn",),
    "fr": ("nom",),
    "de": ("name",),
    "es": ("nombre",),
}
CLAIM_SOURCE: Words = {
    "en": ("source attribute", "source", "value", "attribute"),
    "sv": ("källattribut", "källa"),
    "fr": ("attribut source", "source"),
    "de": ("quellattribut",),
    "es": ("atributo de origen",),
    "ja": ("ソース属性",),
    "zh": ("源属性", "來源屬性"),
    "ko": ("원본 특성",),
}
CLAIM_NAMESPACE: Words = {
    "en": ("namespace",),
    "sv": ("namnområde",),
    "fr": ("espace de noms",),
    "de": ("namespace",),
    "es": ("espacio de nombres",),
}

# Provisioning.
CAPABILITIES: dict[str, dict[str, tuple[str, ...]]] = {
    "create_users": {
        "en": ("create user",),
        "sv": ("skapa användare",),
        "fr": ("créer des utilisateurs",),
        "de": ("benutzer erstellen", "erstellen von benutzern"),
        "es": ("crear usuarios",),
        "ja": ("ユーザーを作成", "ユーザーの作成"),
        "zh": ("创建用户", "建立使用者"),
    },
    "remove_users": {
        "en": ("remove user", "deactivate user", "disable user", "delete user", "deprovision user"),
        "sv": ("ta bort användare", "inaktivera användare"),
        "fr": ("supprimer des utilisateurs", "désactiver des utilisateurs"),
        "de": ("benutzer entfernen", "entfernen von benutzern", "benutzer deaktivieren"),
        "es": ("quitar usuarios", "eliminar usuarios"),
        "ja": ("ユーザーを削除", "ユーザーの削除"),
        "zh": ("删除用户", "移除使用者"),
    },
    "sync_attributes": {
        "en": ("attributes synchronized", "keep user attributes", "attributes in sync"),
        "sv": ("synkroniserade",),
        "fr": ("synchronisés",),
        # "Synchronisieren von Benutzerattributen zwischen Azure AD und …" (de-de checklists, 2021).
        "de": ("synchronisiert", "synchronisieren von benutzerattributen"),
        "es": ("sincroniza",),
        "ja": ("同期",),
        "zh": ("同步",),
    },
    "provision_groups": {
        "en": ("provision group", "group membership", "groups and group"),
        "sv": ("etablera grupper", "gruppmedlemskap"),
        "fr": ("approvisionner des groupes", "appartenances aux groupes"),
        "de": ("gruppen und gruppenmitgliedschaften", "gruppenmitgliedschaft"),
        "es": ("aprovisionar grupos", "pertenencia a grupos"),
        "ja": ("グループ",),
        "zh": ("组和组成员", "群組"),
    },
    "sso": {
        "en": ("single sign-on", "sso"),
        "sv": ("enkel inloggning",),
        "fr": ("authentification unique",),
        "de": ("einmaliges anmelden",),
        "es": ("inicio de sesión único",),
        "ja": ("シングル サインオン",),
    },
}
# The intro of older tutorials without a checklist: "provision and de-provision users and/or groups".
INTRO_GROUPS: Words = {
    "en": ("users and/or groups", "users and groups", "users or groups"),
    "sv": ("användare och/eller grupper",),
    "fr": ("utilisateurs et/ou des groupes", "utilisateurs et/ou groupes", "et/ou de groupes"),
}
INTRO_DEPROVISION: Words = {
    "en": ("de-provision", "deprovision"),
    "sv": ("avetabl",),
    "fr": ("déprovisionn", "annuler l’approvisionnement"),
}
TENANT_URL: Words = {
    "en": ("tenant url", "base url"),
    "sv": ("klient-url", "klientorganisations-url"),
    "fr": ("url de locataire", "url du locataire"),
    "de": ("mandanten-url",),
    "es": ("url del inquilino",),
}
SECRET_TOKEN: Words = {
    "en": ("secret token", "bearer token", "api token", "access token"),
    "sv": ("hemlig token",),
    "fr": ("jeton secret",),
    "de": ("geheimes token",),
    "es": ("token secreto",),
}
AUTHORIZE: Words = {
    "en": ("authorize",),
    "sv": ("auktorisera",),
    "fr": ("autoriser",),
    "de": ("autorisieren",),
    "es": ("autorizar",),
}
BASIC_AUTH: Words = {
    "en": (
        "admin username",
        "admin password",
        "admin credentials and username",
        "username and password",
    ),
    "sv": ("användarnamn och lösenord",),
    "fr": ("nom d’utilisateur et mot de passe", "nom d'utilisateur et mot de passe"),
}
ATTRIBUTE_HEADER: Words = {
    "en": ("attribute", "target attribute"),
    "sv": ("attribut",),
    "fr": ("attribut",),
    "de": ("attribut",),
    "es": ("atributo",),
    "ja": ("属性",),
    "zh": ("属性", "屬性"),
    "ko": ("특성",),
}
TYPE_HEADER: Words = {
    "en": ("type",),
    "sv": ("typ",),
    "fr": ("type",),
    "de": ("typ",),
    "es": ("tipo",),
    "ja": ("型", "種類", "type"),
    "zh": ("类型", "類型"),
    "ko": ("형식",),
}
FILTER_HEADER: Words = {
    "en": ("filter",),
    "sv": ("filtrer",),
    "fr": ("filtr",),
    "de": ("filter",),
    "es": ("filtr",),
}
REQUIRED_HEADER: Words = {
    "en": ("required",),
    "sv": ("krävs", "obligatorisk"),
    "fr": ("requis", "obligatoire"),
    "de": ("erforderlich",),
    "es": ("necesario", "obligatorio"),
}
GROUP_WORDS: Words = {
    "en": ("group",),
    "sv": ("grupp",),
    "fr": ("groupe",),
    "de": ("gruppe",),
    "es": ("grupo",),
}
LIMITATION_HEADINGS: Words = {
    "en": ("limitation", "known issues", "restriction"),
    "sv": ("begränsning",),
    "fr": ("limitation", "restriction"),
    "de": ("einschränkung",),
    "es": ("limitacion", "limitación"),
    "ja": ("制限",),
    "zh": ("限制",),
    "ko": ("제한",),
}
CHECK_MARKS = ("&check;", "✓", "✔", "yes", "ja", "oui", "sí", "x")


def words(table: Words, language: str) -> tuple[str, ...]:
    """English words plus the document language's words."""
    found = list(table.get("en", ()))
    if language != "en":
        found += table.get(language, ())
    return tuple(found)


def mentions(text: str, table: Words, language: str) -> bool:
    # Emphasis may split a phrase in translations ("Grundläggande **SAML-konfiguration för**").
    lowered = text.replace("**", "").lower()
    return any(word in lowered for word in words(table, language))
