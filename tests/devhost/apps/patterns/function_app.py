"""The classic Durable Functions patterns, written for devhost's fidelity suite (tests/devhost/fidelity)."""

import azure.durable_functions as df
import azure.functions as func
from patterns_entities import bp as entities
from patterns_flows import bp as flows
from patterns_nested import bp as nested

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)
app.register_functions(flows)
app.register_functions(nested)
app.register_functions(entities)
