#!/usr/bin/env bash
# Registers the console in a Microsoft Entra ID tenant, repeatably: a web app with the console's redirect URIs, the
# six app roles of app-roles.json (the same values the console's policies check), an API scope (console-api) for
# bearer tokens, and a client secret.
# Needs the Azure CLI signed in with rights to create app registrations (`az login --allow-no-subscriptions`).
# Usage: infra/entra/register-app.sh https://console.example.net ["VNF Mobility Console"]
# Prints the AzureAd settings to put into the console's configuration. Running it again updates the same app.
set -euo pipefail
origin=${1:?public origin of the console, e.g. https://console.example.net}
name=${2:-VNF Mobility Console}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
origin=${origin%/}

app_id=$(az ad app list --display-name "$name" --query '[0].appId' -o tsv)
if [ -z "$app_id" ]; then
  app_id=$(az ad app create --display-name "$name" --sign-in-audience AzureADMyOrg --query appId -o tsv)
  echo "Created app registration $app_id" >&2
fi

az ad app update --id "$app_id" \
  --web-redirect-uris "$origin/signin-oidc" \
  --enable-id-token-issuance false \
  --app-roles "@$here/app-roles.json"
# Front-channel sign-out URL so that ending the session at Entra also ends it here.
object_id=$(az ad app show --id "$app_id" --query id -o tsv)
az rest --method PATCH --uri "https://graph.microsoft.com/v1.0/applications/$object_id" \
  --headers 'Content-Type=application/json' \
  --body "{\"web\":{\"logoutUrl\":\"$origin/signout-oidc\"}}"

# The REST API: tokens for scripts and automation are issued for api://<client id> with the scope console-api.
scope_id=$(python3 -c 'import uuid,sys; print(uuid.uuid5(uuid.UUID("6f1c2a7e-8d4b-4c5e-9a3f-1b2c3d4e5f60"), "console-api"))')
az ad app update --id "$app_id" --identifier-uris "api://$app_id"
az rest --method PATCH --uri "https://graph.microsoft.com/v1.0/applications/$object_id" \
  --headers 'Content-Type=application/json' \
  --body "{\"api\":{\"requestedAccessTokenVersion\":2,\"oauth2PermissionScopes\":[{\"id\":\"$scope_id\",\"value\":\"console-api\",\"type\":\"User\",\"isEnabled\":true,\"adminConsentDisplayName\":\"Use the VNF mobility console API\",\"adminConsentDescription\":\"Call the console's REST API as the signed-in person, with their app roles.\",\"userConsentDisplayName\":\"Use the VNF mobility console API\",\"userConsentDescription\":\"Call the console's REST API as you.\"}]}}"

# An enterprise application (service principal) is where people and groups are assigned to roles.
az ad sp show --id "$app_id" >/dev/null 2>&1 || az ad sp create --id "$app_id" >/dev/null
az ad sp update --id "$app_id" --set appRoleAssignmentRequired=true

secret=$(az ad app credential reset --id "$app_id" --display-name "console-$(date +%Y%m%d)" --years 1 --append --query password -o tsv)
tenant=$(az account show --query tenantId -o tsv)

cat <<CONFIG
Configure the console with (environment variables shown; appsettings or a secret store work the same):
  AzureAd__Instance=https://login.microsoftonline.com/
  AzureAd__TenantId=$tenant
  AzureAd__ClientId=$app_id
  AzureAd__ClientSecret=$secret
  AzureAd__CallbackPath=/signin-oidc
  AzureAd__SignedOutCallbackPath=/signout-callback-oidc
Scripts get API tokens for the scope api://$app_id/console-api.
  Console__PublicOrigin=$origin
Then assign people or groups to the app roles under Enterprise applications > $name > Users and groups.
CONFIG
