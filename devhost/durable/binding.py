"""The durable client binding JSON and management URLs, shaped as the Durable extension builds them."""

from __future__ import annotations

import json
from urllib.parse import quote_plus

WEBHOOK_PATH = "/runtime/webhooks/durabletask"
INSTANCE_ID_PLACEHOLDER = "INSTANCEID"
DEFAULT_CONNECTION = "Storage"


def webhook_base(origin: str) -> str:
    """`http://host:port/runtime/webhooks/durabletask` for a server origin."""
    return origin.rstrip("/") + WEBHOOK_PATH


def management_urls(
    origin: str, instance_id: str, task_hub: str, connection: str = DEFAULT_CONNECTION
) -> dict[str, str]:
    """HttpManagementPayload (GetClientResponseLinks) for one instance."""
    prefix = f"{webhook_base(origin)}/instances/{quote_plus(instance_id)}"
    query = f"taskHub={quote_plus(task_hub)}&connection={quote_plus(connection)}"
    return {
        "id": instance_id,
        "statusQueryGetUri": f"{prefix}?{query}",
        "sendEventPostUri": f"{prefix}/raiseEvent/{{eventName}}?{query}",
        "terminatePostUri": f"{prefix}/terminate?reason={{text}}&{query}",
        "rewindPostUri": f"{prefix}/rewind?reason={{text}}&{query}",
        "purgeHistoryDeleteUri": f"{prefix}?{query}",
        "restartPostUri": f"{prefix}/restart?{query}",
        "suspendPostUri": f"{prefix}/suspend?reason={{text}}&{query}",
        "resumePostUri": f"{prefix}/resume?reason={{text}}&{query}",
    }


def creation_urls(origin: str) -> dict[str, str]:
    """HttpCreationPayload (GetInstanceCreationLinks); no system key is required locally."""
    prefix = f"{webhook_base(origin)}/orchestrators/{{functionName}}[/{{instanceId}}]"
    return {
        "createNewInstancePostUri": f"{prefix}?",
        "createAndWaitOnNewInstancePostUri": f"{prefix}?timeout={{timeoutInSeconds}}"
        "&pollingInterval={intervalInSeconds}&",
    }


def client_binding_json(origin: str, task_hub: str, connection: str | None = None) -> str:
    """The string the extension passes for a durableClient input binding (out-of-proc HTTP protocol)."""
    payload = {
        "taskHubName": task_hub,
        "connectionName": None,
        "creationUrls": creation_urls(origin),
        "managementUrls": management_urls(origin, INSTANCE_ID_PLACEHOLDER, task_hub, connection or DEFAULT_CONNECTION),
        "baseUrl": webhook_base(origin),
        "requiredQueryStringParameters": "",
        "rpcBaseUrl": webhook_base(origin) + "/",
        "httpBaseUrl": None,
    }
    return json.dumps(payload)
