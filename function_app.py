"""The Functions entry point: the DFApp and its blueprints — a table of contents, nothing built here."""

import azure.durable_functions as df
import azure.functions as func

from activities import BLUEPRINTS as ACTIVITY_BLUEPRINTS
from orchestrations import release_pipeline
from triggers import (
    http_approvals,
    http_audit,
    http_comparison,
    http_datasets,
    http_health,
    http_insights,
    http_operations,
    http_runs,
    servicebus_handlers,
    timers_outbox,
)

# No shared function key: App Service authentication (Easy Auth) and the app roles guard every route.
app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)

for blueprint in (
    http_runs.bp,
    http_approvals.bp,
    http_audit.bp,
    http_comparison.bp,
    http_datasets.bp,
    http_health.bp,
    http_insights.bp,
    http_operations.bp,
    servicebus_handlers.bp,
    timers_outbox.bp,
    release_pipeline.bp,
    *ACTIVITY_BLUEPRINTS,
):
    app.register_functions(blueprint)
