package gqlserver

import (
	"context"
	"encoding/json"
	"fmt"

	"coursegraph/auth"
	"coursegraph/gqlhttp"
	"coursegraph/models"
	"coursegraph/persisted"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// persistedDocuments runs documents a client names by hash instead of sending
// them (extensions.persistedQuery.sha256Hash, the protocol of Apollo Client,
// Apollo Kotlin, Apollo iOS and urql), over POST and GET.
//
// With a store, it speaks automatic persisted queries: a hash the store lacks is
// PERSISTED_QUERY_NOT_FOUND, and the client sends the document with its hash,
// which is kept once it has passed the limits and validation.
//
// With a manifest (trusted-documents mode) the server runs only the manifest's
// documents, named by id or hash or sent as text: any other hash is
// PERSISTED_QUERY_NOT_IN_LIST, any other text QUERY_NOT_IN_SAFELIST; nothing is
// registered. With staffFree, signed-in staff may send any document.
type persistedDocuments struct {
	store     persisted.Store
	manifest  *persisted.Manifest
	staffFree bool
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
	graphql.OperationContextMutator
} = persistedDocuments{}

func (persistedDocuments) ExtensionName() string { return "PersistedDocuments" }

func (persistedDocuments) Validate(graphql.ExecutableSchema) error { return nil }

// registerKey marks an operation whose document, sent with its hash, is to be
// kept once it is valid.
type registerKey struct{}

// maxHashLen bounds the id a client may send.
const maxHashLen = 128

func (p persistedDocuments) MutateOperationParameters(ctx context.Context, params *graphql.RawParams) *gqlerror.Error {
	hash, err := persistedHash(params.Extensions)
	if err != nil {
		return err
	}
	if p.manifest != nil {
		return p.trusted(ctx, params, hash)
	}
	if hash == "" || p.store == nil {
		return nil
	}
	if params.Query == "" {
		doc, ok := p.store.Get(ctx, hash)
		if !ok {
			// Apollo Kotlin and iOS look for this message, the others for the code.
			return gqlhttp.Error(gqlhttp.CodePersistedQueryNotFound, "PersistedQueryNotFound")
		}
		params.Query = doc
		return nil
	}
	if persisted.Hash(params.Query) != hash {
		return gqlhttp.Error(gqlhttp.CodeBadRequest, "extensions.persistedQuery.sha256Hash is not the SHA-256 of the query")
	}
	graphql.GetOperationContext(ctx).Stats.SetExtension("persistedRegister", registerKey{})
	return nil
}

// trusted lets through only the manifest's documents (or, with staffFree, any
// document of signed-in staff).
func (p persistedDocuments) trusted(ctx context.Context, params *graphql.RawParams, hash string) *gqlerror.Error {
	if p.staffFree && params.Query != "" && auth.UserFrom(ctx).Can(models.RoleStaff) {
		return nil
	}
	if hash != "" {
		doc, ok := p.manifest.Lookup(hash)
		if !ok {
			return gqlhttp.Error(gqlhttp.CodePersistedQueryNotInList,
				"this server runs only its clients' trusted documents, and none has the id "+hash)
		}
		if params.Query != "" && params.Query != doc {
			return gqlhttp.Error(gqlhttp.CodeBadRequest, "the query is not the trusted document of the id "+hash)
		}
		params.Query = doc
		return nil
	}
	if params.Query != "" && !p.manifest.Holds(params.Query) {
		return gqlhttp.Error(gqlhttp.CodeQueryNotInSafelist,
			"this server runs only its clients' trusted documents; send the id of one (extensions.persistedQuery.sha256Hash)")
	}
	return nil
}

// MutateOperationContext keeps a document sent with its hash once it has passed
// the limits and validation, so that the store never holds what would be refused.
func (p persistedDocuments) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if p.store != nil && oc.Stats.GetExtension("persistedRegister") != nil {
		p.store.Add(ctx, persisted.Hash(oc.RawQuery), oc.RawQuery)
	}
	return nil
}

// persistedHash reads extensions.persistedQuery: "" when there is none.
func persistedHash(ext map[string]any) (string, *gqlerror.Error) {
	raw, ok := ext["persistedQuery"]
	if !ok || raw == nil {
		return "", nil
	}
	bad := func(format string, args ...any) (string, *gqlerror.Error) {
		return "", gqlhttp.Error(gqlhttp.CodeBadRequest, "extensions.persistedQuery "+fmt.Sprintf(format, args...))
	}
	pq, ok := raw.(map[string]any)
	if !ok {
		return bad("must be an object with version 1 and a sha256Hash")
	}
	if v, ok := pq["version"].(json.Number); !ok || v.String() != "1" {
		return bad("must have version 1")
	}
	hash, ok := pq["sha256Hash"].(string)
	if !ok || hash == "" || len(hash) > maxHashLen {
		return bad("must have a sha256Hash of 1 to %d characters", maxHashLen)
	}
	return hash, nil
}
