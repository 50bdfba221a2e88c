// Package gqlserver is the HTTP side of the server: routes.go builds the whole
// handler in one place (routes, request ids and the access log, security
// headers, CORS, the body limit, /healthz and /readyz, the playground), and
// NewHandler (handler.go) the GraphQL endpoint inside it: the transports
// (GraphQL over HTTP, graphql-transport-ws), the document limits and the
// anonymous cost budget, persisted and trusted documents, the response cache
// (respcache), the bearer-token authentication, the request deadline,
// telemetry, and the one error presenter, over the schema of package graph.
//
// It may import graph, service, auth, gqlhttp, logging, metrics, persisted,
// playground, ratelimit, events, instant, models, readroute, redisconn and
// gqlgen; never store (a test checks).
package gqlserver
