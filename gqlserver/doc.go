// Package gqlserver is the GraphQL endpoint over HTTP and WebSocket: the
// transports (GraphQL over HTTP, graphql-transport-ws), the document limits and
// the anonymous cost budget, persisted and trusted documents, the response cache
// (respcache), the bearer-token authentication, the request deadline, telemetry,
// and the one error presenter. NewHandler (handler.go) builds the whole chain in
// one place over the schema of package graph.
//
// It may import graph, service, auth, gqlhttp, metrics, persisted, ratelimit,
// events, instant, models, readroute, redisconn and gqlgen; never store (a
// test checks).
package gqlserver
