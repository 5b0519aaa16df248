"""Local stand-in for the Azure Functions host + Durable extension + Service Bus (Core Tools cannot run here).

`python -m devhost` imports function_app.py as the Python worker does, serves its HTTP triggers under
/api, the Durable management API under /runtime/webhooks/durabletask, runs orchestrations through the
SDK's own replay (devhost.durable), and feeds Service Bus topic triggers from the local broker
(devhost.servicebus) through the real azure-servicebus SDK. Tests use devhost.host.DevHost in-process.
Layout: app/ (load and call the app), durable/, servicebus/, http/; host.py composes them.
"""
