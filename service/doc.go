// Package service holds coursegraph's use cases: each exported method of Service is
// one thing a person or client can do. A method reads the viewer from the context,
// decides what they may see or do, validates input, calls the store (in one
// transaction for more than one write) and returns models or a *models.Error.
//
// It may import models, store, auth and the small leaf packages (cachetag,
// events, instant, mail, markdown, ratelimit); never graph, gqlgen or HTTP.
package service
