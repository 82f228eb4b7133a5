"""REST API of the configurator: routers, authentication, the error envelope."""
