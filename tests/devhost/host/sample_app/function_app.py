"""Sample Function App for devhost integration tests: a DFApp composed of blueprints."""

import azure.durable_functions as df
import azure.functions as func
from sample_bus import bp as bus_bp
from sample_flow import bp as flow_bp
from sample_http import bp as http_bp

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)
app.register_functions(http_bp)
app.register_functions(bus_bp)
app.register_functions(flow_bp)
